/**
 * A CommonJS process module (its package.json has no "type": "module"): require() loads the ES module @roost/core
 * (Node ≥ 20.19), and module.exports holds the process. Several values of one input arrive as an array.
 */
const { defineProcess, Input, Output, ProcessError } = require("@roost/core");

module.exports = defineProcess({
  identifier: "stats",
  title: "Summary statistics",
  inputs: {
    values: Input.double({ title: "Values", minOccurs: 1, maxOccurs: 100 }),
  },
  outputs: {
    mean: Output.double({ title: "Mean" }),
    min: Output.double({ title: "Minimum" }),
    max: Output.double({ title: "Maximum" }),
  },
  handler: ({ values }, ctx) => {
    if (values.length < 2) throw new ProcessError("give at least two values");
    ctx.logger.info("summarising", { count: values.length });
    const sum = values.reduce((a, b) => a + b, 0);
    return { mean: sum / values.length, min: Math.min(...values), max: Math.max(...values) };
  },
});
