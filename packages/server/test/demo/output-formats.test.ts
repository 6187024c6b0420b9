/**
 * `output_formats`: the requested MIME type decides between the plain file and its ZIP; the bundled data are
 * valid files of their formats.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { crc32 } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { DUMMY_JSON, DUMMY_NETCDF } from "../../src/demo/dummy-data.js";
import outputFormats from "../../src/demo/output-formats.js";
import { zipStore } from "../../src/demo/zip.js";
import { createProcessContext, type TestProcessContext } from "../helpers/process-context.js";

let ctx: TestProcessContext;
afterEach(() => ctx?.cleanup());

/** Members of a stored-only ZIP, read through its central directory. */
function unzipStored(zip: Buffer): { name: string; data: Buffer }[] {
  const eocd = zip.length - 22;
  expect(zip.readUInt32LE(eocd)).toBe(0x06054b50);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const members: { name: string; data: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    const local = zip.readUInt32LE(at + 42);
    expect(zip.readUInt32LE(local)).toBe(0x04034b50);
    expect(zip.readUInt16LE(local + 8)).toBe(0); // stored
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    expect(crc32(data)).toBe(crc);
    members.push({ name, data });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return members;
}

type FileOut = { file: string; mimeType: string };

describe("output_formats", () => {
  it("returns dummy.nc and dummy.json in their first formats by default", async () => {
    ctx = createProcessContext();
    const out = (await outputFormats.handler({}, ctx)) as { netcdf: FileOut; json: FileOut };
    expect(out.netcdf.mimeType).toBe("application/x-netcdf");
    expect(basename(out.netcdf.file)).toBe("dummy.nc");
    expect(readFileSync(out.netcdf.file).equals(DUMMY_NETCDF)).toBe(true);
    expect(out.json.mimeType).toBe("application/json");
    expect(basename(out.json.file)).toBe("dummy.json");
    expect(JSON.parse(readFileSync(out.json.file, "utf8"))).toEqual({ testing: [1, 2] });
  });

  it("returns ZIP archives when the client asks for application/zip", async () => {
    ctx = createProcessContext({
      outputRequests: { netcdf: { mimeType: "application/zip" }, json: { mimeType: "Application/ZIP" } },
    });
    const out = (await outputFormats.handler({}, ctx)) as { netcdf: FileOut; json: FileOut };
    expect(out.netcdf.mimeType).toBe("application/zip");
    expect(basename(out.netcdf.file)).toBe("dummy_nc.zip");
    expect(unzipStored(readFileSync(out.netcdf.file))).toEqual([{ name: "dummy.nc", data: DUMMY_NETCDF }]);
    expect(out.json.mimeType).toBe("application/zip");
    expect(basename(out.json.file)).toBe("dummy_json.zip");
    expect(unzipStored(readFileSync(out.json.file))).toEqual([
      { name: "dummy.json", data: Buffer.from(DUMMY_JSON) },
    ]);
  });

  it("returns the JSON as text/plain when asked for text", async () => {
    ctx = createProcessContext({ outputRequests: { json: { mimeType: "text/plain" } } });
    const out = (await outputFormats.handler({}, ctx)) as { netcdf: FileOut; json: FileOut };
    expect(out.json.mimeType).toBe("text/plain");
    expect(readFileSync(out.json.file, "utf8")).toBe(DUMMY_JSON);
    // Only the json output was asked for differently.
    expect(out.netcdf.mimeType).toBe("application/x-netcdf");
  });
});

describe("the bundled dummy data", () => {
  it("is Emu's dummy.json", () => {
    expect(DUMMY_JSON).toBe('{\n  "testing": [\n    1,\n    2\n  ]\n}\n');
  });

  it("is a netCDF classic file: one record of time = 42 and the title 'Test dataset'", () => {
    const nc = DUMMY_NETCDF;
    expect(nc.subarray(0, 4).toString("latin1")).toBe("CDF\x01");
    expect(nc.readInt32BE(4)).toBe(1); // one record
    expect(nc.includes(Buffer.from("Test dataset"))).toBe(true);
    // The variable's `begin` offset (the last header field) points at its data: the double 42.
    const begin = nc.readInt32BE(nc.length - 12);
    expect(begin).toBe(nc.length - 8);
    expect(nc.readDoubleBE(begin)).toBe(42);
    expect(nc.length).toBeLessThan(200);
  });

  it("zips several members with correct offsets", () => {
    const a = Buffer.from("first");
    const b = Buffer.from("second member");
    const zip = zipStore(
      [
        { name: "a.txt", data: a },
        { name: "dir/b.txt", data: b },
      ],
      new Date(Date.UTC(2024, 0, 2, 3, 4, 6)),
    );
    expect(unzipStored(zip)).toEqual([
      { name: "a.txt", data: a },
      { name: "dir/b.txt", data: b },
    ]);
  });
});
