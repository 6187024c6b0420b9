/**
 * @roost/client — a WPS 1.0.0 client for Node: connect, list and describe processes, execute sync or async, follow
 * jobs, download outputs. Pure JavaScript (no native modules). The `roost` command-line client lives in `./cli`.
 */
export * from "./cache.js";
export * from "./client.js";
export * from "./env.js";
export * from "./errors.js";
export * from "./execute-request.js";
export * from "./history.js";
export * from "./http.js";
export * from "./inputs.js";
export * from "./job.js";
export * from "./mime.js";
