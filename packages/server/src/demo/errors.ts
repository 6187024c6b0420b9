/**
 * Structured process errors of the demo processes (Emu's `emu.exceptions`). Their messages reach the client;
 * their class names reach the job log.
 */
import { ProcessError } from "@roost/core";

/** The job would use more storage than allowed: "<msg>: used=<used>, available=<available>". */
export class StorageLimitExceededError extends ProcessError {
  /** Message used when none is given. */
  static readonly defaultMessage: string = "You have exceeded the storage limit";

  constructor(msg?: string, used?: number | string, available?: number | string) {
    // As in Emu, the figures are appended only when both are given (and not 0 or empty).
    const base = msg ?? (new.target as typeof StorageLimitExceededError).defaultMessage;
    super(used && available ? `${base}: used=${used}, available=${available}` : base);
  }
}

/** A dry run stops the job before it does anything, reporting what it would have used. */
export class DryRunWarningError extends ProcessError {
  /** Message used when none is given. */
  static readonly defaultMessage: string = "You have submitted a job in dry-run mode";

  constructor(msg?: string, storageUsed?: string, timeUsed?: string) {
    const base = msg ?? (new.target as typeof DryRunWarningError).defaultMessage;
    super(
      storageUsed && timeUsed ? `${base}. Used resources: storage=${storageUsed}, time=${timeUsed}` : base,
    );
  }
}
