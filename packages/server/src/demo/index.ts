/**
 * The built-in demo processes: Emu's (birdhouse's PyWPS demo set) re-implemented in TypeScript, with the same
 * identifiers, inputs, outputs and behaviour, so clients and scripts written against Emu work unchanged. The
 * handlers use only Node built-ins and `@roost/core`, so they run on any worker (e.g. a Slurm compute node).
 */
import type { ProcessDefinition } from "@roost/core";
import bbox from "./bbox.js";
import binaryOperator from "./binary-operator.js";
import chomsky from "./chomsky.js";
import dummy from "./dummy.js";
import echo from "./echo.js";
import hello from "./hello.js";
import inout from "./inout.js";
import multipleOutputs from "./multiple-outputs.js";
import nap from "./nap.js";
import nonPyId from "./non-py-id.js";
import outputFormats from "./output-formats.js";
import showDefaults from "./show-defaults.js";
import showError from "./show-error.js";
import simpleDryRun from "./simple-dry-run.js";
import sleep from "./sleep.js";
import translation from "./translation.js";
import ultimateQuestion from "./ultimate-question.js";
import wordcounter from "./wordcounter.js";

/**
 * The demo processes, in the order GetCapabilities lists them: Emu's, then `echo` (the OGC conformance suites' test
 * process, so the demo server passes ets-ogcapi-processes10 out of the box).
 */
export const DEMO_PROCESSES: readonly ProcessDefinition[] = Object.freeze([
  hello,
  sleep,
  nap,
  ultimateQuestion,
  inout,
  wordcounter,
  showError,
  bbox,
  chomsky,
  outputFormats,
  multipleOutputs,
  showDefaults,
  nonPyId,
  translation,
  binaryOperator,
  simpleDryRun,
  dummy,
  echo,
]);

/**
 * Processes for the OGC conformance suites, beyond Emu's catalogue: `echo` (ets-ogcapi-processes10's test process,
 * also fit for ets-wps20). Also the last entry of {@link DEMO_PROCESSES}.
 */
export const CONFORMANCE_PROCESSES: readonly ProcessDefinition[] = Object.freeze([echo]);
