/**
 * The example processes in `examples/processes/` (the README's authoring guide points at them): each one run with
 * `runProcess`, the test helper authors use, and all of them served from `examples/processes/roost.toml` and
 * executed over WPS 1.0.0. Expected values are worked out by hand from `data/dem.asc` (see the comments).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { wps1 } from "@roost/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRegistry } from "../../packages/server/src/registry/registry.js";
import { RunProcessError, runProcess } from "../../packages/server/src/testing/index.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const EXAMPLES = fileURLToPath(new URL("../../examples/processes/", import.meta.url));
const DEM = `${EXAMPLES}data/dem.asc`;

async function load() {
  const registry = await loadRegistry({
    demo: false,
    modules: [`${EXAMPLES}flood.ts`, `${EXAMPLES}greet.mjs`, `${EXAMPLES}commonjs/stats.js`],
  });
  return { flood: registry.get("flood")!, greet: registry.get("greet")!, stats: registry.get("stats")! };
}

describe("example processes with runProcess", () => {
  let p: Awaited<ReturnType<typeof load>>;
  beforeAll(async () => {
    p = await load();
  });

  it("flood: 13 cells of data/dem.asc lie below 2 m (row 10: 5, row 9: 4, row 8: 3, row 7: 1), 0.13 km²", async () => {
    const run = await runProcess(p.flood, { dem: { file: DEM } }); // level: its default, 2
    try {
      expect(run.value("km2")).toBeCloseTo(0.13, 12);
      const extent = run.file("extent");
      expect(extent.mimeType).toBe("application/geo+json");
      expect(extent.url).toBe(`http://localhost:5000/outputs/${run.jobId}/extent.geojson`);
      const fc = (await extent.json()) as {
        features: { properties: { level: number }; geometry: { coordinates: number[][][][] } }[];
      };
      expect(fc.features[0]!.properties.level).toBe(2);
      const polygons = fc.features[0]!.geometry.coordinates;
      expect(polygons).toHaveLength(13);
      // The south-east cell (elevation 0.5) spans x 441100–441200, y 4990000–4990100.
      expect(polygons).toContainEqual([
        [
          [441100, 4990000],
          [441200, 4990000],
          [441200, 4990100],
          [441100, 4990100],
          [441100, 4990000],
        ],
      ]);
      expect(run.progress[0]).toEqual({ percent: 10, message: "reading the elevation model" });
      expect(run.progress.at(-1)!.message).toBe("row 10 of 10");
      expect(run.logs).toContainEqual(
        expect.objectContaining({ level: "info", msg: "computed", _level: 2, cells: 13, km2: 0.13 }),
      );
    } finally {
      run.cleanup();
    }
  });

  it("flood: a bounding box limits the cells (the south-east 300 × 100 m: 3 cells below 2 m)", async () => {
    const run = await runProcess(p.flood, {
      level: 2,
      dem: { file: DEM },
      area: { crs: "EPSG:32631", lowerCorner: [440900, 4990000], upperCorner: [441200, 4990100] },
    });
    expect(run.value("km2")).toBeCloseTo(0.03, 12);
    run.cleanup();
  });

  it("flood: the server's checks apply (range, format, required input) and list every problem", async () => {
    const e = await runProcess(p.flood, { level: 60 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RunProcessError);
    expect((e as RunProcessError).kind).toBe("inputs");
    expect((e as RunProcessError).message).toMatch(
      /Input 'level' is not one of the allowed values: \[0, 50\]/,
    );
    expect((e as RunProcessError).message).toMatch(/Input 'dem' is required/);
    await expect(runProcess(p.flood, { dem: { text: "x", mimeType: "image/png" } })).rejects.toThrow(
      /format image\/png is not supported; supported: application\/arcgrid/,
    );
  });

  it("flood: a ProcessError reaches the client's text; the run is kind 'process'", async () => {
    const e = (await runProcess(p.flood, { dem: { text: "   " } }).catch(
      (x: unknown) => x,
    )) as RunProcessError;
    expect(e.kind).toBe("process");
    expect(e.clientMessage).toBe("Process error: the elevation model is empty");
    const bad = (await runProcess(p.flood, {
      dem: { text: "ncols 2\nnrows 1\nxllcorner 0\nyllcorner 0\n1 2\n" },
    }).catch((x: unknown) => x)) as RunProcessError;
    expect(bad.clientMessage).toBe("Process error: the elevation model has no valid 'cellsize'");
  });

  it("flood: aborting the run stops the handler at its next sleep (kind 'cancelled')", async () => {
    const controller = new AbortController();
    controller.abort("dismissed");
    const e = (await runProcess(p.flood, { dem: { file: DEM } }, { signal: controller.signal }).catch(
      (x: unknown) => x,
    )) as RunProcessError;
    expect(e.kind).toBe("cancelled");
    expect(e.clientMessage).toBe("Job dismissed");
  });

  it("greet (plain .mjs): defaults, booleans and ranges", async () => {
    const run = await runProcess(p.greet, { name: "Ada", times: 2, shout: true });
    expect(run.value("greeting")).toBe("HELLO ADA! HELLO ADA!");
    run.cleanup();
    const quiet = await runProcess(p.greet, { name: "Ada", shout: "False" });
    expect(quiet.value("greeting")).toBe("Hello Ada!");
    quiet.cleanup();
    await expect(runProcess(p.greet, { name: "Ada", times: 6 })).rejects.toThrow(/\[1, 5\]/);
  });

  it("stats (CommonJS): repeated values arrive as an array; too few is the author's ProcessError", async () => {
    const run = await runProcess(p.stats, { values: [1, 2.5, -3] });
    expect([run.value("mean"), run.value("min"), run.value("max")]).toEqual([0.5 / 3, -3, 2.5]);
    expect(run.logs).toContainEqual(expect.objectContaining({ msg: "summarising", count: 3 }));
    run.cleanup();
    await expect(runProcess(p.stats, { values: 1 })).rejects.toThrow(
      "Process error: give at least two values",
    );
  });
});

describe("example processes served from examples/processes/roost.toml", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ "processes.demo": false }, { configFile: `${EXAMPLES}roost.toml` });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists the three examples and runs flood with the elevation file inline", async () => {
    const caps = await (await fetch(`${t.base}/wps?service=WPS&request=GetCapabilities`)).text();
    expect(wps1.decodeCapabilities(caps).processes.map((p) => p.identifier)).toEqual([
      "flood",
      "greet",
      "stats",
    ]);
    const dem = readFileSync(DEM, "utf8");
    const body = wps1.encodeExecuteRequest({
      processId: "flood",
      store: false,
      status: false,
      inputs: [
        { id: "level", value: { kind: "literal", value: "3" } },
        { id: "dem", value: { kind: "complex", data: dem, mimeType: "application/arcgrid" } },
      ],
      outputs: [{ id: "km2" }],
    });
    const res = await fetch(`${t.base}/wps`, {
      method: "POST",
      body,
      headers: { "content-type": "text/xml" },
    });
    const doc = wps1.decodeExecuteResponse(await res.text());
    expect(doc.status.kind).toBe("succeeded");
    // 33 cells lie below 3 m: 8 + 7 + 6 + 5 + 4 + 2 + 1 per row from the south.
    expect(doc.outputs.map((o) => [o.identifier, o.value])).toEqual([
      ["km2", expect.objectContaining({ kind: "literal", value: "0.33" })],
    ]);
  });
});
