/**
 * `@roost/core/internal` — the protocol-neutral model the server and the client share: I/O definitions and
 * validation, the job lifecycle and its ports, the error catalogue, the protocol codecs (WPS 1.0.0 and 2.0.0, OGC API
 * – Processes, XML and JSON). Process authors do not need it: `@roost/core` is their entry point. No HTTP, no
 * database, no filesystem.
 */
export * from "./errors/catalogue.js";
export * from "./io/bbox.js";
export * from "./io/builders.js";
export * from "./io/formats.js";
export { interpretInputs } from "./io/interpret.js";
export * from "./io/literal.js";
export * from "./io/raw-input.js";
export * from "./io/types.js";
export * from "./io/validate.js";
export * from "./io/validate-outputs.js";
export * from "./job/record.js";
export * from "./job/request.js";
export * from "./job/spec.js";
export * from "./job/status.js";
export * from "./ports/job-store.js";
export * from "./ports/scheduler.js";
export * from "./process/define.js";
export * from "./process/errors.js";
export {
  type JsonArray,
  type JsonErrorReason,
  type JsonObject,
  JsonParseError,
  type JsonParseOptions,
  type JsonValue,
  jsonPointerSegment,
  parseJson,
} from "./protocol/json/parse.js";
export * as ogcapi from "./protocol/ogcapi/index.js";
export * from "./protocol/service-info.js";
export * from "./protocol/view.js";
export * as wps1 from "./protocol/wps1/index.js";
export * as wps2 from "./protocol/wps2/index.js";
export * from "./protocol/xml/parse.js";
export * from "./protocol/xml/write.js";
export * from "./util/ids.js";
export * from "./util/preview.js";
