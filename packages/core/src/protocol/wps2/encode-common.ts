/**
 * Pieces every WPS 2.0.0 document encoder shares. Element order follows the OWS 2.0 / WPS 2.0 XSDs, which differ
 * from WPS 1.0.0: a description is Title, Abstract, Keywords, **then** Identifier, then Metadata
 * (`wps:DescriptionType`, processDescription.xsd).
 */
import type { MetadataLink, Translation } from "../../io/types.js";
import type { ProcessDefinition } from "../../process/define.js";
import type { Attrs, XmlWriter } from "../xml/write.js";
import { NS, processVersionOf } from "./constants.js";

/** Namespace declarations of a response root. No default namespace is ever declared: `LiteralDataDomain` is an
 * unqualified local element of dataTypes.xsd (no elementFormDefault) and must stay in no namespace. */
export const ROOT_NS: Attrs = [
  ["xmlns:wps", NS.wps],
  ["xmlns:ows", NS.ows],
  ["xmlns:xlink", NS.xlink],
  ["xmlns:xsi", NS.xsi],
];

/** xs:dateTime in UTC with a `Z` (14-065r2 §9.5, "StatusInfo structure": `YYYY-MM-DDTHH:MM:SS.SSSZ`). */
export function utc(d: Date): string {
  return d.toISOString();
}

/** `ows:Metadata` links (xlink simple attributes). */
export function metadata(w: XmlWriter, links: readonly MetadataLink[] | undefined): void {
  for (const m of links ?? []) {
    w.leaf("ows:Metadata", [
      ["xlink:title", m.title],
      ["xlink:href", m.href],
      ["xlink:role", m.role],
    ]);
  }
}

/** `ows:Keywords` (omitted when empty: the element needs at least one keyword). */
export function keywords(w: XmlWriter, list: readonly string[] | undefined): void {
  if (!list || list.length === 0) return;
  w.open("ows:Keywords");
  for (const k of list) w.leaf("ows:Keyword", undefined, k.trim());
  w.close("ows:Keywords");
}

/** Title, Abstract, Keywords, Identifier, Metadata — `wps:DescriptionType` in its order. */
export function described(
  w: XmlWriter,
  identifier: string,
  t: Translation & { readonly title: string },
  meta?: readonly MetadataLink[],
): void {
  w.leaf("ows:Title", undefined, t.title);
  if (t.abstract !== undefined) w.leaf("ows:Abstract", undefined, t.abstract);
  keywords(w, t.keywords);
  w.leaf("ows:Identifier", undefined, identifier);
  metadata(w, meta);
}

/** Options shared by the Capabilities and ProcessOfferings encoders. */
export interface OfferingOptions {
  /**
   * Advertise the Dismiss extension (`dismiss` in jobControlOptions of every process that can run
   * asynchronously, 14-065r2 §12.1 `/req/service/model/dismiss/job-control-attribute`). Default true.
   */
  readonly dismiss?: boolean;
}

/**
 * `processPropertiesAttributes` of a ProcessSummary or ProcessOffering: a process that runs asynchronously can
 * return any output by value or by reference (its outputs are stored); a sync-only process stores nothing, so it
 * offers values only (the server refuses `transmission="reference"` for it with StorageNotSupported). The process
 * model is the native one.
 */
export function offeringAttrs(p: ProcessDefinition, o: OfferingOptions): Attrs {
  const jobControl = [
    ...(p.jobControl.sync ? ["sync-execute"] : []),
    ...(p.jobControl.async ? ["async-execute"] : []),
    ...(p.jobControl.async && o.dismiss !== false ? ["dismiss"] : []),
  ];
  return [
    ["jobControlOptions", jobControl.join(" ")],
    ["outputTransmission", p.jobControl.async ? "value reference" : "value"],
    ["processVersion", processVersionOf(p.version)],
    ["processModel", "native"],
  ];
}

/** An `ows:BoundingBox` (coordinates in the order given, CRS kept or omitted, never invented). */
export function boundingBox(
  w: XmlWriter,
  b: {
    readonly crs?: string | undefined;
    readonly dimensions?: number | undefined;
    readonly lowerCorner: readonly number[];
    readonly upperCorner: readonly number[];
  },
): void {
  w.open("ows:BoundingBox", [
    ["crs", b.crs === "" ? undefined : b.crs],
    ["dimensions", b.dimensions ?? b.lowerCorner.length],
  ]);
  w.leaf("ows:LowerCorner", undefined, b.lowerCorner.join(" "));
  w.leaf("ows:UpperCorner", undefined, b.upperCorner.join(" "));
  w.close("ows:BoundingBox");
}
