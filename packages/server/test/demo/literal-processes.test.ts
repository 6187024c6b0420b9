/**
 * Behaviour of the demo processes with literal inputs and outputs, and of the failing ones.
 */
import {
  clientFailureMessage,
  GENERIC_FAILURE_MESSAGE,
  isProcessError,
  ProcessError,
} from "@roost/core/internal";
import { afterEach, describe, expect, it } from "vitest";
import binaryOperator from "../../src/demo/binary-operator.js";
import dummy from "../../src/demo/dummy.js";
import { DryRunWarningError, StorageLimitExceededError } from "../../src/demo/errors.js";
import hello from "../../src/demo/hello.js";
import nonPyId from "../../src/demo/non-py-id.js";
import showDefaults from "../../src/demo/show-defaults.js";
import showError from "../../src/demo/show-error.js";
import simpleDryRun from "../../src/demo/simple-dry-run.js";
import translation from "../../src/demo/translation.js";
import {
  complexInputFromData,
  createProcessContext,
  type TestProcessContext,
} from "../helpers/process-context.js";

// Some tests run a handler more than once: every context made is removed afterwards.
const contexts: TestProcessContext[] = [];
const fresh = () => {
  const c = createProcessContext();
  contexts.push(c);
  return c;
};
afterEach(() => {
  for (const c of contexts.splice(0)) c.cleanup();
});

describe("hello", () => {
  it("greets by name with the unit 'unity' (Emu's test: LovelySugarBird)", async () => {
    const out = await hello.handler({ name: "LovelySugarBird" }, fresh());
    expect(out).toEqual({ output: { value: "Hello LovelySugarBird", uom: "unity" } });
  });
});

describe("dummyprocess", () => {
  it("returns input1 + 1 and input2 - 1 as strings", async () => {
    expect(await dummy.handler({ input1: 100, input2: 200 }, fresh())).toEqual({
      output1: "101",
      output2: "199",
    });
    expect(await dummy.handler({ input1: -5, input2: 0 }, fresh())).toEqual({ output1: "-4", output2: "-1" });
  });
});

describe("translation", () => {
  it("adds 1 to input1 and returns a string (Emu's test: input1=10)", async () => {
    expect(await translation.handler({ input1: 10 }, fresh())).toEqual({ output1: "11" });
  });
});

describe("non.py-id", () => {
  it("adds 1 to 'input 1' and echoes 'input-2' byte for byte (Emu's test)", async () => {
    const c = fresh();
    const json = '{"a": 1}';
    const out = await nonPyId.handler(
      { "input 1": 10, "input-2": complexInputFromData(c.inputDir, json, { mimeType: "application/json" }) },
      c,
    );
    expect(out).toEqual({ "output.1": 11, "output 2": { text: json, mimeType: "application/json" } });
  });
});

describe("show_defaults", () => {
  it("gives exactly Emu's expected JSON for the upstream test (string_0=ZERO, string_3=THREE)", async () => {
    // What the server passes: string_1 and string_2 filled with their defaults.
    const out = await showDefaults.handler(
      { string_0: "ZERO", string_1: "one", string_2: "two", string_3: "THREE" },
      fresh(),
    );
    const output = out["output"] as { json: unknown; mimeType: string };
    expect(output.mimeType).toBe("application/json");
    expect(JSON.stringify(output.json)).toBe(
      '{"string0":"ZERO","string1":"one","string2":"two","string3":"THREE"}',
    );
  });

  it("says 'no value' for the optional input without default when it is absent", async () => {
    const out = await showDefaults.handler(
      { string_0: undefined, string_1: "one", string_2: "two", string_3: "three" },
      fresh(),
    );
    expect((out["output"] as { json: unknown }).json).toEqual({
      string0: "no value",
      string1: "one",
      string2: "two",
      string3: "three",
    });
  });
});

describe("binaryoperatorfornumbers", () => {
  it.each([
    ["add", 2, 3, 5],
    ["subtract", 2, 3, -1],
    ["multiply", 2.5, 4, 10],
    ["divide", 3, 4, 0.75],
  ])("%s %d and %d gives %d", async (operator, inputa, inputb, expected) => {
    expect(await binaryOperator.handler({ inputa, inputb, operator }, fresh())).toEqual({ output: expected });
  });

  it("fails with a ProcessError saying why when dividing by zero", async () => {
    const run = binaryOperator.handler({ inputa: 1, inputb: 0, operator: "divide" }, fresh());
    await expect(run).rejects.toBeInstanceOf(ProcessError);
    await expect(run).rejects.toThrow(/divide by zero/i);
  });

  it("fails with a ProcessError when the result overflows", async () => {
    await expect(
      binaryOperator.handler({ inputa: 1e308, inputb: 10, operator: "multiply" }, fresh()),
    ).rejects.toThrow(/not a finite number/);
  });
});

describe("simple_dry_run", () => {
  it("downloads up to 10 files", async () => {
    expect(await simpleDryRun.handler({ dry_run: false, count: 10 }, fresh())).toEqual({
      output: "File downloads done: 10",
    });
  });

  it("refuses more than 10 files with StorageLimitExceededError and Emu's message", async () => {
    const run = simpleDryRun.handler({ dry_run: false, count: 11 }, fresh());
    await expect(run).rejects.toBeInstanceOf(StorageLimitExceededError);
    await expect(run).rejects.toThrow(/^Too many files too download: used=11, available=10$/);
  });

  it("stops a dry run with DryRunWarningError and Emu's message", async () => {
    const run = simpleDryRun.handler({ dry_run: true, count: 3 }, fresh());
    await expect(run).rejects.toBeInstanceOf(DryRunWarningError);
    await expect(run).rejects.toThrow(
      /^You have submitted a job in dry-run mode\. Used resources: storage=3 files, time=unknown$/,
    );
  });

  it("checks the limit before the dry-run flag, as Emu does", async () => {
    await expect(simpleDryRun.handler({ dry_run: true, count: 20 }, fresh())).rejects.toBeInstanceOf(
      StorageLimitExceededError,
    );
  });
});

describe("the demo error classes", () => {
  it("are ProcessErrors named after their class, shown to the client", () => {
    const e = new StorageLimitExceededError("Too many files too download", 11, 10);
    expect(isProcessError(e)).toBe(true);
    expect(e.name).toBe("StorageLimitExceededError");
    expect(clientFailureMessage(e)).toBe("Process error: Too many files too download: used=11, available=10");
    expect(new DryRunWarningError().name).toBe("DryRunWarningError");
  });

  it("fall back to Emu's default messages and leave out missing figures", () => {
    expect(new StorageLimitExceededError().message).toBe("You have exceeded the storage limit");
    expect(new StorageLimitExceededError(undefined, 5, 3).message).toBe(
      "You have exceeded the storage limit: used=5, available=3",
    );
    expect(new StorageLimitExceededError("Full", 5).message).toBe("Full");
    expect(new DryRunWarningError().message).toBe("You have submitted a job in dry-run mode");
    expect(new DryRunWarningError(undefined, "1 files", "2 s").message).toBe(
      "You have submitted a job in dry-run mode. Used resources: storage=1 files, time=2 s",
    );
  });
});

describe("show_error", () => {
  it("fails with a ProcessError carrying the message when nice=true", async () => {
    const c = fresh();
    const err = await showError.handler({ message: "tomorrow-is-another-day", nice: true }, c).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isProcessError(err)).toBe(true);
    expect(clientFailureMessage(err)).toBe("Process error: tomorrow-is-another-day");
    expect(c.progressCalls[0]).toEqual({ percent: 0, message: "PyWPS Process started." });
  });

  it("fails with a plain Error the client only sees as the generic message when nice=false", async () => {
    const err = await showError.handler({ message: "secret detail", nice: false }, fresh()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(isProcessError(err)).toBe(false);
    expect((err as Error).message).toBe("Sorry, we have no explanation for this error.");
    expect(clientFailureMessage(err)).toBe(GENERIC_FAILURE_MESSAGE);
  });
});
