/**
 * Job documents (statusInfo, job list), results documents and RFC 7807 problems: member by member, and valid
 * against the published 1.0 schemas (statusInfo, jobList and exception strictly).
 */
import { describe, expect, it } from "vitest";
import { expectValidOgc, ogcErrors } from "../../../test/helpers/ogc-schemas.js";
import {
  type JobRecord,
  type OutputDefinition,
  type OutputValueView,
  ogcapi,
  RoostError,
  ValidationError,
} from "../src/internal.js";
import { job, kitchenSink, NASTY, urls } from "./ogcapi-fixtures.js";

const ID = "0b6f3a52-2c43-4b8e-9d5e-2f1c3a4b5c6d";

describe("statusInfo", () => {
  it.each(["accepted", "running", "succeeded", "failed", "dismissed"] as const)("%s is valid", (s) => {
    expectValidOgc("statusInfo", ogcapi.encodeStatusInfo(job(s), urls));
  });

  it("maps succeeded to successful and keeps the other statuses", () => {
    expect(
      (["accepted", "running", "succeeded", "failed", "dismissed"] as const).map(
        (s) => ogcapi.encodeStatusInfo(job(s), urls).status,
      ),
    ).toEqual(["accepted", "running", "successful", "failed", "dismissed"]);
    expect(ogcapi.jobStatusOf("successful")).toBe("succeeded");
    expect(ogcapi.jobStatusOf("running")).toBe("running");
  });

  it("always says type: process, with the job and process ids", () => {
    const s = ogcapi.encodeStatusInfo(job("running"), urls);
    expect(s).toMatchObject({ type: "process", jobID: ID, processID: "non.py-id <&> é" });
  });

  it("writes RFC 3339 UTC times and omits unknown ones instead of writing null", () => {
    const acc = ogcapi.encodeStatusInfo(job("accepted"), urls);
    expect(acc.created).toBe("2024-05-01T12:00:00.123Z");
    expect(acc.updated).toBe("2024-05-01T12:00:00.123Z");
    expect(acc).not.toHaveProperty("started");
    expect(acc).not.toHaveProperty("finished");
    expect(acc).not.toHaveProperty("progress");
    const done = ogcapi.encodeStatusInfo(job("succeeded"), urls);
    expect([done.created, done.started, done.finished, done.updated]).toEqual([
      "2024-05-01T12:00:00.123Z",
      "2024-05-01T12:00:01.123Z",
      "2024-05-01T12:00:05.123Z",
      "2024-05-01T12:00:05.123Z",
    ]);
    expect(JSON.stringify(acc)).not.toContain("null");
    expect(ogcapi.rfc3339(Number.NaN)).toBeUndefined();
    expect(ogcapi.rfc3339(8.64e15 + 1)).toBeUndefined();
  });

  it("reports progress as an integer 0–100", () => {
    const p = (progress: number | null) =>
      ogcapi.encodeStatusInfo(job("running", { progress }), urls).progress;
    expect([p(0), p(33.6), p(100), p(-5), p(250), p(null)]).toEqual([0, 34, 100, 0, 100, undefined]);
    expect(ogcapi.encodeStatusInfo(job("running", { progress: 33.6 }), urls)).toSatisfy(
      (s: ogcapi.StatusInfo) => ogcErrors("statusInfo", s) === "",
    );
  });

  it("shows the message; for a failed job the recorded error's message; no empty message", () => {
    expect(ogcapi.encodeStatusInfo(job("accepted"), urls).message).toBe("Process accepted");
    expect(ogcapi.encodeStatusInfo(job("failed", { message: "Running" }), urls).message).toBe(
      `Process error: ${NASTY}`,
    );
    expect(ogcapi.encodeStatusInfo(job("running", { message: "" }), urls)).not.toHaveProperty("message");
  });

  it("links itself and the job list, the results once successful, the exception once failed", () => {
    const links = (s: JobRecord["status"]) =>
      ogcapi.encodeStatusInfo(job(s), urls, [
        { href: "https://x/wps?job", rel: "alternate", type: "text/xml" },
      ]).links;
    expect(links("running").map((l) => [l.rel, l.href])).toEqual([
      ["self", urls.job(ID)],
      ["up", urls.jobs],
      ["alternate", "https://x/wps?job"],
    ]);
    expect(links("succeeded")[2]).toEqual({
      href: urls.results(ID),
      rel: "http://www.opengis.net/def/rel/ogc/1.0/results",
      title: "Results of the job",
    });
    expect(links("failed")[2]).toMatchObject({
      href: urls.results(ID),
      rel: "http://www.opengis.net/def/rel/ogc/1.0/exceptions",
    });
    expect(links("dismissed").map((l) => l.rel)).toEqual(["self", "up", "alternate"]);
  });

  it("the strict statusInfo schema refuses a document without type (as the ETS would)", () => {
    const { type: _, ...noType } = ogcapi.encodeStatusInfo(job("running"), urls);
    expect(ogcErrors("statusInfo", noType)).toMatch(/type/);
  });
});

describe("job list", () => {
  it("lists statusInfos with the caller's page links, valid against jobList.yaml", () => {
    const list = ogcapi.encodeJobList(
      [job("running"), job("succeeded", { id: "9d1e2f3a-4b5c-4d6e-8f70-1a2b3c4d5e6f" })],
      urls,
      { self: `${urls.jobs}?limit=2`, next: `${urls.jobs}?limit=2&page=2` },
    );
    expectValidOgc("jobList", list);
    expect(list.jobs.map((j) => j.status)).toEqual(["running", "successful"]);
    expect(list.links.map((l) => l.rel)).toEqual(["self", "next"]);
    expectValidOgc("jobList", ogcapi.encodeJobList([], urls, { self: urls.jobs }));
  });
});

const def = (id: string): OutputDefinition => {
  const d = kitchenSink.outputMap.get(id);
  if (!d) throw new Error(id);
  return d;
};
const result = (id: string, value: OutputValueView) =>
  ogcapi.encodeResults([{ definition: def(id), value }])[id];

describe("results document", () => {
  it("types literal values by data type: numbers as numbers, booleans as booleans", () => {
    expect(result("output.1", { kind: "literal", value: "11.0", dataType: "float" })).toBe(11);
    expect(result("count", { kind: "literal", value: "-42", dataType: "integer" })).toBe(-42);
    expect(result("ok", { kind: "literal", value: "true", dataType: "boolean" })).toBe(true);
    expect(result("ok", { kind: "literal", value: "0", dataType: "boolean" })).toBe(false);
    expect(result("__proto__", { kind: "literal", value: "007", dataType: "string" })).toBe("007");
    expect(result("__proto__", { kind: "literal", value: "Hello", dataType: "string", uom: "unity" })).toBe(
      "Hello",
    );
    // Text that is not a value of its type stays text rather than becoming NaN or a rounded integer.
    expect(result("output.1", { kind: "literal", value: "abc", dataType: "float" })).toBe("abc");
    expect(result("count", { kind: "literal", value: "12345678901234567890", dataType: "integer" })).toBe(
      "12345678901234567890",
    );
    expect(ogcapi.literalJson("1e3", "double")).toBe(1000);
    expect(ogcapi.literalJson("2024-05-01", "date")).toBe("2024-05-01");
    // A data type the model does not know leaves the text alone.
    expect(ogcapi.literalJson("12", "xs:weird")).toBe("12");
    expect(ogcapi.literalJson("12", "constructor")).toBe("12");
  });

  it("writes inline data qualified; JSON media types as JSON values when the data is JSON (not a JSON string)", () => {
    const inline = (data: string, mimeType: string, encoding?: string) =>
      result("json", { kind: "inline", data, mimeType, xml: false, ...(encoding ? { encoding } : {}) });
    expect(inline('{"a":[1,2,{"b":null}]}', "application/json")).toEqual({
      value: { a: [1, 2, { b: null }] },
      mediaType: "application/json",
    });
    expect(inline("[1,2]", "application/geo+json")).toEqual({
      value: [1, 2],
      mediaType: "application/geo+json",
    });
    expect(inline("42", "application/json")).toEqual({ value: 42, mediaType: "application/json" });
    // A JSON string or non-JSON text is carried as the text itself, so it reads back as the same content.
    expect(inline('"teststring"', "application/json")).toEqual({
      value: '"teststring"',
      mediaType: "application/json",
    });
    expect(inline("teststring", "application/json")).toEqual({
      value: "teststring",
      mediaType: "application/json",
    });
    expect(inline("UEsDBA==", "application/zip", "base64")).toEqual({
      value: "UEsDBA==",
      mediaType: "application/zip",
      encoding: "base64",
    });
    expect(inline("<a>&amp;</a>", "application/xml")).toEqual({
      value: "<a>&amp;</a>",
      mediaType: "application/xml",
    });
    expect(
      result("text", {
        kind: "inline",
        data: NASTY,
        mimeType: "text/plain",
        schema: "https://s/x.xsd",
        xml: false,
      }),
    ).toEqual({ value: NASTY, mediaType: "text/plain", schema: "https://s/x.xsd" });
  });

  it("writes references as links and boxes as {bbox, crs}, the output's first CRS when the box has none", () => {
    expect(
      result("text", {
        kind: "reference",
        href: "https://roost.example/outputs/x.txt",
        mimeType: "text/plain",
      }),
    ).toEqual({ href: "https://roost.example/outputs/x.txt", type: "text/plain" });
    expect(
      result("box", {
        kind: "bbox",
        value: { crs: "EPSG:3035", dimensions: 2, lowerCorner: [1, 2], upperCorner: [3, 4] },
      }),
    ).toEqual({ bbox: [1, 2, 3, 4], crs: "EPSG:3035" });
    expect(
      result("box", {
        kind: "bbox",
        value: { dimensions: 3, lowerCorner: [1, 2, 3], upperCorner: [4, 5, 6] },
      }),
    ).toEqual({ bbox: [1, 2, 3, 4, 5, 6], crs: "EPSG:4326" });
  });

  it("a document with every kind of value, and odd output ids, is valid against results.yaml", () => {
    const doc = ogcapi.encodeResults([
      { definition: def("output.1"), value: { kind: "literal", value: "1.5", dataType: "float" } },
      { definition: def("__proto__"), value: { kind: "literal", value: NASTY, dataType: "string" } },
      { definition: def("ok"), value: { kind: "literal", value: "false", dataType: "boolean" } },
      {
        definition: def("json"),
        value: { kind: "inline", data: '{"k":"v"}', mimeType: "application/json", xml: false },
      },
      { definition: def("text"), value: { kind: "reference", href: "https://r/x", mimeType: "text/plain" } },
      {
        definition: def("box"),
        value: { kind: "bbox", value: { dimensions: 2, lowerCorner: [0, 0], upperCorner: [1, 1] } },
      },
    ]);
    expectValidOgc("results", doc);
    expect(Object.getPrototypeOf(doc)).toBeNull();
    expect(Object.keys(JSON.parse(JSON.stringify(doc)))).toEqual([
      "output.1",
      "__proto__",
      "ok",
      "json",
      "text",
      "box",
    ]);
  });
});

describe("problem documents", () => {
  it("carry the catalogue's type, a title, the caller's status, the message and the locator", () => {
    const p = ogcapi.encodeProblem(
      new RoostError("NoSuchInput", `Process 'x' has no input '${NASTY}'`, { locator: NASTY }),
      400,
      "https://roost.example/ogc/processes/x/execution",
    );
    expectValidOgc("exception", p);
    expect(p).toEqual({
      type: "https://roost.dev/errors/no-such-input",
      title: "No such input",
      status: 400,
      detail: `Process 'x' has no input '${NASTY}'`,
      instance: "https://roost.example/ogc/processes/x/execution",
      locator: NASTY,
    });
  });

  it("use the OGC exception types where 1.0 defines them", () => {
    expect(ogcapi.encodeProblem(new RoostError("NoSuchProcess", "No process 'x'"), 404)).toMatchObject({
      type: ogcapi.OGC_EXCEPTION.noSuchProcess,
      title: "No such process",
      status: 404,
    });
    expect(ogcapi.encodeProblem(new RoostError("NoSuchJob", "No job"), 404).type).toBe(
      ogcapi.OGC_EXCEPTION.noSuchJob,
    );
    expect(ogcapi.encodeProblem(new RoostError("ResultNotReady", "Not yet"), 404).type).toBe(
      ogcapi.OGC_EXCEPTION.resultNotReady,
    );
  });

  it("list every problem of a request with several", () => {
    const e = new ValidationError([
      new RoostError("InvalidParameter", "Input 'a' must be a number, got an object", { locator: "a" }),
      new RoostError("NoSuchInput", "Process 'p' has no input 'b'", { locator: "b" }),
    ]);
    const p = ogcapi.encodeProblem(e, 400);
    expectValidOgc("exception", p);
    expect(p).toMatchObject({
      type: "https://roost.dev/errors/invalid-parameter",
      locator: "a",
      status: 400,
    });
    expect(p.errors).toEqual([
      {
        type: "https://roost.dev/errors/invalid-parameter",
        detail: "Input 'a' must be a number, got an object",
        locator: "a",
      },
      {
        type: "https://roost.dev/errors/no-such-input",
        detail: "Process 'p' has no input 'b'",
        locator: "b",
      },
    ]);
    expect(ogcapi.encodeProblem(new RoostError("Internal", "x"), 500)).not.toHaveProperty("errors");
  });

  it("describe a failed job by its recorded error", () => {
    const p = ogcapi.encodeJobFailure(job("failed"), 500, urls.job(ID));
    expectValidOgc("exception", p);
    expect(p).toEqual({
      type: "https://roost.dev/errors/process-failed",
      title: "Process failed",
      status: 500,
      detail: `Process error: ${NASTY}`,
      instance: urls.job(ID),
      locator: "input 1",
    });
    expect(
      ogcapi.encodeJobFailure(job("failed", { error: { code: "NoSuchThing", message: "gone" } }), 500).type,
    ).toBe("https://roost.dev/errors/internal");
    expect(ogcapi.encodeJobFailure(job("failed", { error: null, message: null }), 500).detail).toBe(
      "The job failed",
    );
  });

  it("titles split the code's words", () => {
    expect(["MissingParameter", "FileSizeExceeded", "ServerBusy", "NoSuchJob"].map(ogcapi.titleOf)).toEqual([
      "Missing parameter",
      "File size exceeded",
      "Server busy",
      "No such job",
    ]);
  });
});
