/**
 * Version classification at `/wps`: which requests go to WPS 2.0.0, which stay on the WPS 1.0.0 path (unchanged),
 * and which fail negotiation — by KVP parameters in any key case and by the XML root's namespace.
 */
import { describe, expect, it } from "vitest";
import { parseXml, RoostError, wps2 } from "../src/internal.js";

const kvp = (q: string) => wps2.negotiateKvp(new URLSearchParams(q));

function refused(f: () => unknown): RoostError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RoostError);
    return e as RoostError;
  }
  throw new Error("expected a RoostError");
}

describe("KVP GetCapabilities negotiates", () => {
  it.each([
    ["service=WPS&request=GetCapabilities&AcceptVersions=2.0.0", "2.0.0"],
    ["service=WPS&request=GetCapabilities&AcceptVersions=1.0.0", "1.0.0"],
    // The first supported version in the client's order (PyWPS takes the last).
    ["service=WPS&request=GetCapabilities&AcceptVersions=2.0.0,1.0.0", "2.0.0"],
    ["service=WPS&request=GetCapabilities&AcceptVersions=1.0.0,2.0.0", "1.0.0"],
    ["service=WPS&request=GetCapabilities&AcceptVersions=3.0.0, 2.0.0 ,1.0.0", "2.0.0"],
    ["SERVICE=WPS&REQUEST=getcapabilities&ACCEPTVERSIONS=2.0.0", "2.0.0"],
    // AcceptVersions wins over a version parameter.
    ["service=WPS&request=GetCapabilities&AcceptVersions=1.0.0&version=2.0.0", "1.0.0"],
    // ets-wps20 sends Version (all spellings) on GetCapabilities; OWSLib sends version=1.0.0.
    ["Service=WPS&Version=2.0.0&Request=GetCapabilities", "2.0.0"],
    ["service=WPS&version=2.0.0&request=GetCapabilities", "2.0.0"],
    ["SERVICE=WPS&VERSION=2.0.0&REQUEST=GetCapabilities", "2.0.0"],
    ["service=WPS&version=1.0.0&request=GetCapabilities", "1.0.0"],
    // Nothing said: the default, 1.0.0, so existing WPS 1.0.0 clients see what they always saw.
    ["service=WPS&request=GetCapabilities", "1.0.0"],
    ["service=WPS&request=GetCapabilities&AcceptVersions=", "1.0.0"],
  ])("%s → %s", (q, v) => {
    expect(kvp(q)).toBe(v);
  });

  it("takes a configured default", () => {
    expect(wps2.negotiateKvp([["request", "GetCapabilities"]], { defaultVersion: "2.0.0" })).toBe("2.0.0");
  });

  it("fails with VersionNegotiationFailed naming AcceptVersions or version", () => {
    expect(
      refused(() => kvp("service=WPS&request=GetCapabilities&AcceptVersions=3.0.0,0.0.1")),
    ).toMatchObject({
      code: "VersionNegotiationFailed",
      locator: "AcceptVersions",
    });
    expect(refused(() => kvp("Service=WPS&Version=3.0.0&Request=GetCapabilities"))).toMatchObject({
      code: "VersionNegotiationFailed",
      locator: "version",
    });
  });
});

describe("KVP operations other than GetCapabilities need version", () => {
  it.each([
    ["service=WPS&version=2.0.0&request=DescribeProcess&identifier=ALL", "2.0.0"],
    ["Service=WPS&Version=2.0.0&Request=GetStatus&JobID=x", "2.0.0"],
    ["service=WPS&version= 2.0.0 &request=Execute", "2.0.0"],
    ["service=WPS&version=1.0.0&request=DescribeProcess&identifier=all", "1.0.0"],
    ["service=WPS&version=1.0.0&request=Execute&identifier=hello", "1.0.0"],
    // 1.0.0 has no GetStatus: the 1.0.0 path answers OperationNotSupported as it always did.
    ["service=WPS&version=1.0.0&request=GetStatus&jobid=x", "1.0.0"],
    // No version on a 1.0.0 operation: the 1.0.0 path reports MissingParameterValue itself.
    ["service=WPS&request=DescribeProcess&identifier=hello", "1.0.0"],
    ["service=WPS&request=NoSuchOperation", "1.0.0"],
    // No request at all: left to the 1.0.0 path, which reports the missing request first.
    ["service=WPS&version=9.9.9", "1.0.0"],
  ])("%s → %s", (q, v) => {
    expect(kvp(q)).toBe(v);
  });

  it("GetStatus, GetResult and Dismiss without version are MissingParameterValue (they exist only in 2.0.0)", () => {
    for (const op of ["GetStatus", "getresult", "DISMISS"]) {
      expect(refused(() => kvp(`service=WPS&request=${op}&jobid=x`))).toMatchObject({
        code: "MissingParameter",
        locator: "version",
      });
    }
  });

  it("an unsupported version is InvalidParameterValue for version", () => {
    const e = refused(() => kvp("Service=WPS&Request=DescribeProcess&Version=3.0.0&Identifier=hello"));
    expect(e).toMatchObject({ code: "InvalidParameter", locator: "version" });
    expect(e.message).toContain("2.0.0");
  });
});

describe("XML classification", () => {
  const WPS2 = 'xmlns:wps="http://www.opengis.net/wps/2.0" xmlns:ows="http://www.opengis.net/ows/2.0"';
  const WPS1 = 'xmlns:wps="http://www.opengis.net/wps/1.0.0" xmlns:ows="http://www.opengis.net/ows/1.1"';
  it.each([
    [
      `<wps:GetStatus ${WPS2} service="WPS" version="2.0.0"><wps:JobID>x</wps:JobID></wps:GetStatus>`,
      "2.0.0",
    ],
    // The namespace decides, whatever the prefix (OWSLib writes ns0:) and whatever the version attribute says.
    [`<ns0:Execute xmlns:ns0="http://www.opengis.net/wps/2.0" version="1.0.0"/>`, "2.0.0"],
    [`<wps:Execute ${WPS1} service="WPS" version="1.0.0"/>`, "1.0.0"],
    [`<wps:GetCapabilities ${WPS2} service="WPS"/>`, "2.0.0"],
    [`<wps:GetCapabilities ${WPS1} service="WPS"/>`, "1.0.0"],
    [
      `<wps:GetCapabilities ${WPS2} service="WPS"><ows:AcceptVersions><ows:Version>1.0.0</ows:Version><ows:Version>2.0.0</ows:Version></ows:AcceptVersions></wps:GetCapabilities>`,
      "1.0.0",
    ],
    [
      `<wps:GetCapabilities ${WPS1} service="WPS"><wps:AcceptVersions><ows:Version>2.0.0</ows:Version></wps:AcceptVersions></wps:GetCapabilities>`,
      "2.0.0",
    ],
    // Anything unknown stays on the 1.0.0 path, which refuses it as before.
    ['<Execute xmlns="urn:other"/>', "1.0.0"],
  ])("%s → %s", (doc, v) => {
    expect(wps2.negotiateXml(parseXml(doc))).toBe(v);
  });

  it("an AcceptVersions without a supported version fails negotiation", () => {
    const doc = `<wps:GetCapabilities ${WPS2} service="WPS"><ows:AcceptVersions><ows:Version>3.0.0</ows:Version></ows:AcceptVersions></wps:GetCapabilities>`;
    expect(refused(() => wps2.negotiateXml(parseXml(doc)))).toMatchObject({
      code: "VersionNegotiationFailed",
      locator: "AcceptVersions",
    });
  });
});
