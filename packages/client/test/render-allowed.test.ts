/**
 * Allowed values in `roost describe` and `roost run <process> --help`: a range reads as a range, never as one of two
 * values ("one of: [0, 50]" was read as "0 or 50").
 */
import type { AllowedValues, wps1 } from "@roost/core/internal";
import { describe, expect, it } from "vitest";
import { inputDetails } from "../src/cli/render.js";

function literal(allowedValues: AllowedValues): wps1.Wps1LiteralInput {
  return {
    kind: "literal",
    identifier: "level",
    title: "Level",
    minOccurs: 1,
    maxOccurs: 1,
    dataType: "float",
    literalType: "float",
    allowedValues,
    uoms: [],
    metadata: [],
  };
}

describe("allowed values in help", () => {
  it("shows a single range as a range, with its closure and spacing", () => {
    expect(
      inputDetails(literal({ kind: "values", values: [], ranges: [{ minimum: 0, maximum: 50 }] })),
    ).toContain("in range [0, 50]");
    expect(
      inputDetails(
        literal({
          kind: "values",
          values: [],
          ranges: [{ minimum: 0, maximum: 1, closure: "open-closed", spacing: 0.1 }],
        }),
      ),
    ).toContain("in range (0, 1] step 0.1");
  });

  it("lists values as values and ranges after them", () => {
    expect(inputDetails(literal({ kind: "values", values: [1, 2, 3], ranges: [] }))).toContain(
      "one of: 1, 2, 3",
    );
    expect(
      inputDetails(
        literal({ kind: "values", values: [-1], ranges: [{ minimum: 0, maximum: 50 }, { minimum: 100 }] }),
      ),
    ).toContain("one of: -1, or in ranges [0, 50], [100, ∞]");
  });
});
