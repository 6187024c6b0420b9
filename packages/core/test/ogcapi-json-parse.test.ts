/**
 * The strict JSON parser for request bodies: it must agree with `JSON.parse` on every document JSON.parse accepts
 * (except the documented I-JSON exclusions), reject everything JSON.parse rejects, and enforce its limits with a
 * typed error that names the JSON pointer and position.
 */
import { describe, expect, it } from "vitest";
import {
  isRoostError,
  type JsonErrorReason,
  JsonParseError,
  type JsonValue,
  parseJson,
} from "../src/internal.js";

const BIG = { maxBytes: 64 * 1024 * 1024 };

/** The error `parseJson` throws for `text` (fails the test when it parses). */
function errorOf(text: string | Uint8Array, opts: Parameters<typeof parseJson>[1] = BIG): JsonParseError {
  try {
    parseJson(text, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(JsonParseError);
    return e as JsonParseError;
  }
  throw new Error(`parsed, but should have failed: ${String(text).slice(0, 200)}`);
}

function expectReason(text: string | Uint8Array, reason: JsonErrorReason, path?: string): JsonParseError {
  const e = errorOf(text);
  expect(e.reason).toBe(reason);
  if (path !== undefined) expect(e.path).toBe(path);
  return e;
}

/** Deterministic PRNG (mulberry32) so a failing corpus case can be reproduced. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRING_ATOMS = [
  "a",
  "Z",
  " ",
  "é",
  "ß",
  "中",
  "😀",
  "\u2028",
  '"',
  "\\",
  "/",
  "\n",
  "\t",
  "\u0000",
  "\u001f",
  "\u007f",
  "<",
  "&",
  "'",
  "~",
];

function randomString(r: () => number): string {
  let s = "";
  const n = Math.floor(r() * 8);
  for (let i = 0; i < n; i++) s += STRING_ATOMS[Math.floor(r() * STRING_ATOMS.length)];
  return s;
}

/** A number JSON.stringify writes in a form both parsers take (plain integers beyond 2^53 are excluded by I-JSON). */
function randomNumber(r: () => number): number {
  const n = randomNumber0(r);
  return Number.isInteger(n) && !Number.isSafeInteger(n) && Math.abs(n) < 1e21 ? n / 2 ** 20 + 0.5 : n;
}

function randomNumber0(r: () => number): number {
  switch (Math.floor(r() * 7)) {
    case 0:
      return Math.floor(r() * 1000) - 500;
    case 1:
      return (r() - 0.5) * 1e6;
    case 2:
      return r() * 10 ** (Math.floor(r() * 600) - 300);
    case 3:
      return Math.floor((r() - 0.5) * 2 * Number.MAX_SAFE_INTEGER);
    case 4:
      return Number((r() * 100).toFixed(Math.floor(r() * 17)));
    case 5:
      return -0;
    default:
      return Number.MIN_VALUE * Math.floor(r() * 100);
  }
}

function randomValue(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 4 ? 4 : 6));
  switch (k) {
    case 0:
      return randomString(r);
    case 1:
      return randomNumber(r);
    case 2:
      return [true, false, null][Math.floor(r() * 3)];
    case 3:
      return r() < 0.5 ? "" : randomString(r);
    case 4: {
      const n = Math.floor(r() * 5);
      return Array.from({ length: n }, () => randomValue(r, depth + 1));
    }
    default: {
      const o: Record<string, unknown> = {};
      const n = Math.floor(r() * 5);
      for (let i = 0; i < n; i++) o[`${randomString(r)}k${i}`] = randomValue(r, depth + 1);
      return o;
    }
  }
}

const WS = [" ", "\n", "\r", "\t", "\r\n", "  "];

/** JSON.stringify, then sprinkle legal whitespace between tokens and randomly escape characters in strings. */
function randomText(v: unknown, r: () => number): string {
  const compact = JSON.stringify(v);
  let out = "";
  let inString = false;
  for (let i = 0; i < compact.length; i++) {
    const ch = compact[i] as string;
    if (inString) {
      if (ch === "\\") {
        const len = compact[i + 1] === "u" ? 6 : 2;
        out += compact.slice(i, i + len);
        i += len - 1;
        continue;
      }
      if (ch === '"') inString = false;
      else {
        // Any character may be written as a \u escape; a surrogate pair is escaped or kept as a whole.
        const pair = ch.charCodeAt(0) >= 0xd800 && ch.charCodeAt(0) <= 0xdbff;
        const units = pair ? [ch, compact[++i] as string] : [ch];
        if (r() < 0.15) for (const u of units) out += `\\u${u.charCodeAt(0).toString(16).padStart(4, "0")}`;
        else out += units.join("");
        continue;
      }
      out += ch;
      continue;
    }
    if (ch === '"') inString = true;
    // Whitespace may go around structural characters only (not inside `true` or a number).
    const structural = '{}[]:,"'.includes(ch);
    if (structural && r() < 0.3) out += WS[Math.floor(r() * WS.length)];
    out += ch;
    if (structural && ch !== '"' && r() < 0.3) out += WS[Math.floor(r() * WS.length)];
  }
  return r() < 0.5 ? `${out}\n` : out;
}

describe("agreement with JSON.parse on valid documents", () => {
  it("parses 3000 generated documents exactly like JSON.parse", () => {
    const r = rng(20240601);
    for (let i = 0; i < 3000; i++) {
      const text = randomText(randomValue(r, 0), r);
      let expected: unknown;
      try {
        expected = JSON.parse(text);
      } catch {
        throw new Error(`generator produced invalid JSON: ${text}`);
      }
      let got: unknown;
      try {
        got = parseJson(text, BIG);
      } catch (e) {
        throw new Error(`${(e as Error).message} in ${JSON.stringify(text)}`);
      }
      expect(got, text).toEqual(expected);
    }
  });

  it.each([
    ["0", 0],
    ["-0", -0],
    ["1", 1],
    ["-1", -1],
    ["1e5", 1e5],
    ["1E+5", 1e5],
    ["1.5e-3", 1.5e-3],
    ["0.1", 0.1],
    ["0.30000000000000004", 0.30000000000000004],
    ["123456789012345", 123456789012345],
    ["9007199254740991", Number.MAX_SAFE_INTEGER],
    ["-9007199254740991", Number.MIN_SAFE_INTEGER],
    ["1.7976931348623157e308", Number.MAX_VALUE],
    ["5e-324", Number.MIN_VALUE],
    ["2.2250738585072014e-308", 2.2250738585072014e-308],
    ["0.1234567890123456789", 0.12345678901234568],
    ["123456789012345.6", 123456789012345.6],
    ["1e-400", 0],
    ["1e20", 1e20],
    ["true", true],
    ["false", false],
    ["null", null],
    ['""', ""],
    ["[]", []],
    ["{}", {}],
    [" \t\r\n [ 1 , [ ] , { } ] \n", [1, [], {}]],
    ['"\\"\\\\\\/\\b\\f\\n\\r\\t"', '"\\/\b\f\n\r\t'],
    ['"\\u00e9\\u00E9"', "éé"],
    ['"\\ud83d\\ude00"', "😀"],
    ['"\\uD83D\\uDE00"', "😀"],
    ['"😀 raw pair"', "😀 raw pair"],
    ['"\\u0000"', "\u0000"],
    ['"\u2028\u2029"', "\u2028\u2029"],
    ['"\u007f"', "\u007f"],
    ['{"a":{"b":{"c":[null]}}}', { a: { b: { c: [null] } } }],
    ['{"__proto___":1,"proto":2,"Constructor":3}', { __proto___: 1, proto: 2, Constructor: 3 }],
    ['["__proto__","constructor"]', ["__proto__", "constructor"]],
  ] as const)("%s", (text, expected) => {
    const v = parseJson(text, BIG);
    expect(v).toEqual(expected);
    expect(v).toEqual(JSON.parse(text));
    if (typeof expected === "number") expect(Object.is(v, expected)).toBe(true);
  });

  it("parses numbers to exactly the double JSON.parse gives (fast path included)", () => {
    const r = rng(7);
    for (let i = 0; i < 20000; i++) {
      const digits = Math.floor(r() * 17) + 1;
      let s = "";
      for (let d = 0; d < digits; d++) s += Math.floor(r() * 10);
      s = s.replace(/^0+(?=\d)/, "");
      const frac = Math.floor(r() * 17);
      let f = "";
      for (let d = 0; d < frac; d++) f += Math.floor(r() * 10);
      const text = `${r() < 0.5 ? "-" : ""}${s}${frac > 0 ? `.${f}` : ""}`;
      if (frac === 0 && !Number.isSafeInteger(Number(text))) continue;
      expect(Object.is(parseJson(text, BIG), JSON.parse(text)), text).toBe(true);
    }
  });

  it("returns objects with a null prototype and plain arrays", () => {
    const v = parseJson('{"a":{"b":1},"c":[{}]}', BIG) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBeNull();
    expect(Object.getPrototypeOf(v.a)).toBeNull();
    expect(Array.isArray(v.c)).toBe(true);
    expect(Object.getPrototypeOf((v.c as unknown[])[0])).toBeNull();
    expect("toString" in v).toBe(false);
    expect("hasOwnProperty" in v).toBe(false);
    expect(JSON.stringify(v)).toBe('{"a":{"b":1},"c":[{}]}');
  });
});

describe("rejects everything JSON.parse rejects", () => {
  const invalid = [
    "",
    " ",
    "\n",
    "[",
    "]",
    "{",
    "}",
    "[1,]",
    "[,1]",
    "[1 2]",
    "{,}",
    '{"a"}',
    '{"a":}',
    '{"a":1,}',
    '{"a" 1}',
    "{a:1}",
    "{'a':1}",
    "'a'",
    '"abc',
    '"a\nb"',
    '"a\tb"',
    '"\u0000"',
    '"\u001f"',
    '"\\x41"',
    '"\\u12"',
    '"\\u12G4"',
    '"\\',
    '"\\"',
    "01",
    "-01",
    "00",
    "-",
    "+1",
    "1.",
    ".5",
    "1.e3",
    "1e",
    "1e+",
    "-e1",
    "0x10",
    "NaN",
    "Infinity",
    "-Infinity",
    "undefined",
    "tru",
    "true1",
    "nul",
    "nulll",
    "True",
    "FALSE",
    "1 2",
    "[] []",
    "{}}",
    "[1]]",
    "// c\n1",
    "/* c */ 1",
    "1 // c",
    "\ufeff1",
    "\u00a01",
    "1\u00a0",
    "\u000b1",
    "\u000c1",
    "\u20281",
    "[1,\u00a02]",
    '{"a":1 "b":2}',
    '["a" "b"]',
    '{"a":1}{"b":2}',
  ];

  it.each(invalid.map((t) => [JSON.stringify(t), t]))("%s", (_label, text) => {
    expect(() => JSON.parse(text)).toThrow();
    const e = errorOf(text);
    expect(e.reason).toBe("syntax");
    expect(isRoostError(e)).toBe(true);
    expect(e.code).toBe("MalformedRequest");
  });

  it("agrees with JSON.parse on 20000 single-character mutations of valid documents", () => {
    const r = rng(99);
    const alphabet = '{}[]:,"\\ 0123456789-+.eEtrufalsn\u0000\n\u00a0x';
    let rejectedByBoth = 0;
    for (let i = 0; i < 20000; i++) {
      const text = JSON.stringify(randomValue(r, 0));
      const at = Math.floor(r() * (text.length + 1));
      const op = Math.floor(r() * 3);
      const ch = alphabet[Math.floor(r() * alphabet.length)] as string;
      const mutated =
        op === 0
          ? text.slice(0, at) + text.slice(at + 1)
          : op === 1
            ? text.slice(0, at) + ch + text.slice(at)
            : text.slice(0, at) + ch + text.slice(at + 1);
      let expected: unknown;
      let nativeOk = true;
      try {
        expected = JSON.parse(mutated);
      } catch {
        nativeOk = false;
      }
      if (!nativeOk) {
        rejectedByBoth++;
        expect(() => parseJson(mutated, BIG), mutated).toThrow(JsonParseError);
        continue;
      }
      try {
        expect(parseJson(mutated, BIG), mutated).toEqual(expected);
      } catch (e) {
        // Only the documented I-JSON exclusions may refuse what JSON.parse accepts.
        if (!(e instanceof JsonParseError)) throw e;
        expect(
          ["duplicate-key", "forbidden-key", "number-out-of-range", "invalid-encoding"],
          mutated,
        ).toContain(e.reason);
      }
    }
    expect(rejectedByBoth).toBeGreaterThan(5000);
  });
});

describe("I-JSON restrictions", () => {
  it("rejects duplicate member names, naming the JSON pointer of the repeated member", () => {
    const e = expectReason('{"a":1,"a":2}', "duplicate-key", "/a");
    expect(e.message).toContain('duplicate member name "a"');
    expectReason('{"inputs":{"delay":1,\n"delay":2}}', "duplicate-key", "/inputs/delay");
    expectReason('{"l":[{},{"k":1,"k":1}]}', "duplicate-key", "/l/1/k");
    expectReason('{"a/b":{"c~d":1,"c~d":2}}', "duplicate-key", "/a~1b/c~0d");
    // The same name written with an escape is still the same name.
    expectReason('{"a":1,"\\u0061":2}', "duplicate-key", "/a");
    // Same name in different objects is fine.
    expect(parseJson('{"a":{"a":1},"b":{"a":2}}', BIG)).toEqual({ a: { a: 1 }, b: { a: 2 } });
  });

  it("rejects __proto__, constructor and prototype as member names, escaped or not, at any depth", () => {
    for (const key of ["__proto__", "constructor", "prototype"]) {
      expectReason(`{"${key}":{"polluted":true}}`, "forbidden-key", `/${key}`);
      expectReason(`{"inputs":{"x":[{"${key}":1}]}}`, "forbidden-key", `/inputs/x/0/${key}`);
    }
    expectReason('{"\\u005f_proto__":{"polluted":true}}', "forbidden-key", "/__proto__");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("rejects numbers a double cannot hold: overflow and integers beyond ±2^53", () => {
    for (const n of [
      "1e400",
      "-1e400",
      "1.5e309",
      "9007199254740992",
      "-9007199254740992",
      "12345678901234567890",
    ])
      expectReason(`{"n":${n}}`, "number-out-of-range", "/n");
    expect(errorOf("[9007199254740993]").message).toMatch(/2\^53/);
  });

  it("rejects lone surrogates, escaped or raw, and accepts proper pairs", () => {
    for (const s of [
      '"\\ud800"',
      '"\\udc00"',
      '"\\ud83d\\u0041"',
      '"\\ud83dx"',
      '"\\ude00\\ud83d"',
      '"\ud800"',
      '"\udc00a"',
    ])
      expectReason(s, "invalid-encoding");
    expect(parseJson('"\\ud83d\\ude00\ud83d\ude00"', BIG)).toBe("😀😀");
  });
});

describe("limits", () => {
  it("refuses a body above maxBytes, counting UTF-8 bytes, before parsing it", () => {
    expect(parseJson('"éé"', { maxBytes: 6 })).toBe("éé");
    const e = errorOf('"ééé"', { maxBytes: 6 });
    expect(e.reason).toBe("too-large");
    expect(e.code).toBe("FileSizeExceeded");
    expect(errorOf(new TextEncoder().encode('"ééé"'), { maxBytes: 6 }).reason).toBe("too-large");
    // Even an invalid body is refused for its size first (no work spent on it).
    expect(errorOf("x".repeat(100), { maxBytes: 10 }).reason).toBe("too-large");
  });

  it("limits nesting depth (default 64) without deep recursion", () => {
    const nested = (n: number) => "[".repeat(n) + "]".repeat(n);
    expect(parseJson(nested(64), BIG)).toBeDefined();
    const e = expectReason(nested(65), "too-deep");
    expect(e.path).toBe(`/${Array(64).fill("0").join("/")}`);
    expectReason(nested(200_000), "too-deep");
    expectReason(`${'{"a":'.repeat(100)}1${"}".repeat(100)}`, "too-deep");
    expect(errorOf(nested(4), { ...BIG, maxDepth: 3 }).reason).toBe("too-deep");
    expect(parseJson(nested(3), { ...BIG, maxDepth: 3 })).toEqual([[[]]]);
  });

  it("limits string length, for values and member names, escaped or not", () => {
    const opts = { maxBytes: 1000, maxStringLength: 5 };
    expect(parseJson('["abcde","\\u0061bcde"]', opts)).toEqual(["abcde", "abcde"]);
    expect(errorOf('["abcdef"]', opts).reason).toBe("string-too-long");
    expect(errorOf('["ab\\ncdef"]', opts).reason).toBe("string-too-long");
    expect(errorOf('{"abcdef":1}', opts).reason).toBe("string-too-long");
  });
});

describe("bytes input", () => {
  const enc = (s: string) => new TextEncoder().encode(s);

  it("decodes strict UTF-8 and drops a leading byte-order mark", () => {
    expect(parseJson(enc('{"name":"Zoë 😀"}'), BIG)).toEqual({ name: "Zoë 😀" });
    expect(parseJson(Uint8Array.from([0xef, 0xbb, 0xbf, ...enc("[1]")]), BIG)).toEqual([1]);
  });

  it("refuses invalid UTF-8 (stray continuation bytes, overlongs, encoded surrogates)", () => {
    for (const bytes of [
      [0x22, 0xff, 0x22],
      [0x22, 0xc0, 0xaf, 0x22],
      [0x22, 0xed, 0xa0, 0x80, 0x22],
      [0x22, 0x80, 0x22],
    ])
      expect(errorOf(Uint8Array.from(bytes)).reason).toBe("invalid-encoding");
  });
});

describe("error reports", () => {
  it("give line, column, position and pointer; the message says where", () => {
    const text = '{\n  "inputs": {\n    "delay": tru\n  }\n}';
    const e = errorOf(text);
    expect(e.reason).toBe("syntax");
    expect(e.path).toBe("/inputs/delay");
    expect(e.locator).toBe("/inputs/delay");
    expect(e.line).toBe(3);
    expect(e.column).toBe(14);
    expect(text.slice(e.position, e.position + 3)).toBe("tru");
    expect(e.message).toBe(
      "Invalid JSON body: expected a value, found 't' at /inputs/delay (line 3, column 14)",
    );
  });

  it("describe control characters and the end of input readably", () => {
    expect(errorOf('{"a":').message).toContain("found end of input");
    expect(errorOf('"a\u0001"').message).toContain("control character U+0001");
  });

  it("never echo more than a character of the input", () => {
    const e = errorOf(`{"a": <script>${"x".repeat(1000)}`);
    expect(e.message.length).toBeLessThan(120);
  });
});

it("round-trips the values it produces through JSON.stringify", () => {
  const r = rng(3);
  for (let i = 0; i < 500; i++) {
    const v = randomValue(r, 0);
    const parsed: JsonValue = parseJson(JSON.stringify(v), BIG);
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(v));
  }
});
