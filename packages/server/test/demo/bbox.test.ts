/**
 * `bbox`: an echo that keeps the coordinates' order and the CRS (Emu's is broken, its test xfail).
 */
import { isProcessError } from "@roost/core/internal";
import { afterEach, describe, expect, it } from "vitest";
import bbox from "../../src/demo/bbox.js";
import { createProcessContext, type TestProcessContext } from "../helpers/process-context.js";

let ctx: TestProcessContext;
afterEach(() => ctx?.cleanup());

describe("bbox", () => {
  it("echoes Emu's test box 101,42,110,46 in EPSG:4326", async () => {
    ctx = createProcessContext();
    const out = await bbox.handler(
      { bbox: { crs: "epsg:4326", dimensions: 2, lowerCorner: [101, 42], upperCorner: [110, 46] } },
      ctx,
    );
    expect(out).toEqual({
      bbox: { crs: "epsg:4326", dimensions: 2, lowerCorner: [101, 42], upperCorner: [110, 46] },
    });
  });

  it("keeps another supported CRS as given, with the axis order unchanged", async () => {
    ctx = createProcessContext();
    const input = {
      crs: "urn:ogc:def:crs:EPSG::3035",
      dimensions: 2,
      lowerCorner: [2_800_000, 4_300_000],
      upperCorner: [3_100_000, 4_700_000],
    };
    expect(await bbox.handler({ bbox: input }, ctx)).toEqual({ bbox: input });
  });

  it("puts a box given without CRS in the default CRS, epsg:4326", async () => {
    ctx = createProcessContext();
    const out = await bbox.handler(
      { bbox: { dimensions: 2, lowerCorner: [1, 2], upperCorner: [3, 4] } },
      ctx,
    );
    expect(out).toEqual({
      bbox: { crs: "epsg:4326", dimensions: 2, lowerCorner: [1, 2], upperCorner: [3, 4] },
    });
  });

  it("fails with a ProcessError explaining what to pass when no box is given", async () => {
    ctx = createProcessContext();
    const err = await bbox.handler({ bbox: undefined }, ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isProcessError(err)).toBe(true);
    expect((err as Error).message).toMatch(/No bounding box given/);
  });
});
