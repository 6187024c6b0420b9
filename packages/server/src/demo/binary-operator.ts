/**
 * `binaryoperatorfornumbers` (Emu's BinaryOperator, from Climate4Impact): arithmetic on two floats with the
 * operator chosen from a list; the classic web-form demo.
 */
import { defineProcess, Input, Output, ProcessError } from "@roost/core";

/** Applies `operator` to `inputa` and `inputb`. */
export default defineProcess({
  identifier: "binaryoperatorfornumbers",
  title: "Binary Operator for Numbers",
  abstract:
    "Performs operation on two numbers and returns the answer. This example process is taken from Climate4Impact.",
  metadata: [
    { title: "Birdhouse", href: "http://bird-house.github.io/" },
    { title: "User Guide", href: "http://emu.readthedocs.io/en/latest/" },
    { title: "Climate4Impact", href: "https://dev.climate4impact.eu" },
  ],
  version: "1.0",
  inputs: {
    inputa: Input.float({ title: "Input 1", abstract: "Enter Input 1", default: 2.0 }),
    inputb: Input.float({ title: "Input 2", abstract: "Enter Input 2", default: 3.0 }),
    operator: Input.string({
      title: "Operator",
      abstract: "Choose a binary Operator",
      default: "add",
      allowed: ["add", "subtract", "divide", "multiply"],
    }),
  },
  outputs: {
    output: Output.float({ title: "Binary operator result" }),
  },
  handler: async ({ inputa, inputb, operator }, ctx) => {
    ctx.progress(0, "PyWPS Process started.");
    ctx.logger.info("run binary_operator");
    let result: number;
    switch (operator) {
      case "subtract":
        result = inputa - inputb;
        break;
      case "multiply":
        result = inputa * inputb;
        break;
      case "divide":
        // Python raises ZeroDivisionError here (a generic failure in Emu); the user should learn why.
        if (inputb === 0)
          throw new ProcessError("Cannot divide by zero: inputb must not be 0 for the divide operator.");
        result = inputa / inputb;
        break;
      default:
        result = inputa + inputb;
    }
    // A float literal cannot carry Infinity (e.g. 1e308 * 10); say so instead of returning an unencodable value.
    if (!Number.isFinite(result)) throw new ProcessError(`The result of ${operator} is not a finite number.`);
    ctx.progress(100, "PyWPS Process completed.");
    return { output: result };
  },
});
