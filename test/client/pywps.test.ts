/**
 * The `roost` CLI against PyWPS 4.5.2 (Debian `python3-pywps` under gunicorn, the app in `bench/pywps/`): the client
 * must work with any WPS 1.0.0 server, including PyWPS's quirks (status documents rewritten in place, `locator="None"`,
 * percentages on ProcessAccepted, descriptions without outputs). Skipped without PyWPS outside CI; fails under CI.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireService } from "../helpers/services.js";
import {
  type CliHome,
  cliHome,
  json,
  pywpsAvailable,
  requireBuiltCli,
  runCli,
  type ServiceProcess,
  serveFiles,
  startPyWps,
} from "./helpers.js";

const available = requireService(
  "PyWPS 4.5 with gunicorn",
  pywpsAvailable(),
  "apt-get install python3-pywps gunicorn; the app is bench/pywps",
);

const TEXT =
  "Alice was beginning to get very tired of sitting by her sister on the bank.\nAlice was tired.\n";

describe.skipIf(!available)("roost CLI against PyWPS", { timeout: 60_000 }, () => {
  let pywps: ServiceProcess;
  let home: CliHome;
  let files: { base: string; server: Server };
  const cli = (args: string[], o: Parameters<typeof runCli>[1] = {}) => runCli(args, { env: home.env, ...o });

  beforeAll(async () => {
    requireBuiltCli();
    pywps = await startPyWps();
    home = cliHome(pywps.url);
    files = await serveFiles({ "/alice.txt": TEXT });
    writeFileSync(join(home.dir, "alice.txt"), TEXT);
  }, 60_000);

  afterAll(async () => {
    files?.server.close();
    await pywps?.stop();
    home?.cleanup();
  });

  it("lists and describes PyWPS's processes", async () => {
    const r = await cli(["processes"]);
    expect(r.code).toBe(0);
    for (const id of ["hello", "sleep", "inout", "wordcounter", "show_error"])
      expect(r.stdout).toMatch(new RegExp(`^${id}\\s+.+\\s+async, sync$`, "m"));
    const d = await cli(["describe", "show_error"]);
    expect(d.code).toBe(0);
    expect(d.stdout).toMatch(/Outputs:\n {2}\(none\)/);
    expect(d.stdout).toMatch(/nice {2}Be nice.*\n\s+boolean\n\s+default: True/);
  });

  it("runs hello synchronously and asynchronously", async () => {
    const a = await cli(["run", "hello", "--name", "Birdy"]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe("output: Hello Birdy\n");
    expect(a.stderr).toMatch(/hello succeeded \(job [0-9a-f-]{36}\)/);
    const s = await cli(["run", "hello", "--name", "Birdy", "--sync", "--json"]);
    expect(s.code).toBe(0);
    expect(json(s)).toMatchObject({
      mode: "sync",
      jobId: null,
      status: "succeeded",
      outputs: { output: { value: "Hello Birdy" } },
    });
  });

  it("follows sleep asynchronously with PyWPS's progress messages", async () => {
    const r = await cli(["run", "sleep", "--delay", "0.5"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("sleep_output: done sleeping\n");
    expect(r.stderr).toMatch(/^\[ (20|40|60|80)%\] PyWPS Process started\. Waiting\.\.\.$/m);
    expect(r.stderr).not.toMatch(/[\r\u001b]/);
  });

  it("sends repeated floats and falsy values to inout", async () => {
    const r = await cli([
      "run",
      "inout",
      "--float",
      "1.5",
      "--float",
      "0",
      "--float",
      "2",
      "--boolean",
      "false",
      "--angle",
      "0",
      "--string_multiple_choice",
      "sitting duck",
      "--string_multiple_choice",
      "happy pinguin",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const out = json(r).outputs;
    expect(Number(out.float?.value)).toBe(3.5);
    expect(String(out.boolean?.value).toLowerCase()).toBe("false");
    expect(Number(out.angle?.value)).toBe(0);
    expect(out.string_multiple_choice?.value).toBe("sitting duck, happy pinguin");
    const bad = await cli(["run", "inout", "--int", "4"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("int: '4' is not one of the allowed values: 1, 2, 3, 5, 7, 11");
  });

  it("counts words of an embedded local file and of a URL, downloading the JSON", async () => {
    const dir = join(home.dir, "local");
    const local = await cli([
      "run",
      "wordcounter",
      "--text",
      join(home.dir, "alice.txt"),
      "--output-dir",
      dir,
    ]);
    expect(local.code).toBe(0);
    const file = local.stdout.match(/^output: (\S+) \(application\/json\)/m)?.[1];
    const counts = JSON.parse(readFileSync(file!, "utf8")) as [number, string][];
    expect(counts).toContainEqual([2, "Alice"]);
    expect(counts).toContainEqual([2, "tired"]);
    const remote = await cli(["run", "wordcounter", "--text", `${files.base}/alice.txt`, "--json"]);
    expect(remote.code).toBe(0);
    const href = String(json(remote).outputs.output?.href);
    expect(href).toMatch(new RegExp(`^${pywps.url.replace(/\/wps$/, "")}/outputs/`));
  });

  it("exits 1 with PyWPS's error message when show_error fails", async () => {
    const r = await cli(["run", "show_error"]);
    expect(r.code).toBe(1);
    // PyWPS's `locator="None"` means no locator.
    expect(r.stderr).toMatch(
      /roost: process 'show_error' failed \(job [0-9a-f-]+\):\n {2}NoApplicableCode: Process error: This process failed intentionally\./,
    );
    const rude = await cli(["run", "show_error", "--nice", "false", "--json"]);
    expect(rude.code).toBe(1);
    expect(json(rude).error).toEqual({
      code: "NoApplicableCode",
      locator: null,
      text: "Process failed, please check server error log",
    });
  });

  it("follows a PyWPS job by its status URL", async () => {
    const d = await cli(["run", "sleep", "--delay", "0.2", "--detach"]);
    expect(d.code).toBe(0);
    const [id, url] = d.stdout.trim().split("\t");
    const w = await cli(["status", url!, "--wait", "--json"]);
    expect(w.code).toBe(0);
    expect(json(w)).toMatchObject({
      jobId: id,
      status: "succeeded",
      outputs: { sleep_output: { value: "done sleeping" } },
    });
    // The history knows the URL, so the bare id works for PyWPS too.
    const byId = await cli(["status", id!]);
    expect(byId.stdout).toBe("sleep_output: done sleeping\n");
    // PyWPS offers no way to dismiss a job: a usage error (2) that says so, not a failed request.
    const cancel = await cli(["jobs", "cancel", id!]);
    expect(cancel.code).toBe(2);
    expect(cancel.stderr).toContain("it cannot dismiss jobs");
  });
});
