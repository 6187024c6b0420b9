/**
 * `@roost/core` — what a process author needs, and nothing else: `defineProcess`, the I/O builders `Input` and
 * `Output`, common `Formats`, `ProcessError` (a failure whose message the client sees), and the types of a handler's
 * inputs, outputs and context. Works from ES modules and CommonJS (`require("@roost/core")` on Node ≥ 20.19), from
 * `.ts` and `.js`. The server's and the client's shared internals (codecs, job model, ports) are on the
 * `@roost/core/internal` subpath, which authors never need.
 *
 * @example
 * ```ts
 * import { defineProcess, Input, Output } from "@roost/core";
 * export default defineProcess({
 *   identifier: "hello",
 *   title: "Say hello",
 *   inputs: { name: Input.string({ title: "Your name" }) },
 *   outputs: { greeting: Output.string({ title: "Greeting" }) },
 *   handler: async ({ name }) => ({ greeting: `Hello ${name}` }),
 * });
 * ```
 */
export {
  type BoundingBoxInputOptions,
  type BoundingBoxOutputOptions,
  type Cardinality,
  type CardinalityOf,
  type CommonOptions,
  type ComplexInputOptions,
  type ComplexOutputOptions,
  Input,
  type InputSpec,
  type InputValueOf,
  type InputValues,
  type LiteralInputOptions,
  type LiteralOutputOptions,
  type OccursOptions,
  Output,
  type OutputSpec,
  type OutputValues,
} from "./io/builders.js";
export { Formats } from "./io/formats.js";
export type {
  AllowedValues,
  BoundingBox,
  ComplexInputValue,
  ComplexOutputValue,
  Description,
  Format,
  LiteralOutputValue,
  LiteralType,
  LiteralValue,
  MetadataLink,
  OutputRequest,
  Translation,
  ValueRange,
} from "./io/types.js";
export {
  defineProcess,
  type JobControl,
  type ProcessContext,
  type ProcessDeclaration,
  type ProcessDefinition,
  type ProcessHandler,
  type ProcessLogger,
  type ProcessTranslation,
} from "./process/define.js";
export { ProcessError } from "./process/errors.js";
