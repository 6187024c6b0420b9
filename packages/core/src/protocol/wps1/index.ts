/**
 * WPS 1.0.0 codecs. `decode-common.ts` and `encode-common.ts` are helpers of the decoders and encoders, not
 * re-exported.
 */
export * from "./constants.js";
export * from "./decode-capabilities.js";
export * from "./decode-description.js";
export * from "./decode-execute.js";
export * from "./decode-response.js";
export * from "./decode-types.js";
export * from "./encode-capabilities.js";
export * from "./encode-description.js";
export * from "./encode-exception.js";
export * from "./encode-execute.js";
export * from "./encode-request.js";
export * from "./kvp.js";
export * from "./xml-request.js";
