/**
 * The authors' entry point (`@roost/core`) exports what a process author needs and nothing else (issue 12): the
 * internals (codecs, job model, ports) live on `@roost/core/internal`, which still offers everything the SDK does.
 */
import { describe, expect, it } from "vitest";

describe("@roost/core", () => {
  it("exports only the authoring API at run time", async () => {
    const sdk = await import("../src/index.js");
    expect(Object.keys(sdk).sort()).toEqual(["Formats", "Input", "Output", "ProcessError", "defineProcess"]);
  });

  it("shares its classes with the internal entry point (one ProcessError, one defineProcess)", async () => {
    const sdk = await import("../src/index.js");
    const internal = await import("../src/internal.js");
    expect(sdk.ProcessError).toBe(internal.ProcessError);
    expect(sdk.defineProcess).toBe(internal.defineProcess);
    expect(Object.keys(internal)).toEqual(
      expect.arrayContaining(["wps1", "wps2", "ogcapi", "parseXml", "RoostError"]),
    );
  });
});
