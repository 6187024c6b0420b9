/**
 * The one outbound module (security.md §8 item 2): every URL Roost fetches on a client's behalf — complex-input
 * references, POST body references and OGC API callbacks — is checked and downloaded (or POSTed to) here, under one
 * policy, so an SSRF fix made once applies everywhere. The public surface is deliberately small: a check for validation time, a download for
 * materialising inputs, a POST for notifications, and a start-up check of the policy itself.
 */
export { checkReference } from "./check.js";
export { fetchReference, MAX_BODY_REFERENCE_BYTES } from "./fetch.js";
export { type NotifyOutcome, postNotification } from "./notify.js";
export { assertValidPolicy, type ReferencePolicy } from "./policy.js";
