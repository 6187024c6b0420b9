/** OGC API – Processes – Part 1: Core 1.0.0 codec: documents, schemas, execute decoding, `Prefer`, OpenAPI. */
export * from "./constants.js";
export * from "./describe.js";
export * from "./execute.js";
export * from "./execute-inputs.js";
export * from "./jobs.js";
export * from "./openapi.js";
export * from "./prefer.js";
export * from "./query.js";
export * from "./results.js";
export * from "./schema.js";
