import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type ComplexInputValue,
  defineProcess,
  Formats,
  Input,
  isProcessDefinition,
  Output,
} from "../src/internal.js";

describe("defineProcess", () => {
  it("infers handler input types from the declaration", () => {
    const p = defineProcess({
      identifier: "typed",
      title: "Typed",
      inputs: {
        name: Input.string({ title: "Name" }),
        delay: Input.float({ title: "Delay", default: 2 }),
        tags: Input.string({ title: "Tags", minOccurs: 0, maxOccurs: 5 }),
        opt: Input.integer({ title: "Optional", minOccurs: 0 }),
        flag: Input.boolean({ title: "Flag", minOccurs: 0, default: false }),
        file: Input.complex({ title: "File", formats: [Formats.TEXT] }),
      },
      outputs: { out: Output.string({ title: "Out" }) },
      handler: async (inputs) => {
        expectTypeOf(inputs.name).toEqualTypeOf<string>();
        expectTypeOf(inputs.delay).toEqualTypeOf<number>();
        expectTypeOf(inputs.tags).toEqualTypeOf<string[]>();
        expectTypeOf(inputs.opt).toEqualTypeOf<number | undefined>();
        expectTypeOf(inputs.flag).toEqualTypeOf<boolean>();
        expectTypeOf(inputs.file).toEqualTypeOf<ComplexInputValue>();
        return { out: inputs.name };
      },
    });
    expect(isProcessDefinition(p)).toBe(true);
    expect(p.inputs.map((i) => i.identifier)).toEqual(["name", "delay", "tags", "opt", "flag", "file"]);
    expect(p.inputMap.get("delay")).toMatchObject({
      kind: "literal",
      dataType: "float",
      default: 2,
      minOccurs: 1,
      maxOccurs: 1,
    });
    expect(p.inputMap.get("tags")).toMatchObject({ minOccurs: 0, maxOccurs: 5 });
    expect(p.jobControl).toEqual({ sync: true, async: true });
  });

  it("converts string defaults to the declared type and rejects impossible ones at definition time", () => {
    const p = defineProcess({
      identifier: "d",
      title: "D",
      inputs: { n: Input.float({ title: "N", default: "2" as unknown as number }) },
      outputs: { o: Output.string({ title: "O" }) },
      handler: () => ({}),
    });
    expect(p.inputMap.get("n")).toMatchObject({ default: 2 });
    expect(() =>
      defineProcess({
        identifier: "bad",
        title: "Bad",
        inputs: { n: Input.integer({ title: "N", default: 4, allowed: [1, 2, 3] }) },
        outputs: { o: Output.string({ title: "O" }) },
        handler: () => ({}),
      }),
    ).toThrow(/input 'n': default 4 is not one of the allowed values/);
  });

  it("refuses processes without outputs, duplicate-free but empty identifiers, and bad occurrences", () => {
    const base = { title: "T", handler: () => ({}) };
    expect(() => defineProcess({ ...base, identifier: "x", inputs: {}, outputs: {} })).toThrow(
      /at least one output/,
    );
    expect(() =>
      defineProcess({ ...base, identifier: " ", inputs: {}, outputs: { o: Output.string({ title: "O" }) } }),
    ).toThrow(/identifier/);
    expect(() =>
      defineProcess({
        ...base,
        identifier: "x",
        inputs: { a: Input.string({ title: "A", minOccurs: 3, maxOccurs: 2 }) },
        outputs: { o: Output.string({ title: "O" }) },
      }),
    ).toThrow(/maxOccurs/);
    expect(() =>
      defineProcess({
        ...base,
        identifier: "x",
        inputs: {},
        outputs: { o: Output.string({ title: "O" }) },
        jobControl: { sync: false, async: false },
      }),
    ).toThrow(/sync or async/);
  });
});
