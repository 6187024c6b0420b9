import { describe, expect, it } from "vitest";
import {
  attr,
  cdata,
  element,
  escapeAttr,
  escapeText,
  parseXml,
  serializeElement,
  textOf,
  XmlSyntaxError,
} from "../src/internal.js";

describe("parseXml", () => {
  it("resolves namespaces whatever the prefixes", () => {
    const root = parseXml(
      `<ns0:Execute xmlns:ns0="http://www.opengis.net/wps/1.0.0" xmlns:ns1="http://www.opengis.net/ows/1.1" service="WPS"><ns1:Identifier>hello</ns1:Identifier></ns0:Execute>`,
    );
    expect(root.uri).toBe("http://www.opengis.net/wps/1.0.0");
    expect(root.local).toBe("Execute");
    expect(attr(root, "service")).toBe("WPS");
    expect(textOf(element(root, "http://www.opengis.net/ows/1.1", "Identifier")!)).toBe("hello");
  });

  it("refuses DOCTYPEs, external and internal entities, billion laughs", () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>`;
    const laughs = `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>`;
    for (const doc of [xxe, laughs, `<!DOCTYPE a><a/>`]) {
      expect(() => parseXml(doc)).toThrow(XmlSyntaxError);
      expect(() => parseXml(doc)).toThrow(/DOCTYPE/);
    }
    expect(() => parseXml("<a>&undefined;</a>")).toThrow(XmlSyntaxError);
  });

  it("limits depth and element count, reports malformed input without echoing it", () => {
    expect(() => parseXml(`${"<a>".repeat(100)}${"</a>".repeat(100)}`)).toThrow(/deeper than 64/);
    expect(() => parseXml(`<r>${"<a/>".repeat(50)}</r>`, { maxElements: 10 })).toThrow(
      /more than 10 elements/,
    );
    try {
      parseXml("<secret-value");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(XmlSyntaxError);
      expect((e as Error).message).not.toContain("secret-value");
    }
  });

  it("decodes character references and keeps CDATA text", () => {
    const r = parseXml("<a>&#65;&amp;<![CDATA[<b>]]></a>");
    expect(textOf(r)).toBe("A&<b>");
  });

  it("serialises embedded XML with the namespaces in scope", () => {
    const r = parseXml(
      `<w:Data xmlns:w="urn:w" xmlns:g="urn:gml"><g:Point a="1&amp;2"><g:pos>1 2</g:pos></g:Point></w:Data>`,
    );
    const inner = element(r, "urn:gml", "Point")!;
    const s = serializeElement(inner);
    expect(s).toContain('xmlns:g="urn:gml"');
    expect(parseXml(s).local).toBe("Point");
    expect(s).toContain('a="1&amp;2"');
  });
});

describe("XML writer escaping", () => {
  it("escapes markup and replaces characters XML cannot carry", () => {
    expect(escapeText("a<b>&c")).toBe("a&lt;b&gt;&amp;c");
    expect(escapeAttr('"x"\n')).toBe("&quot;x&quot;&#10;");
    expect(escapeText("nul\u0000")).toBe("nul\uFFFD");
    const c = cdata("a]]>b");
    expect(parseXml(`<x>${c}</x>`).children.join("")).toBe("a]]>b");
  });
});
