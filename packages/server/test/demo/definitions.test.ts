/**
 * The demo processes must describe themselves exactly as Emu's do (identifiers, types, occurrences, defaults,
 * allowed values, formats, by-reference outputs), so clients written against Emu work unchanged.
 */
import type { InputDefinition, OutputDefinition } from "@roost/core";
import { describe, expect, it } from "vitest";
import { DEMO_PROCESSES } from "../../src/demo/index.js";

/** A flat, comparable summary of an input. */
interface In {
  id: string;
  type: string;
  occurs: [number, number];
  default?: string | number | boolean;
  allowed?: { values?: (string | number)[]; ranges?: object[] } | { reference: string };
  formats?: string[];
  crs?: string[];
}

/** A flat, comparable summary of an output. */
interface Out {
  id: string;
  type: string;
  formats?: string[];
  asReference?: boolean;
  crs?: string[];
  uoms?: string[];
}

function summariseInput(d: InputDefinition): In {
  const s: In = {
    id: d.identifier,
    type: d.kind === "literal" ? d.dataType : d.kind,
    occurs: [d.minOccurs, d.maxOccurs],
  };
  if (d.kind === "literal") {
    if (d.default !== undefined) s.default = d.default;
    const a = d.allowedValues;
    if (a.kind === "values") {
      s.allowed = {
        ...(a.values.length > 0 ? { values: [...a.values] } : {}),
        ...(a.ranges.length > 0 ? { ranges: [...a.ranges] } : {}),
      };
    } else if (a.kind === "reference") s.allowed = { reference: a.reference };
  } else if (d.kind === "complex") s.formats = d.formats.map((f) => f.mimeType);
  else s.crs = [...d.crs];
  return s;
}

function summariseOutput(d: OutputDefinition): Out {
  const s: Out = { id: d.identifier, type: d.kind === "literal" ? d.dataType : d.kind };
  if (d.kind === "literal" && d.uoms !== undefined) s.uoms = [...d.uoms];
  if (d.kind === "complex") {
    s.formats = d.formats.map((f) => f.mimeType);
    s.asReference = d.asReference;
  }
  if (d.kind === "bbox") s.crs = [...d.crs];
  return s;
}

const NETCDF = "application/x-netcdf";
const JSON_ = "application/json";
const TEXT = "text/plain";
const ZIP = "application/zip";

const one: [number, number] = [1, 1];

/** The catalogue (`/work/shared/docs/demo-processes.md` and Emu's sources), process by process. */
const CATALOGUE: { id: string; version: string; async: boolean; inputs: In[]; outputs: Out[] }[] = [
  {
    id: "hello",
    version: "1.5",
    async: true,
    inputs: [{ id: "name", type: "string", occurs: one }],
    outputs: [{ id: "output", type: "string", uoms: ["unity"] }],
  },
  {
    id: "sleep",
    version: "1.0",
    async: true,
    inputs: [{ id: "delay", type: "float", occurs: one, default: 2 }],
    outputs: [{ id: "sleep_output", type: "string" }],
  },
  {
    id: "nap",
    version: "1.0",
    async: false,
    inputs: [{ id: "delay", type: "float", occurs: one, default: 1 }],
    outputs: [{ id: "output", type: "string" }],
  },
  {
    id: "ultimate_question",
    version: "2.0",
    async: true,
    inputs: [],
    outputs: [{ id: "answer", type: "string" }],
  },
  {
    id: "inout",
    version: "1.0",
    async: true,
    inputs: [
      { id: "string", type: "string", occurs: one, default: "This is just a string" },
      { id: "int", type: "integer", occurs: one, default: 7, allowed: { values: [1, 2, 3, 5, 7, 11] } },
      { id: "float", type: "float", occurs: [0, 5], default: 3.14 },
      { id: "boolean", type: "boolean", occurs: one, default: true },
      { id: "angle", type: "angle", occurs: one, default: 90 },
      { id: "time", type: "time", occurs: one, default: "12:00:00" },
      { id: "date", type: "date", occurs: one, default: "2012-05-01" },
      { id: "datetime", type: "dateTime", occurs: one, default: "2016-09-02T12:00:00Z" },
      {
        id: "string_choice",
        type: "string",
        occurs: one,
        default: "scissor",
        allowed: { values: ["rock", "paper", "scissor"] },
      },
      {
        id: "string_multiple_choice",
        type: "string",
        occurs: [0, 2],
        default: "gentle albatros",
        allowed: { values: ["sitting duck", "flying goose", "happy pinguin", "gentle albatros"] },
      },
      {
        id: "int_range",
        type: "integer",
        occurs: one,
        default: 1,
        allowed: {
          ranges: [
            { minimum: 1, maximum: 10 },
            { minimum: 100, maximum: 200, spacing: 10 },
          ],
        },
      },
      { id: "any_value", type: "string", occurs: one, default: "any value" },
      {
        id: "ref_value",
        type: "string",
        occurs: one,
        default: "Scotland",
        allowed: {
          reference: "https://en.wikipedia.org/w/api.php?action=opensearch&search=scotland&format=json",
        },
      },
      { id: "text", type: "complex", occurs: [0, 1], formats: [TEXT] },
      { id: "dataset", type: "complex", occurs: [0, 1], formats: [NETCDF] },
    ],
    outputs: [
      { id: "string", type: "string" },
      { id: "int", type: "integer" },
      { id: "float", type: "float" },
      { id: "boolean", type: "boolean" },
      { id: "angle", type: "angle" },
      { id: "time", type: "time" },
      { id: "date", type: "date" },
      { id: "datetime", type: "dateTime" },
      { id: "string_choice", type: "string" },
      { id: "string_multiple_choice", type: "string" },
      { id: "int_range", type: "integer" },
      { id: "any_value", type: "string" },
      { id: "ref_value", type: "string" },
      { id: "text", type: "complex", formats: [TEXT], asReference: false },
      { id: "dataset", type: "complex", formats: [NETCDF, TEXT], asReference: true },
      { id: "bbox", type: "bbox", crs: ["epsg:4326"] },
    ],
  },
  {
    id: "wordcounter",
    version: "1.0",
    async: true,
    inputs: [{ id: "text", type: "complex", occurs: one, formats: [TEXT] }],
    outputs: [{ id: "output", type: "complex", formats: [JSON_], asReference: true }],
  },
  {
    id: "show_error",
    version: "1.0",
    async: true,
    inputs: [
      { id: "message", type: "string", occurs: one, default: "This process failed intentionally." },
      { id: "nice", type: "boolean", occurs: one, default: true },
    ],
    // Emu has no output; WPS 1.0.0 needs one, which is never produced.
    outputs: [{ id: "output", type: "string" }],
  },
  {
    id: "bbox",
    version: "0.2",
    async: true,
    inputs: [{ id: "bbox", type: "bbox", occurs: [0, 1], crs: ["epsg:4326", "epsg:3035"] }],
    outputs: [{ id: "bbox", type: "bbox", crs: ["epsg:4326"] }],
  },
  {
    id: "chomsky",
    version: "1.0",
    async: true,
    inputs: [{ id: "times", type: "integer", occurs: one, default: 5 }],
    outputs: [{ id: "output", type: "complex", formats: [TEXT], asReference: true }],
  },
  {
    id: "output_formats",
    version: "2.0",
    async: true,
    inputs: [],
    outputs: [
      { id: "netcdf", type: "complex", formats: [NETCDF, ZIP], asReference: true },
      { id: "json", type: "complex", formats: [JSON_, ZIP, TEXT], asReference: false },
    ],
  },
  {
    id: "multiple_outputs",
    version: "1.1",
    async: true,
    inputs: [
      {
        id: "count",
        type: "integer",
        occurs: one,
        default: 2,
        allowed: { ranges: [{ minimum: 1, maximum: 10 }] },
      },
    ],
    outputs: [
      {
        id: "output",
        type: "complex",
        formats: ["application/metalink+xml; version=3.0"],
        asReference: true,
      },
      {
        id: "output_meta4",
        type: "complex",
        formats: ["application/metalink+xml; version=4.0"],
        asReference: true,
      },
    ],
  },
  {
    id: "show_defaults",
    version: "1.0",
    async: true,
    inputs: [
      { id: "string_0", type: "string", occurs: [0, 1] },
      { id: "string_1", type: "string", occurs: [0, 1], default: "one" },
      { id: "string_2", type: "string", occurs: one, default: "two" },
      { id: "string_3", type: "string", occurs: one, default: "three" },
    ],
    outputs: [{ id: "output", type: "complex", formats: [JSON_], asReference: true }],
  },
  {
    id: "non.py-id",
    version: "1.0",
    async: true,
    inputs: [
      { id: "input 1", type: "integer", occurs: one, default: 100 },
      { id: "input-2", type: "complex", occurs: one, formats: [JSON_] },
    ],
    outputs: [
      { id: "output.1", type: "float" },
      { id: "output 2", type: "complex", formats: [JSON_], asReference: false },
    ],
  },
  {
    id: "translation",
    version: "1.0",
    async: true,
    inputs: [{ id: "input1", type: "integer", occurs: one, default: 100 }],
    outputs: [{ id: "output1", type: "string" }],
  },
  {
    id: "binaryoperatorfornumbers",
    version: "1.0",
    async: true,
    inputs: [
      { id: "inputa", type: "float", occurs: one, default: 2 },
      { id: "inputb", type: "float", occurs: one, default: 3 },
      {
        id: "operator",
        type: "string",
        occurs: one,
        default: "add",
        allowed: { values: ["add", "subtract", "divide", "multiply"] },
      },
    ],
    outputs: [{ id: "output", type: "float" }],
  },
  {
    id: "simple_dry_run",
    version: "1.0",
    async: true,
    inputs: [
      { id: "dry_run", type: "boolean", occurs: one, default: false },
      {
        id: "count",
        type: "integer",
        occurs: one,
        default: 1,
        allowed: { ranges: [{ minimum: 1, maximum: 20 }] },
      },
    ],
    outputs: [{ id: "output", type: "string" }],
  },
  {
    id: "dummyprocess",
    version: "2.0",
    async: true,
    inputs: [
      { id: "input1", type: "integer", occurs: one, default: 100 },
      { id: "input2", type: "integer", occurs: one, default: 200 },
    ],
    outputs: [
      { id: "output1", type: "string" },
      { id: "output2", type: "string" },
    ],
  },
];

describe("demo process definitions", () => {
  it("lists the processes in the agreed order", () => {
    expect(DEMO_PROCESSES.map((p) => p.identifier)).toEqual([...CATALOGUE.map((c) => c.id), "echo"]);
  });

  it.each(CATALOGUE)("$id matches the Emu catalogue", (c) => {
    const p = DEMO_PROCESSES.find((x) => x.identifier === c.id);
    expect(p).toBeDefined();
    if (!p) return;
    expect(p.version).toBe(c.version);
    expect(p.jobControl).toMatchObject({ sync: true, async: c.async });
    expect(p.title.length).toBeGreaterThan(0);
    expect(p.inputs.map(summariseInput)).toEqual(c.inputs);
    expect(p.outputs.map(summariseOutput)).toEqual(c.outputs);
  });

  it("keeps Emu's titles and texts for the processes and their inputs", () => {
    const byId = new Map(DEMO_PROCESSES.map((p) => [p.identifier, p]));
    expect(byId.get("hello")?.title).toBe("Say Hello");
    expect(byId.get("hello")?.keywords).toEqual(["hello", "demo"]);
    expect(byId.get("hello")?.metadata?.map((m) => m.title)).toEqual([
      "PyWPS",
      "Birdhouse",
      "PyWPS Demo",
      "Emu: PyWPS examples",
    ]);
    expect(byId.get("hello")?.inputMap.get("name")?.abstract).toBe("Please enter your name.");
    expect(byId.get("sleep")?.inputMap.get("delay")?.title).toBe("Delay between every update");
    expect(byId.get("nap")?.title).toBe("Afternoon Nap (supports sync calls only)");
    expect(byId.get("show_error")?.outputMap.get("output")?.abstract).toMatch(/never produced/i);
  });

  it("translates the translation process into fr-CA and de-DE, inputs and outputs included", () => {
    const t = DEMO_PROCESSES.find((p) => p.identifier === "translation")?.translations;
    expect(t?.["fr-CA"]).toMatchObject({
      title: "Processus traduit",
      keywords: ["langues"],
      inputs: { input1: { title: "Entrée #1" } },
      outputs: { output1: { title: "Sortie #1" } },
    });
    expect(t?.["de-DE"]).toMatchObject({
      title: "Mehrsprachiger Prozess",
      keywords: ["sprachen"],
      inputs: { input1: { title: "Eingabe #1" } },
      outputs: { output1: { title: "Ausgabe #1" } },
    });
  });
});
