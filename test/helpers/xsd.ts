/**
 * XSD validation of response documents with Debian's xmllint (libxml2-utils), offline (`--nonet`) against the
 * OGC schemas kept in `test/fixtures/schemas`. Under CI=true a missing xmllint fails the calling test.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SCHEMAS = fileURLToPath(new URL("../fixtures/schemas/", import.meta.url));

/** Schemas by name. WPS 1.0.0 uses the local `wpsAll.xsd` as main schema (see SOURCES.md). */
export const XSD = {
  wps1: `${SCHEMAS}wps/1.0.0/wpsAll.xsd`,
  owsException: `${SCHEMAS}ows/1.1.0/owsExceptionReport.xsd`,
  wps2: `${SCHEMAS}wps/2.0/wps.xsd`,
  ows2Exception: `${SCHEMAS}ows/2.0/owsExceptionReport.xsd`,
} as const;

/** True when xmllint is installed. */
export function haveXmllint(): boolean {
  return ["/usr/bin/xmllint", "/bin/xmllint", "/usr/local/bin/xmllint"].some((p) => existsSync(p));
}

/** Validate `doc` against `schema`; resolves with xmllint's complaints (empty when valid). */
export function xsdErrors(doc: string, schema: keyof typeof XSD): Promise<string> {
  if (!haveXmllint()) {
    return Promise.reject(new Error("xmllint is not installed (apt-get install libxml2-utils)"));
  }
  return new Promise((resolve, reject) => {
    const child = execFile(
      "xmllint",
      ["--nonet", "--noout", "--schema", XSD[schema], "-"],
      { env: { ...process.env, XML_CATALOG_FILES: `${SCHEMAS}catalog.xml` }, maxBuffer: 16 * 1024 * 1024 },
      (err, _stdout, stderr) => {
        if (!err) return resolve("");
        if (typeof (err as { code?: unknown }).code === "number")
          return resolve(stderr.trim() || `xmllint exit ${(err as { code: number }).code}`);
        reject(err);
      },
    );
    child.stdin?.end(doc);
  });
}

/** Assert-style helper: throws with xmllint's messages and the document when invalid. */
export async function expectValid(doc: string, schema: keyof typeof XSD): Promise<void> {
  const errors = await xsdErrors(doc, schema);
  if (errors !== "")
    throw new Error(
      `document is not valid against ${schema}:\n${errors}\n--- document ---\n${doc.slice(0, 4000)}`,
    );
}
