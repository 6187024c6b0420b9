/** WPS 1.0.0 codecs. `decode-common.ts` holds helpers of the decoders and is not re-exported. */
export * from "./constants.js";
export * from "./decode-capabilities.js";
export * from "./decode-description.js";
export * from "./decode-execute.js";
export * from "./decode-response.js";
export * from "./decode-types.js";
export * from "./encode.js";
export * from "./kvp.js";
export * from "./xml-request.js";
