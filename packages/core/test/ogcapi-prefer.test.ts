/**
 * `Prefer` parsing (RFC 7240, tolerant as the ETS needs) and the execution-mode table of OGC API – Processes 1.0 §4.
 */
import { describe, expect, it } from "vitest";
import { ogcapi } from "../src/internal.js";

const { parsePrefer, decideExecutionMode } = ogcapi;

describe("parsePrefer", () => {
  it.each([
    ["respond-async", true],
    ["respond-async ", true],
    ["  Respond-Async\t", true],
    ["RESPOND-ASYNC", true],
    ["respond-async, wait=10", true],
    ["wait=10, respond-async", true],
    ["respond-async; foo=bar", true],
    ['handling=lenient, respond-async, return="minimal"', true],
    ["respond-asynchronously", false],
    ["respond_async", false],
    ["", false],
    [",,", false],
  ])("%j → respondAsync %s", (header, expected) => {
    expect(parsePrefer(header).respondAsync).toBe(expected);
  });

  it("reads preferences from several headers", () => {
    expect(parsePrefer(["wait=5", "respond-async"])).toEqual({ respondAsync: true, wait: 5, other: [] });
  });

  it("reads wait and return, quoted or not, case-insensitively; ignores malformed values", () => {
    expect(parsePrefer("wait=30").wait).toBe(30);
    expect(parsePrefer('wait="7"').wait).toBe(7);
    expect(parsePrefer("wait=-1")).not.toHaveProperty("wait");
    expect(parsePrefer("wait=soon")).not.toHaveProperty("wait");
    expect(parsePrefer("wait=99999999999")).not.toHaveProperty("wait");
    expect(parsePrefer("return=minimal").return).toBe("minimal");
    expect(parsePrefer("Return=Representation").return).toBe("representation");
    expect(parsePrefer("return=everything")).not.toHaveProperty("return");
  });

  it("takes the first occurrence of a preference (RFC 7240 §2)", () => {
    expect(parsePrefer("wait=1, wait=2").wait).toBe(1);
    expect(parsePrefer(["return=minimal", "return=representation"]).return).toBe("minimal");
  });

  it("keeps unknown preferences aside, and commas inside quotes do not split", () => {
    expect(parsePrefer('handling=strict, foo="a,b", respond-async')).toEqual({
      respondAsync: true,
      other: ["handling", "foo"],
    });
  });

  it("no header means no preference", () => {
    expect(parsePrefer(undefined)).toEqual({ respondAsync: false, other: [] });
  });
});

describe("decideExecutionMode: the table of §4", () => {
  const both = { sync: true, async: true };
  const onlySync = { sync: true, async: false };
  const onlyAsync = { sync: false, async: true };
  const none = parsePrefer(undefined);
  const async_ = parsePrefer("respond-async ");

  it.each([
    ["async only, no Prefer", onlyAsync, none, "async", []],
    ["async only, respond-async", onlyAsync, async_, "async", ["respond-async"]],
    ["sync only, no Prefer", onlySync, none, "sync", []],
    ["sync only, respond-async (never async)", onlySync, async_, "sync", []],
    ["both, no Prefer (SHALL be sync)", both, none, "sync", []],
    ["both, respond-async (honoured)", both, async_, "async", ["respond-async"]],
    ["both, wait only", both, parsePrefer("wait=10"), "sync", []],
    ["both, return only", both, parsePrefer("return=minimal"), "sync", []],
  ] as const)("%s → %s", (_label, jc, prefs, mode, applied) => {
    expect(decideExecutionMode(jc, prefs)).toEqual({ mode, preferenceApplied: applied });
  });

  it("defaults to no preferences", () => {
    expect(decideExecutionMode(both)).toEqual({ mode: "sync", preferenceApplied: [] });
  });
});
