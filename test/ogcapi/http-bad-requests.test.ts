/**
 * Bad requests to the OGC API front end, as thorough as the WPS 1.0.0 suite: every one a 4xx RFC 7807 problem valid
 * against `exception.yaml`, with the OGC or Roost type, naming the parameter, member or input concerned — never a
 * 500, never a hang, never a stack trace. Bodies: not JSON, wrong media type, too large (413), too deep, duplicate
 * keys, `__proto__`/`constructor`, numbers a double cannot hold, wrong types, unknown inputs and outputs, bad
 * bounding boxes, references the policy refuses (no fetch), subscriber URLs; headers: a malformed `Prefer` is
 * tolerated; query parameters of the lists. Finally a few hundred random mutations of valid bodies.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { expectNoLeak } from "../wps1/helpers.js";
import { call, execute, expectProblem } from "./http-helpers.js";

let t: TestServer;
/** A loopback server that counts requests: the default policy must never let Roost contact it. */
let canary: Server;
let canaryUrl: string;
let canaryHits = 0;
const MAX = 64 * 1024;

beforeAll(async () => {
  t = await startTestServer({ "server.max_request_size": MAX });
  canary = createServer((_req, res) => {
    canaryHits++;
    res.end("canary");
  });
  await new Promise<void>((r) => canary.listen(0, "127.0.0.1", r));
  canaryUrl = `http://127.0.0.1:${(canary.address() as AddressInfo).port}/data.txt`;
});

afterAll(async () => {
  await new Promise<void>((r) => canary?.close(() => r()));
  await t?.close();
});

const exec = (pid: string, body: unknown, headers: Record<string, string> = {}) =>
  execute(t.base, pid, body, headers);

describe("bodies that are not an execute request", () => {
  it.each([
    ["not JSON", "hello", "name=x", "malformed-request", undefined],
    ["truncated JSON", "hello", '{"inputs": {"name": "x"', "malformed-request", undefined],
    ["a trailing comma", "hello", '{"inputs": {"name": "x",}}', "malformed-request", "/inputs"],
    ["an array", "hello", "[]", "malformed-request", undefined],
    ["null", "hello", "null", "malformed-request", undefined],
    ["a string", "hello", '"x"', "malformed-request", undefined],
    ["a duplicate key", "hello", '{"inputs":{"name":"a","name":"b"}}', "malformed-request", "/inputs/name"],
    ["__proto__ as a member", "hello", '{"__proto__":{"inputs":{}}}', "malformed-request", "/__proto__"],
    [
      "constructor as an input",
      "hello",
      '{"inputs":{"constructor":{"prototype":1}}}',
      "malformed-request",
      "/inputs/constructor",
    ],
    [
      "a huge integer",
      "echo",
      '{"inputs":{"pause":123456789012345678901234567890}}',
      "malformed-request",
      "/inputs/pause",
    ],
    [
      "an overflowing number",
      "echo",
      '{"inputs":{"doubleInput":1e400}}',
      "malformed-request",
      "/inputs/doubleInput",
    ],
    ["a lone surrogate", "hello", '{"inputs":{"name":"\\ud800"}}', "malformed-request", "/inputs/name"],
    ["an unknown member", "hello", '{"input":{"name":"x"}}', "malformed-request", "input"],
    ["inputs as an array", "hello", '{"inputs":[{"id":"name","value":"x"}]}', "malformed-request", "inputs"],
    [
      "outputs as a string",
      "hello",
      '{"inputs":{"name":"x"},"outputs":"output"}',
      "malformed-request",
      "outputs",
    ],
    ["response=csv", "hello", '{"inputs":{"name":"x"},"response":"csv"}', "invalid-parameter", "response"],
  ])("%s → 400 %s", async (_label, pid, body, type, locator) => {
    expectProblem(await exec(pid, body), {
      status: 400,
      type,
      ...(locator !== undefined ? { locator } : {}),
    });
  });

  it("invalid UTF-8 → 400", async () => {
    const body = Buffer.concat([
      Buffer.from('{"inputs":{"name":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}}'),
    ]);
    expectProblem(await exec("hello", body), { status: 400, type: "malformed-request" });
  });

  it("a body larger than server.max_request_size → 413", async () => {
    const body = JSON.stringify({ inputs: { name: "x".repeat(MAX + 10) } });
    expectProblem(await exec("hello", body), { status: 413, type: "size-exceeded" });
  });

  it("nesting deeper than 64 levels → 400; 60 levels in a JSON input are fine", async () => {
    const deep = (n: number) => `${"[".repeat(n)}1${"]".repeat(n)}`;
    expectProblem(await exec("echo", `{"inputs":{"complexObjectInput":{"value":${deep(70)}}}}`), {
      status: 400,
      type: "malformed-request",
      detail: /deep/,
    });
    const ok = await exec(
      "echo",
      `{"inputs":{"complexObjectInput":{"value":${deep(58)}}},"response":"document"}`,
    );
    expect(ok.status, ok.text).toBe(200);
  });

  it("no Content-Type, text/plain or XML → 415; no body at all → 400", async () => {
    for (const type of ["text/plain", "application/xml", "application/x-www-form-urlencoded"])
      expectProblem(await exec("hello", '{"inputs":{"name":"x"}}', { "content-type": type }), {
        status: 415,
        type: "unsupported-media-type",
        locator: "Content-Type",
      });
    const none = await fetch(`${t.base}/processes/hello/execution`, { method: "POST" });
    expectProblem(
      {
        status: none.status,
        headers: none.headers,
        type: none.headers.get("content-type") ?? "",
        text: await none.clone().text(),
        json: await none.json(),
      },
      { status: 400, locator: "body" },
    );
  });

  it("application/geo+json-like +json types are read as JSON", async () => {
    const a = await exec("hello", '{"inputs":{"name":"plus"}}', { "content-type": "application/vnd.x+json" });
    expect(a.text).toBe("Hello plus");
  });
});

describe("inputs and outputs", () => {
  it.each([
    ["an unknown input", "hello", { inputs: { nam: "x" } }, "no-such-input", "nam"],
    [
      "an input named __proto__-like",
      "hello",
      { inputs: { prototypes: "x" } },
      "no-such-input",
      "prototypes",
    ],
    ["a missing required input", "hello", {}, "missing-parameter", "name"],
    [
      "a number for a string? (allowed: coerced) no: an object",
      "hello",
      { inputs: { name: { a: 1 } } },
      "invalid-parameter",
      "name",
    ],
    [
      "an array for a single-valued input",
      "hello",
      { inputs: { name: ["a", "b"] } },
      "invalid-parameter",
      "name",
    ],
    ["null for an input", "hello", { inputs: { name: null } }, "invalid-parameter", "name"],
    // Values of the right JSON type but wrong for the input are WPS 2.0's WrongInputData (one catalogue code).
    ["a string for a float", "sleep", { inputs: { delay: "soon" } }, "wrong-input-data", "delay"],
    ["a boolean for a float", "sleep", { inputs: { delay: true } }, "invalid-parameter", "delay"],
    ["out of range", "echo", { inputs: { pause: 61 } }, "wrong-input-data", "pause"],
    [
      "too many occurrences",
      "echo",
      { inputs: { arrayInput: Array.from({ length: 11 }, (_, i) => i) } },
      "too-many-inputs",
      "arrayInput",
    ],
    [
      "a nested array occurrence",
      "echo",
      { inputs: { arrayInput: [[1]] } },
      "invalid-parameter",
      "arrayInput",
    ],
    [
      "a bbox with 3 numbers",
      "echo",
      { inputs: { boundingBoxInput: { bbox: [1, 2, 3] } } },
      "invalid-parameter",
      "boundingBoxInput",
    ],
    [
      "a bbox with strings",
      "echo",
      { inputs: { boundingBoxInput: { bbox: ["a", 2, 3, 4] } } },
      "invalid-parameter",
      "boundingBoxInput",
    ],
    [
      "a bbox in an unsupported CRS",
      "echo",
      { inputs: { boundingBoxInput: { bbox: [1, 2, 3, 4], crs: "EPSG:3857" } } },
      undefined,
      "boundingBoxInput",
    ],
    [
      "a bbox as a string",
      "echo",
      { inputs: { boundingBoxInput: "1,2,3,4" } },
      "invalid-parameter",
      "boundingBoxInput",
    ],
    [
      "an unsupported media type",
      "echo",
      { inputs: { complexInput: { value: "x", mediaType: "image/gif" } } },
      undefined,
      "complexInput",
    ],
    [
      "bad base64",
      "echo",
      { inputs: { imageInput: { value: "***", mediaType: "image/png" } } },
      undefined,
      "imageInput",
    ],
    [
      "an unknown output",
      "hello",
      { inputs: { name: "x" }, outputs: { nope: {} } },
      "no-such-output",
      "nope",
    ],
    [
      "a bad transmissionMode",
      "hello",
      { inputs: { name: "x" }, outputs: { output: { transmissionMode: "ref" } } },
      "invalid-parameter",
      "output",
    ],
    [
      "an unsupported output format",
      "echo",
      { outputs: { complexInput: { format: { mediaType: "image/gif" } } } },
      "no-such-format",
      "complexInput",
    ],
    [
      "a reference output on a sync-only process",
      "nap",
      { outputs: { output: { transmissionMode: "reference" } } },
      "reference-not-supported",
      "output",
    ],
    [
      "a subscriber that is not an object",
      "hello",
      { inputs: { name: "x" }, subscriber: "http://x" },
      "invalid-parameter",
      "subscriber",
    ],
    [
      "a subscriber URL that is not http",
      "hello",
      { inputs: { name: "x" }, subscriber: { successUri: "ftp://x/y" } },
      "invalid-parameter",
      "subscriber.successUri",
    ],
  ])("%s → 400 naming it", async (_label, pid, body, type, locator) => {
    expectProblem(await exec(pid, body), {
      status: 400,
      ...(type !== undefined ? { type } : {}),
      locator,
    });
  });

  it("every bad input is reported at once, each with its locator", async () => {
    const a = await exec("echo", { inputs: { pause: { a: 1 }, nope: 1, doubleInput: [1, 2] } });
    const p = expectProblem(a, { status: 400 });
    const locators = (p.errors as { locator: string }[]).map((e) => e.locator);
    expect(locators).toEqual(expect.arrayContaining(["pause", "nope", "doubleInput"]));
  });

  it("hostile identifiers and values are echoed escaped and short, never raw", async () => {
    const evil = `<script>${"a".repeat(5000)}`;
    const a = await exec("hello", { inputs: { [evil]: 1 } });
    const p = expectProblem(a, { status: 400, type: "no-such-input" });
    expect(String(p.detail).length).toBeLessThan(500);
  });
});

describe("references and subscribers the policy refuses (nothing is fetched)", () => {
  it.each([
    ["loopback", () => canaryUrl],
    ["link-local (cloud metadata)", () => "http://169.254.169.254/latest/meta-data/"],
    ["private", () => "http://10.1.2.3/x"],
    ["file://", () => "file:///etc/passwd"],
    ["credentials in the URL", () => "http://user:pw@example.org/x"],
  ])("an input href to %s → 400 naming the input", async (_label, href) => {
    const a = await exec("echo", { inputs: { complexInput: { href: href(), type: "text/xml" } } });
    expectProblem(a, {
      status: 400,
      locator: "complexInput",
      detail: /refused|not enabled|not a valid|scheme|credentials/,
    });
    expect(a.text).not.toContain("root:");
    expect(canaryHits).toBe(0);
  });

  it.each(["successUri", "inProgressUri", "failedUri"])(
    "a subscriber %s to loopback → 400 naming it, nothing queued",
    async (name) => {
      const before = await call(
        `${t.base}/jobs?status=accepted,running,successful,failed,dismissed&limit=10000`,
      );
      const a = await exec("hello", { inputs: { name: "x" }, subscriber: { [name]: canaryUrl } });
      expectProblem(a, { status: 400, type: "invalid-parameter", locator: `subscriber.${name}` });
      const after = await call(
        `${t.base}/jobs?status=accepted,running,successful,failed,dismissed&limit=10000`,
      );
      expect((after.json as { jobs: unknown[] }).jobs.length).toBe(
        (before.json as { jobs: unknown[] }).jobs.length,
      );
      expect(canaryHits).toBe(0);
    },
  );
});

describe("headers", () => {
  it.each([
    "respond-async;;;",
    "wait=abc",
    "return=everything",
    ",,,",
    `${"x".repeat(4000)}`,
    'respond-async, wait="1',
    "RESPOND-ASYNC",
  ])("Prefer: %s is tolerated (a 2xx, never a 4xx/5xx for the header)", async (prefer) => {
    const a = await exec("hello", { inputs: { name: "p" } }, { prefer });
    expect([200, 201]).toContain(a.status);
  });
});

describe("query parameters of the lists", () => {
  it.each([
    ["limit=0", "limit"],
    ["limit=1.5", "limit"],
    ["limit=10&limit=20", "limit"],
    ["status=done", "status"],
    ["type=wps", "type"],
    ["datetime=yesterday", "datetime"],
    ["datetime=2024-01-02T00:00:00Z/2024-01-01T00:00:00Z", "datetime"],
    ["datetime=../..", "datetime"],
    ["minDuration=-1", "minDuration"],
    ["maxDuration=1h", "maxDuration"],
    ["minDuration=10&maxDuration=5", "minDuration"],
    ["cursor=xyz", "cursor"],
    ["cursor=" + Buffer.from("1.not-a-job").toString("base64url"), "cursor"],
    ["processId=hello", "processId"],
    ["f=xml", "f"],
    ["lang=tlh", "language"],
  ])("/jobs?%s → 400 naming %s", async (qs, locator) => {
    expectProblem(await call(`${t.base}/jobs?${qs}`), { status: 400, locator });
  });
});

/** A deterministic pseudo-random generator (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const VALID_BODIES: readonly [string, unknown][] = [
  ["hello", { inputs: { name: "fuzz" } }],
  [
    "echo",
    {
      inputs: {
        stringInput: "s",
        pause: 0,
        doubleInput: 1.5,
        booleanInput: false,
        boundingBoxInput: { bbox: [1, 2, 3, 4], crs: "EPSG:4326" },
        complexObjectInput: { value: { k: [1, "two"] }, mediaType: "application/json" },
        arrayInput: [1, 2],
      },
      outputs: { stringInput: { transmissionMode: "value" } },
      response: "document",
    },
  ],
  ["binaryoperatorfornumbers", { inputs: { inputa: 1, inputb: 2, operator: "add" } }],
];

const JUNK: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  "",
  "x",
  [],
  {},
  [null],
  { value: null },
  { href: 5 },
  { bbox: [] },
  "\u0000",
  "🦜",
  { __proto__: null },
];

function mutate(v: unknown, r: () => number, depth = 0): unknown {
  if (depth > 4 || r() < 0.25) return JUNK[Math.floor(r() * JUNK.length)];
  if (Array.isArray(v)) {
    const out = v.map((x) => (r() < 0.4 ? mutate(x, r, depth + 1) : x));
    if (r() < 0.2) out.push(mutate(undefined, r, depth + 1));
    return out;
  }
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const roll = r();
      if (roll < 0.1) continue;
      if (roll < 0.15) out[`${k}_`] = x;
      else out[k] = roll < 0.6 ? mutate(x, r, depth + 1) : x;
    }
    return out;
  }
  return JUNK[Math.floor(r() * JUNK.length)];
}

function textMutation(s: string, r: () => number): string {
  const i = Math.floor(r() * s.length);
  const ops = [
    () => s.slice(0, i) + s.slice(i + 1),
    () => s.slice(0, i) + String.fromCharCode(Math.floor(r() * 128)) + s.slice(i),
    () => s.slice(0, i),
    () => s.slice(0, i) + s.slice(i, i + 10).repeat(3) + s.slice(i + 10),
  ];
  return ops[Math.floor(r() * ops.length)]!();
}

describe("fuzzing", { timeout: 120_000 }, () => {
  it("300 random mutations of valid bodies: only 2xx or 4xx answers, problems valid, no leaks", async () => {
    const r = rng(20260503);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const [pid, valid] = VALID_BODIES[i % VALID_BODIES.length]!;
      const body = r() < 0.7 ? JSON.stringify(mutate(valid, r)) : textMutation(JSON.stringify(valid), r);
      const headers: Record<string, string> = r() < 0.2 ? { prefer: "respond-async" } : {};
      const a = await exec(pid, body, headers);
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      expect(a.status < 500, `${a.status} for ${body}: ${a.text.slice(0, 300)}`).toBe(true);
      expectNoLeak(a.text);
      if (a.status >= 400) expectProblem(a, { status: a.status });
    }
    // The mutations really exercised both sides.
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
  });
});
