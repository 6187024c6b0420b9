/**
 * `@roost/server/testing`: what process authors need to test a process without a server — {@link runProcess}
 * runs a definition's handler with the worker's real context. Importing it loads neither the HTTP server nor a
 * database driver.
 */
export * from "./run-process.js";
