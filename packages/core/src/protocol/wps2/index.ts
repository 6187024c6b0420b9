/** WPS 2.0.0 codecs: version classification, request decoders, response encoders, and the client's side. */
export * from "./constants.js";
export * from "./decode-common.js";
export * from "./decode-description.js";
export * from "./decode-responses.js";
export * from "./encode-capabilities.js";
export * from "./encode-common.js";
export * from "./encode-description.js";
export * from "./encode-job.js";
export * from "./encode-request.js";
export * from "./exceptions.js";
export * from "./kvp.js";
export * from "./request.js";
export * from "./version.js";
export * from "./xml-request.js";
