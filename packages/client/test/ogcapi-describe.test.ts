/**
 * OGC API – Processes descriptions read into the client's description model: Roost's own documents (recorded from a
 * running server) give the same inputs as its WPS 1.0.0 DescribeProcess of the same process, and the JSON Schema
 * forms other servers write (arrays, `$ref`, mixed `oneOf`, exclusive bounds, pre-1.0 input arrays) map as documented.
 */
import { readFileSync } from "node:fs";
import { wps1 } from "@roost/core/internal";
import { describe, expect, it } from "vitest";
import { descriptionFromOgc, inputFromOgc, outputFromOgc } from "../src/ogcapi-describe.js";

const recorded = (name: string) => readFileSync(new URL(`./recorded/${name}`, import.meta.url), "utf8");

describe("OGC API descriptions in the shared model", () => {
  it("reads Roost's inout like its WPS 1.0.0 description of the same process", () => {
    const ogc = descriptionFromOgc(JSON.parse(recorded("ogc-process-inout.json")));
    const doc = wps1.decodeResponse(recorded("wps1-describe-inout.xml"));
    if (doc.kind !== "descriptions") throw new Error("not a description");
    const w = doc.processes[0]!;
    expect(ogc).toBeDefined();
    expect(ogc!.identifier).toBe("inout");
    expect(ogc!.storeSupported).toBe(true);
    expect(ogc!.jobControlOptions).toEqual(["sync-execute", "async-execute", "dismiss"]);
    expect(ogc!.inputs.map((i) => i.identifier)).toEqual(w.inputs.map((i) => i.identifier));
    for (const [i, o] of ogc!.inputs.entries()) {
      const x = w.inputs[i]!;
      expect([o.identifier, o.kind, o.minOccurs, o.maxOccurs]).toEqual([
        x.identifier,
        x.kind,
        x.minOccurs,
        x.maxOccurs,
      ]);
      if (o.kind === "literal" && x.kind === "literal") {
        // JSON Schema has no angle type: an angle is a plain number (double) there.
        expect([o.identifier, o.literalType]).toEqual([
          x.identifier,
          x.literalType === "angle" ? "double" : x.literalType,
        ]);
        expect([o.identifier, o.default]).toEqual([x.identifier, x.default]);
        expect([o.identifier, o.allowedValues]).toEqual([
          x.identifier,
          // An allowed-values reference (ows:ValuesReference) has no JSON Schema form.
          x.allowedValues.kind === "reference" ? { kind: "any" } : x.allowedValues,
        ]);
      }
      if (o.kind === "complex" && x.kind === "complex")
        expect(o.formats.map((f) => f.mimeType)).toEqual(x.formats.map((f) => f.mimeType));
      if (o.kind === "bbox" && x.kind === "bbox") expect(o.crs).toEqual(x.crs);
    }
    expect(ogc!.outputs.map((o) => [o.identifier, o.kind])).toEqual(
      w.outputs.map((o) => [o.identifier, o.kind]),
    );
  });

  it("maps other servers' schema forms", () => {
    const lit = (schema: unknown, extra: object = {}) => inputFromOgc("x", { title: "X", schema, ...extra });
    // An array-valued input is a repeatable input of its items' type.
    expect(lit({ type: "array", items: { type: "number" }, minItems: 2, maxItems: 4 })).toMatchObject({
      kind: "literal",
      literalType: "double",
      minOccurs: 2,
      maxOccurs: 4,
    });
    // JSON Schema 2019+ exclusive bounds and a multipleOf spacing.
    expect(lit({ type: "integer", exclusiveMinimum: 0, maximum: 100, multipleOf: 5 })).toMatchObject({
      allowedValues: {
        kind: "values",
        values: [],
        ranges: [{ minimum: 0, maximum: 100, spacing: 5, closure: "open-closed" }],
      },
    });
    expect(lit({ type: "string", format: "date-time", enum: ["2020-01-01T00:00:00Z"] })).toMatchObject({
      literalType: "dateTime",
      allowedValues: { kind: "values", values: ["2020-01-01T00:00:00Z"] },
    });
    // Complex: a $ref to GeoJSON, a GeoJSON format code, mixed oneOf (the literal branch cannot be sent as a file).
    expect(lit({ $ref: "https://geojson.org/schema/FeatureCollection.json" })).toMatchObject({
      kind: "complex",
      formats: [{ mimeType: "application/geo+json" }],
    });
    expect(lit({ type: "object", format: "geojson-feature" })).toMatchObject({
      formats: [{ mimeType: "application/geo+json" }],
    });
    expect(
      lit({
        oneOf: [
          { type: "string", contentEncoding: "binary", contentMediaType: "image/tiff; application=geotiff" },
          { type: "string", contentMediaType: "text/csv" },
          { type: "number" },
        ],
      }),
    ).toMatchObject({
      kind: "complex",
      formats: [{ mimeType: "image/tiff; application=geotiff" }, { mimeType: "text/csv" }],
    });
    // Bounding boxes: the URI form of the format, CRSs with the default first.
    expect(
      lit({
        type: "object",
        format: "http://www.opengis.net/def/format/ogcapi-processes/0/ogc-bbox",
        properties: { bbox: { type: "array" }, crs: { enum: ["EPSG:4326", "CRS84"], default: "CRS84" } },
      }),
    ).toMatchObject({ kind: "bbox", crs: ["CRS84", "EPSG:4326"] });
    // Occurrences as strings (ZOO-Project), unbounded.
    expect(lit({ type: "string" }, { minOccurs: "0", maxOccurs: "unbounded" })).toMatchObject({
      minOccurs: 0,
      maxOccurs: Number.MAX_SAFE_INTEGER,
    });
    // No schema at all: a literal of unknown type, sent as given.
    expect(lit(undefined)).toMatchObject({ kind: "literal", allowedValues: { kind: "any" } });
    expect(lit(undefined)).not.toHaveProperty("literalType");
    expect(
      outputFromOgc("o", { schema: { type: "string", contentMediaType: "application/json" } }),
    ).toMatchObject({
      kind: "complex",
      formats: [{ mimeType: "application/json" }],
    });
  });

  it("reads pre-1.0 documents: inputs as an array, no jobControlOptions, `identifier`", () => {
    const d = descriptionFromOgc({
      identifier: "echo",
      title: "Echo",
      inputs: [{ id: "text", title: "Text", schema: { type: "string" }, minOccurs: 1, maxOccurs: 1 }],
      outputs: [{ id: "echo", schema: { type: "string" } }],
    });
    expect(d).toMatchObject({
      identifier: "echo",
      storeSupported: true,
      jobControlOptions: ["sync-execute", "async-execute"],
      inputs: [{ identifier: "text", kind: "literal", literalType: "string" }],
      outputs: [{ identifier: "echo", kind: "literal" }],
    });
    expect(descriptionFromOgc({ title: "no id" })).toBeUndefined();
  });
});
