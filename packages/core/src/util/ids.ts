/**
 * Job ids are random version-4 UUIDs (122 random bits from the platform CSPRNG), never time-based: an id is the
 * capability to read a job's status and outputs, so it must not be guessable from a neighbour's id (PyWPS and ZOO
 * use UUIDv1).
 */
import { randomUUID } from "node:crypto";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A new random job id. */
export function newJobId(): string {
  return randomUUID();
}

/** True when `s` has the exact shape of a job id; checked before an id reaches SQL or the filesystem. */
export function isJobId(s: string): boolean {
  return s.length === 36 && UUID_V4.test(s);
}
