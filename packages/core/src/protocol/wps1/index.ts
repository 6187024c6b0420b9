/** WPS 1.0.0 codecs. */
export * from "./constants.js";
export * from "./encode.js";
export * from "./kvp.js";
export * from "./responses.js";
export * from "./xml-request.js";
