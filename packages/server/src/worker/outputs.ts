/**
 * Turning what a handler returned into stored outputs: literal values as they are, complex values as files in the
 * attempt's `out/` directory (text, bytes and JSON are written; files the handler wrote are moved in), bounding
 * boxes as data.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, extname, join, relative, resolve, sep } from "node:path";
import {
  type Format,
  findFormat,
  type JobOutputs,
  type LiteralValue,
  type OutputDefinition,
  type OutputRequest,
  type ProcessDefinition,
  type StoredOutput,
} from "@roost/core/internal";

/** A handler returned something that does not fit its declaration; a bug in the process, logged in full. */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutputError";
  }
}

/** A file name derived from an output identifier (identifiers may contain spaces, dots, slashes). */
export function safeFileName(id: string, ext: string): string {
  const stem = id.replace(/[^A-Za-z0-9_-]/g, "_").replace(/^_+/, "") || "output";
  return `${stem.slice(0, 100)}${ext}`;
}

function isLiteral(v: unknown): v is LiteralValue {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

function chooseFormat(
  def: OutputDefinition & { kind: "complex" },
  req: OutputRequest | undefined,
  mimeType: string | undefined,
): Format {
  if (mimeType !== undefined) {
    return findFormat(def.formats, { mimeType }) ?? { mimeType };
  }
  return (req ? findFormat(def.formats, req) : undefined) ?? def.formats[0]!;
}

function uniqueName(dir: string, name: string, used: Set<string>): string {
  let n = name;
  let i = 1;
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  while (used.has(n) || existsSync(join(dir, n))) n = `${stem}-${i++}${ext}`;
  used.add(n);
  return n;
}

/**
 * Store the handler's return value. `outDir` is created on demand; `workdir` files returned as `{ file }` are moved
 * into it.
 */
export function storeOutputs(
  p: ProcessDefinition,
  returned: Readonly<Record<string, unknown>> | undefined,
  requests: ReadonlyMap<string, OutputRequest>,
  outDir: string,
  warn: (msg: string) => void,
): JobOutputs {
  const out: Record<string, StoredOutput> = {};
  if (returned === undefined || returned === null) return out;
  if (typeof returned !== "object")
    throw new OutputError(
      `handler of '${p.identifier}' returned ${typeof returned}, expected an object of outputs`,
    );
  for (const key of Object.keys(returned)) {
    if (!p.outputMap.has(key))
      warn(`handler of '${p.identifier}' returned unknown output '${key}' (ignored)`);
  }
  const used = new Set<string>();
  const ensureDir = () => mkdirSync(outDir, { recursive: true });
  for (const def of p.outputs) {
    const v = returned[def.identifier];
    if (v === undefined || v === null) continue;
    const where = `output '${def.identifier}' of '${p.identifier}'`;
    if (def.kind === "literal") {
      if (isLiteral(v)) out[def.identifier] = { kind: "literal", value: v };
      else if (typeof v === "object" && isLiteral((v as { value?: unknown }).value)) {
        const { value, uom } = v as { value: LiteralValue; uom?: unknown };
        out[def.identifier] = { kind: "literal", value, ...(typeof uom === "string" ? { uom } : {}) };
      } else throw new OutputError(`${where}: expected a string, number, boolean or { value, uom }`);
      continue;
    }
    if (def.kind === "bbox") {
      const b = v as { lowerCorner?: unknown; upperCorner?: unknown; crs?: unknown };
      if (!Array.isArray(b.lowerCorner) || !Array.isArray(b.upperCorner))
        throw new OutputError(`${where}: expected a BoundingBox`);
      out[def.identifier] = {
        kind: "bbox",
        value: {
          ...(typeof b.crs === "string" ? { crs: b.crs } : {}),
          dimensions: b.lowerCorner.length,
          lowerCorner: b.lowerCorner.map(Number),
          upperCorner: b.upperCorner.map(Number),
        },
      };
      continue;
    }
    // complex
    const req = requests.get(def.identifier);
    const obj =
      typeof v === "object" && !(v instanceof Uint8Array) ? (v as Record<string, unknown>) : undefined;
    const mimeType = typeof obj?.mimeType === "string" ? obj.mimeType : undefined;
    const encoding = typeof obj?.encoding === "string" ? obj.encoding : undefined;
    const format = chooseFormat(def, req, mimeType);
    const ext = format.extension ?? "";
    const meta = {
      mimeType: format.mimeType,
      ...((encoding ?? format.encoding) ? { encoding: (encoding ?? format.encoding) as string } : {}),
      ...(format.schema ? { schema: format.schema } : {}),
    };
    if (obj && typeof obj.href === "string") {
      out[def.identifier] = { kind: "href", href: obj.href, mimeType: format.mimeType };
      continue;
    }
    let data: string | Uint8Array | undefined;
    if (typeof v === "string") data = v;
    else if (v instanceof Uint8Array) data = v;
    else if (obj && typeof obj.text === "string") data = obj.text;
    else if (obj && obj.bytes instanceof Uint8Array) data = obj.bytes;
    else if (obj && "json" in obj) data = JSON.stringify(obj.json);
    if (data !== undefined) {
      ensureDir();
      const name = uniqueName(outDir, safeFileName(def.identifier, ext), used);
      writeFileSync(join(outDir, name), data);
      out[def.identifier] = { kind: "file", file: name, size: statSync(join(outDir, name)).size, ...meta };
      continue;
    }
    if (obj && typeof obj.file === "string") {
      const src = resolve(obj.file);
      const st = statSync(src, { throwIfNoEntry: false });
      if (!st?.isFile()) throw new OutputError(`${where}: file ${obj.file} does not exist`);
      ensureDir();
      const rel = relative(resolve(outDir), src);
      let name: string;
      if (!rel.startsWith("..") && !rel.startsWith(sep) && rel !== "") {
        name = rel.split(sep).join("/");
        used.add(name);
      } else {
        name = uniqueName(outDir, basename(src) || safeFileName(def.identifier, ext), used);
        try {
          renameSync(src, join(outDir, name));
        } catch {
          // Different filesystem (EXDEV): copy, then remove the original.
          copyFileSync(src, join(outDir, name));
          try {
            unlinkSync(src);
          } catch {
            // leaving the source behind is harmless
          }
        }
      }
      out[def.identifier] = { kind: "file", file: name, size: st.size, ...meta };
      continue;
    }
    throw new OutputError(
      `${where}: expected a string, bytes, { text }, { bytes }, { json }, { file } or { href }`,
    );
  }
  return out;
}
