/**
 * GetCapabilities and DescribeProcess over KVP and XML POST: every document valid against the WPS 1.0.0 XSDs in
 * every supported language, version negotiation in the client's order, `all`/`ALL`, translations chosen by
 * `language=` or Accept-Language, and the description details clients rely on (occurrences, allowed values,
 * awkward identifiers, storeSupported/statusSupported).
 */
import { wps1 } from "@roost/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { expectValid } from "../helpers/xsd.js";
import {
  DEMO_IDS,
  esc,
  expectException,
  kvp,
  LANGUAGES,
  NS_DECL,
  post,
  type Res,
  rootAttr,
  rootLang,
} from "./helpers.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t?.close();
});

const caps = (extra: Record<string, string> = {}, headers: Record<string, string> = {}) =>
  kvp(t.base, { service: "WPS", request: "GetCapabilities", ...extra }, headers);

const describeKvp = (identifier: string, extra: Record<string, string> = {}, headers = {}) =>
  kvp(
    t.base,
    { service: "WPS", request: "DescribeProcess", version: "1.0.0", identifier, ...extra },
    headers,
  );

function describeXml(ids: readonly string[], language?: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><wps:DescribeProcess service="WPS" version="1.0.0"` +
    `${language ? ` language="${language}"` : ""} ${NS_DECL}>` +
    ids.map((i) => `<ows:Identifier>${esc(i)}</ows:Identifier>`).join("") +
    `</wps:DescribeProcess>`
  );
}

async function validCapabilities(res: Res): Promise<wps1.Wps1Capabilities> {
  expect(res.status, res.body.slice(0, 500)).toBe(200);
  expect(res.type).toMatch(/^text\/xml/);
  await expectValid(res.body, "wps1");
  return wps1.decodeCapabilities(res.body);
}

async function validDescriptions(res: Res): Promise<wps1.Wps1ProcessDescription[]> {
  expect(res.status, res.body.slice(0, 500)).toBe(200);
  expect(res.type).toMatch(/^text\/xml/);
  await expectValid(res.body, "wps1");
  return wps1.decodeProcessDescriptions(res.body);
}

describe("GetCapabilities", () => {
  it("KVP: valid, WPS 1.0.0, every demo process in order, languages advertised with en-US as default", async () => {
    const res = await caps();
    const c = await validCapabilities(res);
    expect(c.version).toBe("1.0.0");
    expect(c.processes.map((p) => p.identifier)).toEqual([...DEMO_IDS]);
    expect(c.languages).toEqual([...LANGUAGES]);
    expect(rootLang(res.body)).toBe("en-US");
    expect(res.headers.get("content-language")).toBe("en-US");
    // The three operations are advertised with GET and POST endpoints on this server.
    for (const op of ["GetCapabilities", "DescribeProcess", "Execute"]) {
      expect(c.operations[op]?.get).toBe(`${t.base}/wps?`);
      expect(c.operations[op]?.post).toBe(`${t.base}/wps`);
    }
    // The 1.0.0 schema does not allow keywords inside wps:Process (PyWPS writes them there).
    expect(res.body).not.toMatch(/<wps:Process\b[^>]*>(?:(?!<\/wps:Process>).)*<ows:Keywords>/s);
  });

  it.each(LANGUAGES)("KVP language=%s: valid and in that language", async (lang) => {
    const res = await caps({ language: lang });
    const c = await validCapabilities(res);
    expect(rootLang(res.body)).toBe(lang);
    const title = c.processes.find((p) => p.identifier === "translation")?.title;
    expect(title).toBe(
      { "en-US": "Translated process", "fr-CA": "Processus traduit", "de-DE": "Mehrsprachiger Prozess" }[
        lang
      ],
    );
  });

  it.each(LANGUAGES)("XML POST language=%s: valid and in that language", async (lang) => {
    const res = await post(t.base, `<wps:GetCapabilities service="WPS" language="${lang}" ${NS_DECL}/>`);
    await validCapabilities(res);
    expect(rootLang(res.body)).toBe(lang);
  });

  it("Accept-Language picks the best supported language; an unsupported one falls back to the default", async () => {
    const de = await caps({}, { "accept-language": "de-DE" });
    await validCapabilities(de);
    expect(rootLang(de.body)).toBe("de-DE");
    expect(de.headers.get("content-language")).toBe("de-DE");
    // A bare primary tag matches the regional variant; q-values order the preferences.
    const fr = await caps({}, { "accept-language": "xx;q=1, fr;q=0.8, de;q=0.5" });
    expect(rootLang(fr.body)).toBe("fr-CA");
    const none = await caps({}, { "accept-language": "ja, zh;q=0.9" });
    expect(none.status).toBe(200);
    expect(rootLang(none.body)).toBe("en-US");
    // An explicit language= wins over the header.
    const both = await caps({ language: "fr-CA" }, { "accept-language": "de-DE" });
    expect(rootLang(both.body)).toBe("fr-CA");
  });

  it("an unsupported language= is InvalidParameterValue with locator 'language'", async () => {
    await expectException(await caps({ language: "xx" }), {
      status: 400,
      code: "InvalidParameterValue",
      locator: "language",
    });
    await expectException(
      await post(t.base, `<wps:GetCapabilities service="WPS" language="xx-YY" ${NS_DECL}/>`),
      { status: 400, code: "InvalidParameterValue", locator: "language" },
    );
  });

  /** A GetCapabilities POST; wpsGetCapabilities_request.xsd puts AcceptVersions in the WPS namespace. */
  const capsXml = (versions: readonly string[], ns: "wps" | "ows" = "wps") =>
    `<?xml version="1.0" encoding="UTF-8"?><wps:GetCapabilities service="WPS" ${NS_DECL}><${ns}:AcceptVersions>` +
    versions.map((v) => `<ows:Version>${v}</ows:Version>`).join("") +
    `</${ns}:AcceptVersions></wps:GetCapabilities>`;

  it("the GetCapabilities requests sent here are themselves schema-valid", async () => {
    await expectValid(capsXml(["2.0.0", "1.0.0"]), "wps1");
  });

  // Since WPS 2.0.0 is served too, AcceptVersions lists naming 2.0.0 are test/wps2/negotiation.test.ts's.
  it("AcceptVersions=3.0.0,1.0.0 negotiates 1.0.0 (KVP and POST)", async () => {
    const k = await caps({ AcceptVersions: "3.0.0,1.0.0" });
    expect((await validCapabilities(k)).version).toBe("1.0.0");
    for (const ns of ["wps", "ows"] as const) {
      const p = await post(t.base, capsXml(["3.0.0", "1.0.0"], ns));
      expect((await validCapabilities(p)).version).toBe("1.0.0");
    }
  });

  it.each([["3.0.0"], ["0.0.1"], ["1.0"]])(
    "AcceptVersions=%s is VersionNegotiationFailed, HTTP 400 (KVP and POST, either namespace)",
    async (v) => {
      await expectException(await caps({ AcceptVersions: v }), {
        status: 400,
        code: "VersionNegotiationFailed",
      });
      for (const ns of ["wps", "ows"] as const) {
        await expectException(await post(t.base, capsXml([v], ns)), {
          status: 400,
          code: "VersionNegotiationFailed",
        });
      }
    },
  );

  it("parameter names are case-insensitive, request and service values too", async () => {
    for (const q of [
      "SERVICE=WPS&REQUEST=GETCAPABILITIES",
      "Service=WPS&Request=GetCapabilities",
      "service=wps&request=getcapabilities",
      "sErViCe=WPS&rEqUeSt=GetCapabilities&acceptversions=1.0.0&LANGUAGE=de-DE",
    ]) {
      const res = await kvp(t.base, q);
      await validCapabilities(res);
      if (q.includes("LANGUAGE")) expect(rootLang(res.body)).toBe("de-DE");
    }
  });
});

describe("DescribeProcess", () => {
  it.each(DEMO_IDS)("KVP %s: valid, one description with that identifier", async (id) => {
    const d = await validDescriptions(await describeKvp(id));
    expect(d.map((x) => x.identifier)).toEqual([id]);
    expect(d[0]!.outputs.length).toBeGreaterThan(0);
    // Every process but the sync-only nap can store and update its response.
    expect(d[0]!.storeSupported).toBe(id !== "nap");
    expect(d[0]!.statusSupported).toBe(id !== "nap");
  });

  it.each(DEMO_IDS)("XML POST %s: valid, same description as KVP", async (id) => {
    const res = await post(t.base, describeXml([id]));
    const d = await validDescriptions(res);
    expect(d).toEqual(await validDescriptions(await describeKvp(id)));
  });

  it.each(["all", "ALL", "All"])("identifier=%s lists every process, valid", async (all) => {
    const d = await validDescriptions(await describeKvp(all));
    expect(d.map((x) => x.identifier)).toEqual([...DEMO_IDS]);
  });

  it.each(LANGUAGES)("identifier=all in %s is valid", async (lang) => {
    const res = await describeKvp("all", { language: lang });
    await validDescriptions(res);
    expect(rootLang(res.body)).toBe(lang);
  });

  it("a comma list answers in the order asked; POST takes several ows:Identifier", async () => {
    const d = await validDescriptions(await describeKvp("inout,hello,non.py-id"));
    expect(d.map((x) => x.identifier)).toEqual(["inout", "hello", "non.py-id"]);
    const p = await validDescriptions(await post(t.base, describeXml(["nap", "sleep"])));
    expect(p.map((x) => x.identifier)).toEqual(["nap", "sleep"]);
  });

  it("translation: titles follow language= (KVP and POST) and Accept-Language", async () => {
    const titles = {
      "en-US": ["Translated process", "Input1 number", "Output1 add 1 result"],
      "fr-CA": ["Processus traduit", "Entrée #1", "Sortie #1"],
      "de-DE": ["Mehrsprachiger Prozess", "Eingabe #1", "Ausgabe #1"],
    } as const;
    for (const lang of LANGUAGES) {
      const k = await describeKvp("translation", { language: lang });
      const [d] = await validDescriptions(k);
      expect([d!.title, d!.inputs[0]!.title, d!.outputs[0]!.title]).toEqual([...titles[lang]]);
      expect(rootLang(k.body)).toBe(lang);
      const [p] = await validDescriptions(await post(t.base, describeXml(["translation"], lang)));
      expect(p!.title).toBe(titles[lang][0]);
      const [h] = await validDescriptions(await describeKvp("translation", {}, { "accept-language": lang }));
      expect(h!.title).toBe(titles[lang][0]);
    }
  });

  it("an unsupported language= is InvalidParameterValue with locator 'language'", async () => {
    await expectException(await describeKvp("translation", { language: "xx" }), {
      status: 400,
      code: "InvalidParameterValue",
      locator: "language",
    });
    await expectException(await post(t.base, describeXml(["translation"], "tlh")), {
      status: 400,
      code: "InvalidParameterValue",
      locator: "language",
    });
  });

  it("non.py-id keeps its awkward identifiers exactly (spaces, dots, dashes)", async () => {
    const [d] = await validDescriptions(await describeKvp("non.py-id"));
    expect(d!.inputs.map((i) => i.identifier)).toEqual(["input 1", "input-2"]);
    expect(d!.outputs.map((o) => o.identifier)).toEqual(["output.1", "output 2"]);
  });

  it("inout: occurrences, allowed values, ranges, AnyValue, ValuesReference and defaults as declared", async () => {
    const [d] = await validDescriptions(await describeKvp("inout"));
    const input = (id: string) => {
      const i = d!.inputs.find((x) => x.identifier === id);
      expect(i, id).toBeDefined();
      return i!;
    };
    const float = input("float");
    expect([float.minOccurs, float.maxOccurs]).toEqual([0, 5]);
    const int = input("int") as wps1.Wps1LiteralInput;
    expect(int.literalType).toBe("integer");
    expect(int.allowedValues).toEqual({ kind: "values", values: [1, 2, 3, 5, 7, 11], ranges: [] });
    expect(int.default).toBe("7");
    const range = input("int_range") as wps1.Wps1LiteralInput;
    expect(range.allowedValues.kind).toBe("values");
    expect(range.allowedValues.kind === "values" ? range.allowedValues.ranges : undefined).toEqual([
      { minimum: 1, maximum: 10, closure: "closed" },
      { minimum: 100, maximum: 200, spacing: 10, closure: "closed" },
    ]);
    expect((input("any_value") as wps1.Wps1LiteralInput).allowedValues.kind).toBe("any");
    expect((input("ref_value") as wps1.Wps1LiteralInput).allowedValues.kind).toBe("reference");
    expect(input("string_multiple_choice").maxOccurs).toBe(2);
    for (const [id, type] of [
      ["boolean", "boolean"],
      ["angle", "angle"],
      ["time", "time"],
      ["date", "date"],
      ["datetime", "dateTime"],
    ] as const) {
      expect((input(id) as wps1.Wps1LiteralInput).literalType, id).toBe(type);
    }
    expect(input("dataset").kind).toBe("complex");
    expect(d!.outputs.find((o) => o.identifier === "bbox")?.kind).toBe("bbox");
  });

  it("hello: the output advertises its UoM; bbox: its CRSs", async () => {
    const [h] = await validDescriptions(await describeKvp("hello"));
    expect(h!.outputs[0]).toMatchObject({ identifier: "output", kind: "literal", uoms: ["unity"] });
    const [b] = await validDescriptions(await describeKvp("bbox"));
    expect(b!.inputs[0]).toMatchObject({ kind: "bbox", crs: ["epsg:4326", "epsg:3035"], minOccurs: 0 });
  });

  it("descriptions carry an absolute schemaLocation", async () => {
    const res = await describeKvp("hello");
    expect(rootAttr(res.body, "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")).toBe(
      "http://www.opengis.net/wps/1.0.0 http://schemas.opengis.net/wps/1.0.0/wpsDescribeProcess_response.xsd",
    );
  });

  it("an unknown identifier, alone or in a list, is InvalidParameterValue with locator 'identifier'", async () => {
    await expectException(await describeKvp("no_such_process"), {
      status: 400,
      code: "InvalidParameterValue",
      locator: "identifier",
      text: "no_such_process",
    });
    await expectException(await describeKvp("hello,nope"), {
      status: 400,
      code: "InvalidParameterValue",
      locator: "identifier",
    });
    await expectException(await post(t.base, describeXml(["nope"])), {
      status: 400,
      code: "InvalidParameterValue",
      locator: true,
    });
  });

  it("an identifier with markup is escaped once in the exception text", async () => {
    const ex = await expectException(await describeKvp(`<x a="1">&amp;</x>`), {
      status: 400,
      code: "InvalidParameterValue",
      locator: "identifier",
    });
    expect(ex[0]!.text).toContain(`<x a="1">&amp;</x>`);
  });
});
