/**
 * Helpers shared by the WPS 1.0.0 encoders (`encode-*.ts`): the root namespace declarations, the identifier /
 * title / abstract / metadata block every described item starts with, and the `wps:Input` writer that Execute
 * requests and the lineage echo of ExecuteResponses share. Internal to the codec (the `wps1` barrel does not
 * re-export this module).
 */

import type { RawInput } from "../../io/raw-input.js";
import type { MetadataLink } from "../../io/types.js";
import { cdata, type XmlWriter } from "../xml/write.js";
import { NS } from "./constants.js";

/** Namespace declarations of the Capabilities, ProcessDescriptions and ExecuteResponse root elements. */
export const ROOT_NS: readonly (readonly [string, string])[] = [
  ["xmlns:wps", NS.wps],
  ["xmlns:ows", NS.ows],
  ["xmlns:xlink", NS.xlink],
  ["xmlns:xsi", NS.xsi],
];

function metadata(w: XmlWriter, links: readonly MetadataLink[] | undefined): void {
  for (const m of links ?? []) {
    w.leaf("ows:Metadata", [
      ["xlink:title", m.title],
      ["xlink:href", m.href],
      ["xlink:role", m.role],
    ]);
  }
}

/** `ows:Identifier`, `ows:Title`, `ows:Abstract` (when there is one) and the `ows:Metadata` links. */
export function described(
  w: XmlWriter,
  id: string,
  t: { title: string; abstract?: string },
  meta?: readonly MetadataLink[],
): void {
  w.leaf("ows:Identifier", undefined, id);
  w.leaf("ows:Title", undefined, t.title);
  if (t.abstract !== undefined) w.leaf("ows:Abstract", undefined, t.abstract);
  metadata(w, meta);
}

/** A bounding box element `name` (`crs`, `dimensions`, lower and upper corner), for inputs and outputs. */
export function bboxData(
  w: XmlWriter,
  name: string,
  b: { crs?: string; dimensions?: number; lowerCorner: readonly number[]; upperCorner: readonly number[] },
): void {
  w.open(name, [
    ["crs", b.crs],
    ["dimensions", b.dimensions ?? b.lowerCorner.length],
  ]);
  w.leaf("ows:LowerCorner", undefined, b.lowerCorner.join(" "));
  w.leaf("ows:UpperCorner", undefined, b.upperCorner.join(" "));
  w.close(name);
}

/** One `wps:Input` (used by Execute requests and by the lineage echo of responses). */
export function encodeInput(w: XmlWriter, i: RawInput): void {
  w.open("wps:Input");
  w.leaf("ows:Identifier", undefined, i.id);
  const v = i.value;
  switch (v.kind) {
    case "reference":
      w.open("wps:Reference", [
        ["xlink:href", v.href],
        ["method", v.method],
        ["mimeType", v.mimeType],
        ["encoding", v.encoding],
        ["schema", v.schema],
      ]);
      for (const [key, value] of v.headers ?? [])
        w.leaf("wps:Header", [
          ["key", key],
          ["value", value],
        ]);
      if (v.body !== undefined) w.open("wps:Body").raw(cdata(v.body)).close("wps:Body");
      else if (v.bodyReference !== undefined) w.leaf("wps:BodyReference", [["xlink:href", v.bodyReference]]);
      w.close("wps:Reference");
      break;
    case "literal":
      w.open("wps:Data")
        .leaf(
          "wps:LiteralData",
          [
            ["uom", v.uom],
            ["dataType", v.dataType],
          ],
          v.value,
        )
        .close("wps:Data");
      break;
    case "text":
      w.open("wps:Data").leaf("wps:LiteralData", undefined, v.value).close("wps:Data");
      break;
    case "complex":
      w.open("wps:Data")
        .open("wps:ComplexData", [
          ["mimeType", v.mimeType],
          ["encoding", v.encoding],
          ["schema", v.schema],
        ])
        // Embedded XML stays XML; anything else goes in CDATA, which needs no escaping of `<` and `&`.
        .raw(v.xml === true ? v.data : cdata(v.data))
        .close("wps:ComplexData")
        .close("wps:Data");
      break;
    case "bbox":
      w.open("wps:Data");
      bboxData(w, "wps:BoundingBoxData", v);
      w.close("wps:Data");
      break;
  }
  w.close("wps:Input");
}
