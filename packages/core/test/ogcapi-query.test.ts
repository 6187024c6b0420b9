/**
 * Query parameters of the process list and the job list: typed filters from comma lists and repeated parameters, and
 * InvalidParameter errors naming the parameter for bad values.
 */
import { describe, expect, it } from "vitest";
import { ogcapi, type RoostError } from "../src/internal.js";

const { parseJobListQuery, parseLimit } = ogcapi;

function failure(f: () => unknown): RoostError {
  try {
    f();
  } catch (e) {
    return e as RoostError;
  }
  throw new Error("did not fail");
}

describe("limit", () => {
  it("defaults to 10, takes 1–10000, lowers larger values to 10000", () => {
    expect(parseLimit({})).toBe(10);
    expect(parseLimit({ limit: "1" })).toBe(1);
    expect(parseLimit({ limit: " 25 " })).toBe(25);
    expect(parseLimit({ limit: "10000" })).toBe(10000);
    expect(parseLimit({ limit: "999999" })).toBe(10000);
  });

  it.each(["0", "-1", "1.5", "ten", "", "1e3", "0x10", "99999999999999999999"])("refuses limit=%j", (v) => {
    const e = failure(() => parseLimit({ limit: v }));
    expect(e).toMatchObject({ code: "InvalidParameter", locator: "limit" });
  });

  it("refuses a repeated limit", () => {
    expect(failure(() => parseLimit({ limit: ["1", "2"] })).message).toMatch(/more than once/);
  });
});

describe("job list query", () => {
  it("without parameters: every status but accepted, no other filter, limit 10", () => {
    expect(parseJobListQuery({})).toEqual({
      statuses: ["running", "succeeded", "failed", "dismissed"],
      limit: 10,
    });
  });

  it("reads comma lists and repeated parameters; maps successful to succeeded", () => {
    expect(
      parseJobListQuery({
        type: "process",
        processID: ["hello,sleep", "non.py-id"],
        status: "successful, failed,successful",
        minDuration: "5",
        maxDuration: "60",
        limit: "2",
      }),
    ).toEqual({
      processIds: ["hello", "sleep", "non.py-id"],
      statuses: ["succeeded", "failed"],
      minDuration: 5,
      maxDuration: 60,
      limit: 2,
    });
    expect(parseJobListQuery({ status: "accepted" }).statuses).toEqual(["accepted"]);
  });

  it("reads datetime instants and intervals, open on either side", () => {
    const t = Date.parse("2024-05-01T12:00:00Z");
    const u = Date.parse("2024-05-02T00:00:00+02:00");
    expect(parseJobListQuery({ datetime: "2024-05-01T12:00:00Z" }).created).toEqual({ from: t, to: t });
    expect(parseJobListQuery({ datetime: "2024-05-01T12:00:00Z/2024-05-02T00:00:00+02:00" }).created).toEqual(
      {
        from: t,
        to: u,
      },
    );
    expect(parseJobListQuery({ datetime: "../2024-05-01T12:00:00Z" }).created).toEqual({ to: t });
    expect(parseJobListQuery({ datetime: "2024-05-01T12:00:00.5Z/.." }).created).toEqual({ from: t + 500 });
    expect(parseJobListQuery({ datetime: "2024-05-01T12:00:00Z/" }).created).toEqual({ from: t });
  });

  it.each([
    ["type", { type: "wps" }, /must be 'process'/],
    ["status", { status: "done" }, /got 'done'/],
    ["status", { status: "succeeded" }, /got 'succeeded'/],
    ["datetime", { datetime: "yesterday" }, /RFC 3339/],
    ["datetime", { datetime: "2024-05-01" }, /RFC 3339/],
    ["datetime", { datetime: "2024-05-01T12:00:00" }, /RFC 3339/],
    ["datetime", { datetime: "../.." }, /at least one side/],
    ["datetime", { datetime: "a/b/c" }, /one interval/],
    ["datetime", { datetime: "2024-05-02T00:00:00Z/2024-05-01T00:00:00Z" }, /starts after it ends/],
    ["minDuration", { minDuration: "-1" }, /whole number of seconds/],
    ["maxDuration", { maxDuration: "1.5" }, /whole number/],
    ["minDuration", { minDuration: "10", maxDuration: "5" }, /greater than maxDuration/],
    ["limit", { limit: "0" }, /at least 1/],
  ] as const)("refuses a bad %s (%j)", (name, q, text) => {
    const e = failure(() => parseJobListQuery(q));
    expect(e).toMatchObject({ code: "InvalidParameter", locator: name });
    expect(e.message).toMatch(text);
  });

  it("never echoes a long value in full", () => {
    expect(failure(() => parseJobListQuery({ status: "x".repeat(10000) })).message.length).toBeLessThan(200);
  });
});
