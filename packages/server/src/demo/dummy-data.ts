/**
 * The small files `output_formats` returns. Emu ships them in `src/emu/data/`; here they are generated so the
 * handler needs nothing but Node: a netCDF classic file with the same content as Emu's `dummy.nc` (a netCDF-4
 * file), Emu's `dummy.json`, and ZIP archives of each.
 */
import { zipStore } from "./zip.js";

/** Emu's `dummy.json`, byte for byte. */
export const DUMMY_JSON = `${JSON.stringify({ testing: [1, 2] }, null, 2)}\n`;

// netCDF classic format (CDF-1) tags; see the "NetCDF Classic Format Specification".
const NC_DIMENSION = 0x0a;
const NC_VARIABLE = 0x0b;
const NC_ATTRIBUTE = 0x0c;
const NC_CHAR = 2;
const NC_DOUBLE = 6;

/** Big-endian 32-bit integer. */
function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** Bytes padded with zeros to a multiple of 4, as every name and attribute value in the header is. */
function padded(bytes: Buffer): Buffer {
  return Buffer.concat([bytes, Buffer.alloc((4 - (bytes.length % 4)) % 4)]);
}

/** A header name: its length, then its UTF-8 bytes padded. */
function name(s: string): Buffer {
  const b = Buffer.from(s, "utf8");
  return Buffer.concat([int32(b.length), padded(b)]);
}

/**
 * The content of Emu's `dummy.nc`, in the netCDF classic format (which any netCDF reader opens without HDF5):
 *
 * ```
 * netcdf dummy {
 * dimensions:
 *   time = UNLIMITED ; // (1 currently)
 * variables:
 *   double time(time) ;
 * // global attributes:
 *   :title = "Test dataset" ;
 * data:
 *   time = 42 ;
 * }
 * ```
 */
function buildDummyNetcdf(): Buffer {
  const title = Buffer.from("Test dataset", "utf8");
  const beforeOffset = Buffer.concat([
    Buffer.from("CDF\x01", "latin1"), // magic, version 1 (32-bit offsets)
    int32(1), // number of records
    int32(NC_DIMENSION),
    int32(1),
    name("time"),
    int32(0), // length 0: the record (unlimited) dimension
    int32(NC_ATTRIBUTE),
    int32(1),
    name("title"),
    int32(NC_CHAR),
    int32(title.length),
    padded(title),
    int32(NC_VARIABLE),
    int32(1),
    name("time"),
    int32(1), // one dimension...
    int32(0), // ...the dimension with id 0
    int32(0), // no variable attributes (ABSENT is two zeros)
    int32(0),
    int32(NC_DOUBLE),
    int32(8), // vsize: bytes of one record of this variable
  ]);
  // The data start right after the header, i.e. after the 4-byte `begin` offset itself.
  const begin = beforeOffset.length + 4;
  const value = Buffer.alloc(8);
  value.writeDoubleBE(42);
  return Buffer.concat([beforeOffset, int32(begin), value]);
}

/** A tiny netCDF classic file (see {@link buildDummyNetcdf} for its content). */
export const DUMMY_NETCDF: Buffer = buildDummyNetcdf();

// Emu's archives date from 2020-10-13 14:21; a fixed time keeps the generated archives identical across runs.
const ZIP_TIME = new Date(Date.UTC(2020, 9, 13, 14, 21, 0));

/** `dummy_nc.zip`: the netCDF file as `dummy.nc`. */
export function dummyNetcdfZip(): Buffer {
  return zipStore([{ name: "dummy.nc", data: DUMMY_NETCDF }], ZIP_TIME);
}

/** `dummy_json.zip`: the JSON file as `dummy.json`. */
export function dummyJsonZip(): Buffer {
  return zipStore([{ name: "dummy.json", data: Buffer.from(DUMMY_JSON, "utf8") }], ZIP_TIME);
}
