/**
 * Shared pieces of the WPS 2.0.0 codec tests: the spec's XML examples (repo copies), a job id, namespace
 * declarations, and assertions on RoostErrors.
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { RoostError, wps2 } from "../src/internal.js";

const EXAMPLES = new URL("../../../test/fixtures/schemas/wps/2.0/xml-examples/", import.meta.url);

/** One of the WPS 2.0 spec's XML examples. */
export const example = (name: string): string => readFileSync(new URL(name, EXAMPLES), "utf8");

/** A well-formed Roost job id. */
export const JOB = "0b5e3f0c-3d7e-4b8e-9a55-2f1d1c0a7e11";

/** Markup, entities, quotes, a CDATA terminator and non-ASCII text. */
export const NASTY = `a<b>&c "d" 'e' ]]> é 😀`;

/** Namespace declarations of the request documents built in the tests. */
export const NS =
  'xmlns:wps="http://www.opengis.net/wps/2.0" xmlns:ows="http://www.opengis.net/ows/2.0" xmlns:xlink="http://www.w3.org/1999/xlink"';

/** The RoostError `f` throws (fails the test when it throws something else or nothing). */
export function refused(f: () => unknown): RoostError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RoostError);
    return e as RoostError;
  }
  throw new Error("expected a RoostError");
}

/** Decode an Execute document around `inner` (inputs and outputs) with the given root attributes. */
export function execute(inner: string, attrs = 'mode="sync" response="document"'): wps2.Wps2ExecuteRequest {
  const r = wps2.decodeXmlRequest(
    `<wps:Execute ${NS} service="WPS" version="2.0.0" ${attrs}><ows:Identifier>p</ows:Identifier>${inner}</wps:Execute>`,
  );
  if (r.operation !== "Execute") throw new Error(`decoded ${r.operation}`);
  return r.execute;
}
