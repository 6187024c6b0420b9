/** Namespaces and schema locations of WPS 1.0.0 and OWS 1.1. */
export const NS = Object.freeze({
  wps: "http://www.opengis.net/wps/1.0.0",
  ows: "http://www.opengis.net/ows/1.1",
  xlink: "http://www.w3.org/1999/xlink",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
  xml: "http://www.w3.org/XML/1998/namespace",
  /** Roost's vendor extensions inside `ows:ExtendedCapabilities` (ignored by other clients). */
  roost: "https://roost.dev/ns/wps",
});

/** Absolute schema locations (PyWPS writes relative ones, which validators cannot resolve). */
export const SCHEMA = Object.freeze({
  capabilities:
    "http://www.opengis.net/wps/1.0.0 http://schemas.opengis.net/wps/1.0.0/wpsGetCapabilities_response.xsd",
  describe:
    "http://www.opengis.net/wps/1.0.0 http://schemas.opengis.net/wps/1.0.0/wpsDescribeProcess_response.xsd",
  execute: "http://www.opengis.net/wps/1.0.0 http://schemas.opengis.net/wps/1.0.0/wpsExecute_response.xsd",
  exception: "http://www.opengis.net/ows/1.1 http://schemas.opengis.net/ows/1.1.0/owsExceptionReport.xsd",
});

/** The only version this front end speaks. */
export const WPS1_VERSION = "1.0.0";

/** XML Schema data type reference URI for `ows:DataType@ows:reference`. */
export function dataTypeReference(t: string): string {
  return `http://www.w3.org/TR/xmlschema-2/#${t}`;
}
