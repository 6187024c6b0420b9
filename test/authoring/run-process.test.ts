/**
 * `runProcess`, the authors' test helper: the worker's real context without a server — failures reported the way a
 * client sees them plus the real error, outputs stored and checked as on the server, abort and time limit.
 */
import { existsSync } from "node:fs";
import { defineProcess, Formats, Input, Output, ProcessError } from "@roost/core";
import { describe, expect, it } from "vitest";
import { RunProcessError, runProcess } from "../../packages/server/src/testing/index.js";

const echo = defineProcess({
  identifier: "echo",
  title: "Echo",
  inputs: {
    text: Input.complex({ title: "Text", formats: [Formats.TEXT, Formats.JSON] }),
    when: Input.dateTime({ title: "When", minOccurs: 0 }),
    box: Input.bbox({ title: "Box", crs: ["EPSG:4326"], minOccurs: 0 }),
  },
  outputs: {
    copy: Output.complex({ title: "Copy", formats: [Formats.TEXT, Formats.JSON] }),
    seen: Output.string({ title: "What the handler saw" }),
    box: Output.bbox({ title: "Box", crs: ["EPSG:4326"] }),
  },
  handler: async ({ text, when, box }, ctx) => {
    ctx.progress(150, "clamped");
    const body = await text.text();
    return {
      copy: { text: body, mimeType: text.mimeType },
      seen: `${text.mimeType} ${text.href ?? "-"} ${when ?? "-"} ${ctx.language ?? "-"} ${ctx.outputRequests.get("copy")?.mimeType ?? "-"}`,
      ...(box ? { box } : {}),
    };
  },
});

describe("runProcess", () => {
  it("hands complex inputs over as files and stores outputs as the worker does", async () => {
    const run = await runProcess(
      echo,
      {
        text: { json: { a: [1, 2] }, mimeType: "application/json", href: "https://example.org/a.json" },
        when: "2016-09-02 12:00:00+00:00",
        box: "0,1,2,3,EPSG:4326",
      },
      { language: "fr-CA", outputs: { copy: { mimeType: "application/json" } } },
    );
    try {
      expect(run.value("seen")).toBe(
        "application/json https://example.org/a.json 2016-09-02T12:00:00+00:00 fr-CA application/json",
      );
      expect(await run.file("copy").json()).toEqual({ a: [1, 2] });
      expect(run.file("copy").path.startsWith(run.jobDir)).toBe(true);
      expect(run.outputs.box).toEqual({
        kind: "bbox",
        value: { crs: "EPSG:4326", dimensions: 2, lowerCorner: [0, 1], upperCorner: [2, 3] },
      });
      expect(run.progress).toEqual([{ percent: 100, message: "clamped" }]);
      expect(() => run.value("copy")).toThrow("output 'copy' is a file, not a literal");
      expect(() => run.file("nothing")).toThrow(/output 'nothing' was not returned/);
    } finally {
      run.cleanup();
    }
    expect(existsSync(run.jobDir)).toBe(false);
  });

  it("binary data goes through base64 and arrives byte for byte", async () => {
    const bytes = new Uint8Array([0, 1, 2, 255, 254, 10]);
    const p = defineProcess({
      identifier: "size",
      title: "Size",
      inputs: { data: Input.complex({ title: "Data", formats: [{ mimeType: "application/octet-stream" }] }) },
      outputs: { hex: Output.string({ title: "Hex" }) },
      handler: async ({ data }) => ({ hex: (await data.bytes()).toString("hex") }),
    });
    const run = await runProcess(p, { data: { bytes } });
    expect(run.value("hex")).toBe("000102fffe0a");
    run.cleanup();
  });

  it("a plain error: the client's generic text, the real error as cause, logged with its stack", async () => {
    const p = defineProcess({
      identifier: "buggy",
      title: "Buggy",
      inputs: {},
      outputs: { out: Output.string({ title: "Out" }) },
      handler: () => {
        throw new TypeError("cannot read 'x' of undefined");
      },
    });
    const e = (await runProcess(p).catch((x: unknown) => x)) as RunProcessError;
    expect(e).toBeInstanceOf(RunProcessError);
    expect(e.kind).toBe("internal");
    expect(e.clientMessage).toBe("Process failed, please check server error log");
    expect(e.message).toBe(
      "Process failed, please check server error log (TypeError: cannot read 'x' of undefined)",
    );
    expect(e.cause).toBeInstanceOf(TypeError);
    expect(e.logs).toContainEqual(
      expect.objectContaining({ level: "error", msg: "unexpected error: cannot read 'x' of undefined" }),
    );
  });

  it("outputs that do not fit their declaration fail as on the server", async () => {
    const p = defineProcess({
      identifier: "wrong",
      title: "Wrong output",
      inputs: {},
      outputs: { n: Output.integer({ title: "N" }) },
      handler: () => ({ n: { nope: true } as unknown as number }),
    });
    const e = (await runProcess(p).catch((x: unknown) => x)) as RunProcessError;
    expect(e.kind).toBe("internal");
    expect(e.message).toMatch(/OutputError: output 'n' of 'wrong': expected a string, number, boolean/);
  });

  it("a ProcessError keeps its class as cause; the time limit ends a handler that waits", async () => {
    const p = defineProcess({
      identifier: "slow",
      title: "Slow",
      inputs: { fail: Input.boolean({ title: "Fail", default: false }) },
      outputs: { out: Output.string({ title: "Out" }) },
      jobControl: { timeLimit: 0.05 },
      handler: async ({ fail }, ctx) => {
        if (fail) throw new ProcessError("asked to fail");
        await ctx.sleep(10_000);
        return { out: "never" };
      },
    });
    const failed = (await runProcess(p, { fail: "TRUE" }).catch((x: unknown) => x)) as RunProcessError;
    expect(failed.kind).toBe("process");
    expect(failed.cause).toBeInstanceOf(ProcessError);
    const started = Date.now();
    const timedOut = (await runProcess(p).catch((x: unknown) => x)) as RunProcessError;
    expect(timedOut.kind).toBe("timeout");
    expect(timedOut.clientMessage).toBe("Process exceeded its time limit of 0.05 s");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("refuses unknown inputs and outputs before running anything", async () => {
    const e = (await runProcess(echo, { txt: "x" }, { outputs: { cpy: {} } }).catch(
      (x: unknown) => x,
    )) as RunProcessError;
    expect(e.kind).toBe("inputs");
    expect(e.message).toBe(
      "Process 'echo' has no input 'txt'; Input 'text' is required; Process 'echo' has no output 'cpy'",
    );
  });
});
