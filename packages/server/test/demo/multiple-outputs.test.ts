/**
 * `multiple_outputs`: N files in the output directory and well-formed Metalink 3 and 4 documents listing their
 * public URLs.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { attr, elements, parseXml, textOf, type XmlElement } from "@roost/core/internal";
import { afterEach, describe, expect, it } from "vitest";
import { metalink3, metalink4 } from "../../src/demo/metalink.js";
import multipleOutputs from "../../src/demo/multiple-outputs.js";
import { createProcessContext, type TestProcessContext } from "../helpers/process-context.js";

let ctx: TestProcessContext;
afterEach(() => ctx?.cleanup());

const ML3 = "http://www.metalinker.org/";
const ML4 = "urn:ietf:params:xml:ns:metalink";

const child = (el: XmlElement, uri: string, local: string): XmlElement => {
  const c = elements(el, uri, local)[0];
  if (!c) throw new Error(`no ${local} in ${el.local}`);
  return c;
};

type TextOut = { text: string; mimeType: string };

describe("multiple_outputs", () => {
  it("writes count files and lists their URLs in Metalink v3 and v4", async () => {
    ctx = createProcessContext();
    const out = (await multipleOutputs.handler({ count: 5 }, ctx)) as {
      output: TextOut;
      output_meta4: TextOut;
    };

    const names = [0, 1, 2, 3, 4].map((i) => `output_${i}.txt`);
    expect(readdirSync(ctx.outputDir).sort()).toEqual(names);
    names.forEach((n, i) => {
      expect(readFileSync(join(ctx.outputDir, n), "utf8")).toBe(`output: ${i}`);
    });
    const urls = names.map((n) => `http://test/outputs/job/${n}`);

    expect(out.output.mimeType).toBe("application/metalink+xml; version=3.0");
    const v3 = parseXml(out.output.text);
    expect(v3.uri).toBe(ML3);
    expect(attr(v3, "version")).toBe("3.0");
    expect(textOf(child(v3, ML3, "identity"))).toBe("test-ml-1");
    const files3 = elements(child(v3, ML3, "files"), ML3, "file");
    expect(files3.map((f) => attr(f, "name"))).toEqual(names);
    expect(files3.map((f) => textOf(child(child(f, ML3, "resources"), ML3, "url")))).toEqual(urls);
    expect(files3.map((f) => textOf(child(f, ML3, "size")))).toEqual(names.map(() => "9"));
    const hash0 = createHash("sha256").update("output: 0").digest("hex");
    expect(textOf(child(child(files3[0]!, ML3, "verification"), ML3, "hash"))).toBe(hash0);

    expect(out.output_meta4.mimeType).toBe("application/metalink+xml; version=4.0");
    const v4 = parseXml(out.output_meta4.text);
    expect(v4.uri).toBe(ML4);
    expect(textOf(child(v4, ML4, "published"))).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const files4 = elements(v4, ML4, "file");
    expect(files4.map((f) => attr(f, "name"))).toEqual(names);
    expect(files4.map((f) => textOf(child(f, ML4, "url")))).toEqual(urls);
    expect(files4.map((f) => textOf(child(f, ML4, "metaurl")))).toEqual(urls);
    expect(files4.map((f) => attr(child(f, ML4, "metaurl"), "mediatype"))).toEqual(
      names.map(() => "text/plain"),
    );
    expect(textOf(child(files4[0]!, ML4, "hash"))).toBe(hash0);
  });

  it("writes a single file for count=1", async () => {
    ctx = createProcessContext();
    const out = (await multipleOutputs.handler({ count: 1 }, ctx)) as { output: TextOut };
    expect(readdirSync(ctx.outputDir)).toEqual(["output_0.txt"]);
    expect(elements(child(parseXml(out.output.text), ML3, "files"), ML3, "file")).toHaveLength(1);
  });
});

describe("metalink documents", () => {
  it("escape names and URLs so the documents stay well-formed", () => {
    const file = {
      name: 'a&b"<c>.txt',
      identity: "x & y",
      description: "<desc>",
      size: 3,
      sha256: "00",
      url: "http://test/outputs/job/a&b.txt?x=<1>",
      mediaType: "text/plain",
    };
    const info = { identity: "id & co", description: "d < e", generator: 'g"h' };
    const v3 = parseXml(metalink3(info, [file]));
    const f3 = child(child(v3, ML3, "files"), ML3, "file");
    expect(attr(f3, "name")).toBe(file.name);
    expect(textOf(child(child(f3, ML3, "resources"), ML3, "url"))).toBe(file.url);
    expect(attr(v3, "generator")).toBe('g"h');
    const v4 = parseXml(metalink4(info, [file], new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))));
    expect(textOf(child(v4, ML4, "published"))).toBe("2024-01-02T03:04:05Z");
    const f4 = child(v4, ML4, "file");
    expect(attr(f4, "name")).toBe(file.name);
    expect(textOf(child(f4, ML4, "description"))).toBe("<desc>");
    expect(textOf(child(f4, ML4, "url"))).toBe(file.url);
  });

  it("gives each URL its scheme as Metalink 3 type", () => {
    const v3 = parseXml(
      metalink3({ identity: "i", description: "d", generator: "g" }, [
        {
          name: "f",
          identity: "f",
          description: "f",
          size: 1,
          sha256: "00",
          url: "https://x/f",
          mediaType: "text/plain",
        },
      ]),
    );
    const url = child(child(child(child(v3, ML3, "files"), ML3, "file"), ML3, "resources"), ML3, "url");
    expect(attr(url, "type")).toBe("https");
  });
});
