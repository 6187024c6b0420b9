import { describe, expect, it } from "vitest";
import { checkAllowed, hasXmlIllegalChars, parseLiteral } from "../src/internal.js";

describe("parseLiteral", () => {
  const ok = (t: Parameters<typeof parseLiteral>[0], s: string) => {
    const r = parseLiteral(t, s);
    if (!r.ok) throw new Error(`${t} '${s}' refused: ${r.reason}`);
    return r.value;
  };
  const bad = (t: Parameters<typeof parseLiteral>[0], s: string) => {
    const r = parseLiteral(t, s);
    expect(r.ok, `${t} '${s}' should be refused`).toBe(false);
    return r.ok ? "" : r.reason;
  };

  it("accepts only XML Schema booleans (false and 0 are values, not absences)", () => {
    expect(ok("boolean", "true")).toBe(true);
    expect(ok("boolean", "1")).toBe(true);
    expect(ok("boolean", "false")).toBe(false);
    expect(ok("boolean", "0")).toBe(false);
    expect(bad("boolean", "no")).toMatch(/not a boolean/);
    expect(bad("boolean", "yes")).toMatch(/not a boolean/);
  });

  it("parses integers strictly and keeps them safe", () => {
    expect(ok("integer", " -42 ")).toBe(-42);
    expect(ok("integer", "0")).toBe(0);
    expect(bad("integer", "4.2")).toMatch(/not an integer/);
    expect(bad("integer", "12345678901234567890")).toMatch(/range/);
    expect(bad("positiveInteger", "0")).toMatch(/positive/);
    expect(ok("nonNegativeInteger", "0")).toBe(0);
  });

  it("parses finite floats, refuses NaN/INF and junk", () => {
    expect(ok("float", "3.14")).toBe(3.14);
    expect(ok("double", "-1e3")).toBe(-1000);
    expect(ok("float", ".5")).toBe(0.5);
    expect(bad("float", "INF")).toBeTruthy();
    expect(bad("float", "1,5")).toMatch(/not a number/);
    expect(bad("float", "")).toBeTruthy();
  });

  it("validates dates, times and date-times including calendar ranges", () => {
    expect(ok("date", "2012-05-01")).toBe("2012-05-01");
    expect(ok("date", "2024-02-29")).toBe("2024-02-29");
    expect(bad("date", "2023-02-29")).toMatch(/day/);
    expect(bad("date", "2023-13-01")).toMatch(/month/);
    expect(ok("time", "12:00:00")).toBe("12:00:00");
    expect(ok("time", "23:59:59.5Z")).toBe("23:59:59.5Z");
    expect(bad("time", "25:00:00")).toBeTruthy();
    expect(ok("dateTime", "2016-09-02T12:00:00Z")).toBe("2016-09-02T12:00:00Z");
    expect(ok("dateTime", "2016-09-02T12:00:00+02:00")).toBe("2016-09-02T12:00:00+02:00");
  });

  // Real clients (README, "Client quirks Roost absorbs"): birdy's Python API sends Python's str(bool) and
  // str(datetime) — for the defaults Roost advertises too.
  it("accepts booleans in any letter case, still refuses other words", () => {
    expect(ok("boolean", "True")).toBe(true);
    expect(ok("boolean", "FALSE")).toBe(false);
    expect(ok("boolean", "tRuE")).toBe(true);
    expect(ok("boolean", " False ")).toBe(false);
    for (const word of ["t", "f", "on", "off", "Yes", "2", "-1", "truex", "", "1.0"])
      expect(bad("boolean", word), word).toBe("is not a boolean (use true, false, 1 or 0)");
  });

  it("accepts a space between date and time (RFC 3339 §5.6, Python's str(datetime)) and returns the T form", () => {
    expect(ok("dateTime", "2016-09-02 12:00:00+00:00")).toBe("2016-09-02T12:00:00+00:00");
    expect(ok("dateTime", "2016-09-02 12:00:00.123456+00:00")).toBe("2016-09-02T12:00:00.123456+00:00");
    expect(ok("dateTime", "2016-09-02 12:00:00")).toBe("2016-09-02T12:00:00");
    expect(ok("dateTime", "2016-09-02 12:00:00.5Z")).toBe("2016-09-02T12:00:00.5Z");
    expect(ok("dateTime", "2016-09-02t12:00:00Z")).toBe("2016-09-02T12:00:00Z");
    expect(ok("dateTime", "2016-09-02T12:00:00.250-05:00")).toBe("2016-09-02T12:00:00.250-05:00");
  });

  it("still refuses malformed date-times with a message that shows the expected form", () => {
    for (const text of [
      "2016-09-02  12:00:00", // two spaces
      "2016-09-02_12:00:00",
      "2016-09-02 12:00", // no seconds
      "2016-09-02 12:00:00 +00:00", // space before the offset
      "2016-09-02 12:00:00.", // a dot without digits
      "02.09.2016 12:00:00",
      "yesterday",
    ])
      expect(bad("dateTime", text), text).toMatch(/is not a date-time \(YYYY-MM-DDThh:mm:ss/);
    expect(bad("dateTime", "2016-02-30 12:00:00")).toMatch(/valid date-time: day/);
    expect(bad("dateTime", "2016-09-02 24:30:00+00:00")).toMatch(/valid date-time: hour/);
  });

  it("refuses control characters that XML cannot carry, keeps < and &", () => {
    expect(ok("string", "a < b & c")).toBe("a < b & c");
    expect(bad("string", "nul\u0000byte")).toMatch(/control/);
    expect(bad("string", "bell\u0007")).toMatch(/control/);
    expect(ok("string", "tab\tnewline\n")).toBe("tab\tnewline\n");
    expect(hasXmlIllegalChars("\uD800")).toBe(true);
    expect(hasXmlIllegalChars("😀")).toBe(false);
  });
});

describe("checkAllowed", () => {
  it("checks value lists by type", () => {
    const a = { kind: "values", values: [1, 2, 3, 5, 7, 11], ranges: [] } as const;
    expect(checkAllowed("integer", 7, a)).toBeUndefined();
    expect(checkAllowed("integer", 4, a)).toMatch(/allowed values: 1, 2, 3, 5, 7, 11/);
  });
  it("checks ranges with spacing and closure", () => {
    const a = {
      kind: "values",
      values: [],
      ranges: [
        { minimum: 1, maximum: 10 },
        { minimum: 100, maximum: 200, spacing: 10 },
      ],
    } as const;
    expect(checkAllowed("integer", 1, a)).toBeUndefined();
    expect(checkAllowed("integer", 10, a)).toBeUndefined();
    expect(checkAllowed("integer", 110, a)).toBeUndefined();
    expect(checkAllowed("integer", 105, a)).toMatch(/\[100, 200\] step 10/);
    expect(checkAllowed("integer", 50, a)).toBeTruthy();
    const open = {
      kind: "values",
      values: [],
      ranges: [{ minimum: 0, maximum: 1, closure: "open" }],
    } as const;
    expect(checkAllowed("float", 0, open)).toBeTruthy();
    expect(checkAllowed("float", 0.5, open)).toBeUndefined();
    const grid = { kind: "values", values: [], ranges: [{ minimum: 0, maximum: 1, spacing: 0.1 }] } as const;
    expect(checkAllowed("float", 0.1 + 0.2, grid)).toBeUndefined();
  });
  it("treats AnyValue and ValuesReference as allowing everything", () => {
    expect(checkAllowed("string", "x", { kind: "any" })).toBeUndefined();
    expect(
      checkAllowed("string", "x", { kind: "reference", reference: "http://example.org/list" }),
    ).toBeUndefined();
  });
});
