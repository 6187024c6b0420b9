/**
 * The browser modules' logic that needs no DOM: the in-page checks of literal values (types, allowed values,
 * ranges with closure and spacing), CSV parsing for previews, antimeridian unwrapping of the basemap, and reading
 * the `rel=monitor` link of a synchronous execution.
 */
import { describe, expect, it } from "vitest";
import { checkLiteral } from "../src/form/rules.js";
import { monitorLink } from "../src/form/submit.js";
import { unwrapRing } from "../src/geo.js";
import { parseCsv } from "../src/results.js";

describe("checkLiteral", () => {
  it("types values and refuses what is not of the type", () => {
    expect(checkLiteral("42", { type: "integer" })).toEqual({ ok: true, value: 42 });
    expect(checkLiteral("4.2", { type: "integer" })).toMatchObject({
      ok: false,
      message: "Enter a whole number",
    });
    expect(checkLiteral("9007199254740993", { type: "integer" })).toMatchObject({ ok: false });
    expect(checkLiteral("-1.5e3", { type: "number" })).toEqual({ ok: true, value: -1500 });
    expect(checkLiteral("abc", { type: "number" })).toMatchObject({ ok: false });
    expect(checkLiteral("false", { type: "boolean" })).toEqual({ ok: true, value: false });
    expect(checkLiteral("2024-02-29", { type: "date" })).toEqual({ ok: true, value: "2024-02-29" });
    expect(checkLiteral("2024-02-30", { type: "date" })).toMatchObject({ ok: false });
    expect(checkLiteral("2024/02/03", { type: "date" })).toMatchObject({ ok: false });
    expect(checkLiteral("12:30", { type: "time" })).toEqual({ ok: true, value: "12:30:00" });
    expect(checkLiteral("2016-09-02T12:00", { type: "datetime" })).toEqual({
      ok: true,
      value: "2016-09-02T12:00:00Z",
    });
    expect(checkLiteral("not a url", { type: "uri" })).toMatchObject({ ok: false });
    expect(checkLiteral(" keep spaces ", { type: "string" })).toEqual({ ok: true, value: " keep spaces " });
  });

  it("checks allowed values and ranges (closure, spacing), any of them", () => {
    const rules = {
      type: "integer" as const,
      ranges: [
        { minimum: 1, maximum: 10 },
        { minimum: 100, maximum: 200, spacing: 10 },
      ],
    };
    expect(checkLiteral("10", rules)).toMatchObject({ ok: true });
    expect(checkLiteral("11", rules)).toEqual({ ok: false, message: "Must be 1–10 or 100–200 step 10" });
    expect(checkLiteral("150", rules)).toMatchObject({ ok: true });
    expect(checkLiteral("155", rules)).toMatchObject({ ok: false });
    const open = { type: "number" as const, ranges: [{ minimum: 0, maximum: 1, closure: "open" as const }] };
    expect(checkLiteral("0", open)).toMatchObject({ ok: false });
    expect(checkLiteral("0.5", open)).toMatchObject({ ok: true });
    expect(checkLiteral("1", open)).toMatchObject({ ok: false });
    const choice = { type: "string" as const, values: ["rock", "paper"] };
    expect(checkLiteral("paper", choice)).toMatchObject({ ok: true });
    expect(checkLiteral("stone", choice)).toEqual({ ok: false, message: "Must be one of rock, paper" });
    expect(checkLiteral("7", { type: "integer", values: [7], ranges: [{ minimum: 100 }] })).toMatchObject({
      ok: true,
    });
  });
});

describe("parseCsv", () => {
  it("reads quoted fields, doubled quotes, CRLF and a last line without newline", () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n1,\n2,3')).toEqual([
      ["a", "b"],
      ["x, y", 'say "hi"'],
      ["1", ""],
      ["2", "3"],
    ]);
    expect(parseCsv("h\n1\n2\n3\n", 2)).toEqual([["h"], ["1"]]);
  });
});

describe("unwrapRing", () => {
  it("keeps a ring crossing the antimeridian continuous", () => {
    expect(
      unwrapRing([
        [170, 60],
        [179, 61],
        [-179, 62],
        [-170, 60],
        [170, 60],
      ]),
    ).toEqual([
      [170, 60],
      [179, 61],
      [181, 62],
      [190, 60],
      [170, 60],
    ]);
    expect(
      unwrapRing([
        [-10, 0],
        [10, 0],
      ]),
    ).toEqual([
      [-10, 0],
      [10, 0],
    ]);
  });
});

describe("monitorLink", () => {
  it("finds the rel=monitor target among several links", () => {
    expect(
      monitorLink(
        '<http://h/jobs/1/results>; rel="results", <http://h/jobs/1>; rel=monitor; type="application/json"',
      ),
    ).toBe("http://h/jobs/1");
    expect(monitorLink("<http://h/x>; rel=self")).toBeUndefined();
    expect(monitorLink(null)).toBeUndefined();
  });
});
