/**
 * The one outbound module (security.md §8 item 2): every URL Roost fetches on a client's behalf — complex-input
 * references and POST body references — is checked and downloaded here, under one policy, so an SSRF fix made
 * once applies everywhere. The public surface is deliberately small: a check for validation time, a download for
 * materialising inputs, and a start-up check of the policy itself.
 */
export { checkReference } from "./check.js";
export { fetchReference, MAX_BODY_REFERENCE_BYTES } from "./fetch.js";
export { assertValidPolicy, type ReferencePolicy } from "./policy.js";
