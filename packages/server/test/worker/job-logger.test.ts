/**
 * The handler's log lines (`worker.log`): user fields sit beside `time`, `level` and `msg` but never replace them.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fileLogger, logLine } from "../../src/worker/job-logger.js";

const NOW = new Date("2026-01-02T03:04:05.678Z");
const parse = (line: string) => JSON.parse(line) as Record<string, unknown>;

describe("job log lines", () => {
  it("keeps the line's own level, time and msg when a user field has the same name (prefixed with _)", () => {
    const l = parse(logLine("info", "computed", [{ level: 3, time: "noon", msg: "mine", n: 1 }], NOW));
    expect(l).toEqual({
      time: "2026-01-02T03:04:05.678Z",
      level: "info",
      msg: "computed",
      _level: 3,
      _time: "noon",
      _msg: "mine",
      n: 1,
    });
  });

  it("never loses a field: a user `_level` beside `level` moves one step further", () => {
    const l = parse(logLine("warn", "m", [{ level: 1, _level: 2 }], NOW));
    expect(l).toMatchObject({ level: "warn", _level: 1, __level: 2 });
  });

  it("writes an Error as err {name, message, stack} and other arguments as args", () => {
    const e = new RangeError("too deep");
    const withError = parse(logLine("error", "failed", [e], NOW));
    expect(withError.err).toMatchObject({ name: "RangeError", message: "too deep" });
    expect(String((withError.err as { stack: string }).stack)).toContain("job-logger.test.ts");
    expect(parse(logLine("info", "m", ["a", 2], NOW))).toMatchObject({ msg: "m", args: ["a", 2] });
    expect(parse(logLine("info", "m", [[1, 2]], NOW))).toMatchObject({ args: [[1, 2]] });
  });

  it("treats __proto__ as a plain field and keeps the message when fields cannot be serialised", () => {
    const l = parse(logLine("info", "m", [JSON.parse('{"__proto__": {"polluted": 1}}')], NOW));
    expect(Object.hasOwn(l, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(parse(logLine("info", "still here", [cyclic], NOW))).toEqual({
      time: NOW.toISOString(),
      level: "info",
      msg: "still here",
    });
    expect(parse(logLine("info", "big", [{ n: 1n }], NOW)).msg).toBe("big");
  });
});

describe("fileLogger", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("appends one JSON line per call to the attempt's worker.log, creating the attempt directory", () => {
    dir = mkdtempSync(join(tmpdir(), "roost-log-"));
    const file = join(dir, "a1", "worker.log");
    const log = fileLogger(file);
    log.info("computed", { level: 2.5 });
    log.warn("careful");
    const lines = readFileSync(file, "utf8").trimEnd().split("\n").map(parse);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: "info", msg: "computed", _level: 2.5 });
    expect(lines[1]).toMatchObject({ level: "warn", msg: "careful" });
  });
});
