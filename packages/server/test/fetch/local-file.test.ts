/**
 * `file://` references: off by default; when enabled, only files whose real path lies under an allowed root (with
 * a separator: `/data` does not allow `/data-private`), no symlink escapes, no directories or special files, and
 * the same byte cap as downloads.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { RawReference } from "@roost/core/internal";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkReference, fetchReference } from "../../src/fetch/index.js";
import { failure, policy, tempDir } from "./helpers.js";

let tmp: { dir: string; cleanup: () => void };
let data: string;
let dest: string;

beforeEach(() => {
  tmp = tempDir("roost-file-");
  data = join(tmp.dir, "data");
  mkdirSync(join(data, "sub"), { recursive: true });
  mkdirSync(join(tmp.dir, "data-private"));
  mkdirSync(join(tmp.dir, "out"));
  writeFileSync(join(data, "a.txt"), "inside");
  writeFileSync(join(data, "sub", "b.txt"), "nested");
  writeFileSync(join(tmp.dir, "data-private", "secret.txt"), "SECRET");
  writeFileSync(join(tmp.dir, "outside.txt"), "OUTSIDE");
  dest = join(tmp.dir, "out", "input.bin");
});

afterEach(() => tmp.cleanup());

const url = (p: string) => pathToFileURL(p).href;
const ref = (href: string): RawReference => ({ kind: "reference", href });
const files = () => policy({ allowedHosts: [], allowedPaths: [data] });

describe("file:// references", () => {
  it("are refused when allowedPaths is empty", async () => {
    const e = await failure(
      fetchReference(ref(url(join(data, "a.txt"))), policy(), dest, { locator: "in1" }),
    );
    expect(e.code).toBe("InvalidParameter");
    expect(e.message).toMatch(/file:\/\/ references are not enabled/);
    expect(existsSync(dest)).toBe(false);
  });

  it("copy a file inside an allowed root, with the exact bytes and no content type", async () => {
    expect(await fetchReference(ref(url(join(data, "a.txt"))), files(), dest, { locator: "in1" })).toEqual({
      size: 6,
    });
    expect(readFileSync(dest, "utf8")).toBe("inside");
    await fetchReference(ref(url(join(data, "sub", "b.txt"))), files(), dest, { locator: "in1" });
    expect(readFileSync(dest, "utf8")).toBe("nested");
    await expect(checkReference(url(join(data, "a.txt")), files(), "in1")).resolves.toBeUndefined();
    // The `localhost` host form is the same file.
    await expect(
      checkReference(`file://localhost${join(data, "a.txt")}`, files(), "in1"),
    ).resolves.toBeUndefined();
  });

  it("refuse files outside the roots, including the /data vs /data-private prefix trap", async () => {
    for (const p of [
      join(tmp.dir, "outside.txt"),
      join(tmp.dir, "data-private", "secret.txt"),
      "/etc/passwd",
    ]) {
      const e = await failure(fetchReference(ref(url(p)), files(), dest, { locator: "in1" }));
      expect(e.code).toBe("InvalidParameter");
      expect(e.message).toMatch(/not inside a directory this server allows/);
      const c = await failure(checkReference(url(p), files(), "in1"));
      expect(c.code).toBe("InvalidParameter");
    }
    expect(existsSync(dest)).toBe(false);
  });

  it("refuse ../ traversal and percent-encoded separators", async () => {
    const dotdot = `file://${data}/../outside.txt`;
    expect((await failure(fetchReference(ref(dotdot), files(), dest, { locator: "in1" }))).code).toBe(
      "InvalidParameter",
    );
    const encoded = `file://${data}/..%2Foutside.txt`;
    expect((await failure(fetchReference(ref(encoded), files(), dest, { locator: "in1" }))).code).toBe(
      "InvalidParameter",
    );
  });

  it("refuse the same root given with a trailing separator just as strictly", async () => {
    const p = policy({ allowedPaths: [`${data}/`] });
    const e = await failure(
      fetchReference(ref(url(join(tmp.dir, "data-private", "secret.txt"))), p, dest, { locator: "i" }),
    );
    expect(e.code).toBe("InvalidParameter");
    await fetchReference(ref(url(join(data, "a.txt"))), p, dest, { locator: "i" });
    expect(readFileSync(dest, "utf8")).toBe("inside");
  });

  it("refuse a symlink inside a root that points outside, and follow one that stays inside", async () => {
    symlinkSync(join(tmp.dir, "outside.txt"), join(data, "escape.txt"));
    symlinkSync(join(tmp.dir, "data-private"), join(data, "escape-dir"));
    symlinkSync(join(data, "a.txt"), join(data, "alias.txt"));
    for (const p of [join(data, "escape.txt"), join(data, "escape-dir", "secret.txt")]) {
      const e = await failure(fetchReference(ref(url(p)), files(), dest, { locator: "in1" }));
      expect(e.code).toBe("InvalidParameter");
      expect(e.message).toMatch(/not inside/);
    }
    expect(existsSync(dest)).toBe(false);
    await fetchReference(ref(url(join(data, "alias.txt"))), files(), dest, { locator: "in1" });
    expect(readFileSync(dest, "utf8")).toBe("inside");
  });

  it("accept a root that is itself a symlink (roots are realpath'd too)", async () => {
    const link = join(tmp.dir, "data-link");
    symlinkSync(data, link);
    const p = policy({ allowedPaths: [link] });
    await fetchReference(ref(url(join(link, "a.txt"))), p, dest, { locator: "i" });
    expect(readFileSync(dest, "utf8")).toBe("inside");
    await fetchReference(ref(url(join(data, "sub", "b.txt"))), p, dest, { locator: "i" });
    expect(readFileSync(dest, "utf8")).toBe("nested");
  });

  it("refuse directories and special files", async () => {
    const d = await failure(fetchReference(ref(url(join(data, "sub"))), files(), dest, { locator: "in1" }));
    expect(d.code).toBe("InvalidParameter");
    expect(d.message).toMatch(/directory/);
    const fifo = join(data, "pipe");
    try {
      execFileSync("mkfifo", [fifo]);
    } catch {
      return; // no mkfifo here
    }
    const t0 = Date.now();
    const f = await failure(fetchReference(ref(url(fifo)), files(), dest, { locator: "in1" }));
    expect(f.code).toBe("InvalidParameter");
    expect(f.message).toMatch(/not name a regular file/);
    expect(Date.now() - t0).toBeLessThan(1000); // opening the FIFO did not wait for a writer
  });

  it("report a missing file inside a root as DataNotAccessible", async () => {
    const e = await failure(
      fetchReference(ref(url(join(data, "nope.txt"))), files(), dest, { locator: "in1" }),
    );
    expect(e.code).toBe("DataNotAccessible");
    expect(e.message).toMatch(/does not exist/);
    expect((await failure(checkReference(url(join(data, "nope.txt")), files(), "in1"))).code).toBe(
      "DataNotAccessible",
    );
  });

  it("refuse a file:// URL naming another host", async () => {
    const e = await failure(
      fetchReference(ref(`file://fileserver${join(data, "a.txt")}`), files(), dest, { locator: "i" }),
    );
    expect(e.code).toBe("InvalidParameter");
    expect(e.message).toMatch(/must not name a host/);
  });

  it("apply the byte cap and leave no partial file", async () => {
    writeFileSync(join(data, "big.bin"), Buffer.alloc(5000));
    const p = policy({ allowedPaths: [data], maxBytes: 1000 });
    const e = await failure(fetchReference(ref(url(join(data, "big.bin"))), p, dest, { locator: "in1" }));
    expect(e.code).toBe("FileSizeExceeded");
    expect(existsSync(dest)).toBe(false);
    expect((await failure(checkReference(url(join(data, "big.bin")), p, "in1"))).code).toBe(
      "FileSizeExceeded",
    );
  });

  it("can serve as a POST body reference when file:// is enabled, with the body cap", async () => {
    // Port 1 is never contacted: the too-large body fails first. With a refused data server the body is not read.
    writeFileSync(join(data, "body.xml"), Buffer.alloc(2 * 1024 * 1024));
    const bodyReference = url(join(data, "body.xml"));
    const p = policy({ allowedHosts: ["127.0.0.1"], allowedPaths: [data] });
    const big: RawReference = {
      kind: "reference",
      href: "http://127.0.0.1:1/",
      method: "POST",
      bodyReference,
    };
    const e = await failure(fetchReference(big, p, dest, { locator: "in1" }));
    expect(e.code).toBe("FileSizeExceeded");
    expect(e.message).toMatch(/body\.xml is larger than the limit of 1 MiB/);
    const refusedRef: RawReference = { ...big, href: "http://10.0.0.1/" };
    expect((await failure(fetchReference(refusedRef, p, dest, { locator: "in1" }))).code).toBe(
      "InvalidParameter",
    );
  });
});
