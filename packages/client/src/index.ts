/**
 * @roost/client — a client for Node of WPS 1.0.0, WPS 2.0.0 and OGC API – Processes servers: connect (the protocol
 * detected or pinned), list and describe processes, execute sync or async, follow, list and dismiss jobs, download
 * outputs. Pure JavaScript (no native modules). The `roost` command-line client lives in `./cli`.
 */
export * from "./cache.js";
export * from "./client.js";
export { ClientBase, mapLimit } from "./client-base.js";
export * from "./env.js";
export * from "./errors.js";
export * from "./execute-request.js";
export type {
  BboxArrayValue,
  DataValue,
  FileValue,
  FormatChoice,
  HrefValue,
  InputValue,
  InputValues,
  OutputChoice,
  PreparedInput,
  PreparedValue,
} from "./execute-values.js";
export * from "./history.js";
export * from "./http.js";
export { prepareInputs, prepareOutputs } from "./inputs.js";
export * from "./job.js";
export * from "./mime.js";
export { descriptionFromOgc, inputFromOgc, outputFromOgc } from "./ogcapi-describe.js";
export {
  codeOfType,
  exceptionsFromProblem,
  outputsFromResults,
  statusFromOgc,
} from "./ogcapi-documents.js";
export { encodeOgcExecute, type OgcExecuteBody } from "./ogcapi-execute.js";
export * from "./suggest.js";
export * from "./value-urls.js";
