/**
 * WPS 2.0.0 job documents: `wps:StatusInfo` (Execute async, GetStatus, Dismiss) and `wps:Result` (Execute sync
 * document, GetResult), wpsCommon.xsd. Values are encoded so the document stays well-formed whatever they hold:
 * text is escaped (characters XML 1.0 cannot carry become U+FFFD, as in every Roost document), non-XML inline data
 * goes into CDATA, embedded XML stays XML, binary travels base64.
 */
import { RoostError } from "../../errors/catalogue.js";
import { normalizeMimeType } from "../../io/formats.js";
import type { OutputRequest } from "../../io/types.js";
import type { JobView, OutputValueView, StatusView } from "../view.js";
import { type Attrs, cdata, XmlWriter } from "../xml/write.js";
import { dataTypeUri, mimeTypeOf, SCHEMA } from "./constants.js";
import { boundingBox, ROOT_NS, utc } from "./encode-common.js";

const ROOT: Attrs = [...ROOT_NS, ["xsi:schemaLocation", SCHEMA.wps]];

/** Times a StatusInfo or Result may announce; Roost's job record knows none of them, the caller decides. */
export interface JobTimes {
  /** When the job and its results will be removed. */
  readonly expirationDate?: Date;
  /** When the job is expected to finish (StatusInfo only). */
  readonly estimatedCompletion?: Date;
  /** When the client should poll next (StatusInfo only). */
  readonly nextPoll?: Date;
}

/** The `wps:Status` value of a status (basic set of 14-065r2 §6.7; `Dismissed` from the Dismiss extension, §12.1). */
export function statusName(
  s: StatusView["kind"],
): "Accepted" | "Running" | "Succeeded" | "Failed" | "Dismissed" {
  switch (s) {
    case "accepted":
      return "Accepted";
    case "running":
      return "Running";
    case "succeeded":
      return "Succeeded";
    case "failed":
      return "Failed";
    case "dismissed":
      return "Dismissed";
  }
}

/**
 * `wps:StatusInfo`. PercentCompleted is written for running jobs (0–99: 100 "means the job is complete",
 * 14-065r2 §9.5, so a running job never shows it) and as 100 for succeeded ones; a failure's exception report is
 * delivered by GetResult (`/req/service/model/execute/exception/accepted-job`), not here.
 */
export function encodeStatusInfo(view: Pick<JobView, "jobId" | "status">, times: JobTimes = {}): string {
  const w = new XmlWriter();
  w.open("wps:StatusInfo", ROOT);
  w.leaf("wps:JobID", undefined, view.jobId);
  w.leaf("wps:Status", undefined, statusName(view.status.kind));
  if (times.expirationDate) w.leaf("wps:ExpirationDate", undefined, utc(times.expirationDate));
  if (times.estimatedCompletion) w.leaf("wps:EstimatedCompletion", undefined, utc(times.estimatedCompletion));
  if (times.nextPoll) w.leaf("wps:NextPoll", undefined, utc(times.nextPoll));
  const s = view.status;
  if (s.kind === "running") {
    const pct = Number.isFinite(s.percent) ? Math.max(0, Math.min(99, Math.floor(s.percent))) : 0;
    w.leaf("wps:PercentCompleted", undefined, String(pct));
  } else if (s.kind === "succeeded") {
    w.leaf("wps:PercentCompleted", undefined, "100");
  }
  w.close("wps:StatusInfo");
  return w.toString();
}

/** The Dismiss response: a StatusInfo whose status is `Dismissed` (14-065r2 §12.1.2). */
export function encodeDismissed(jobId: string, times: Pick<JobTimes, "expirationDate"> = {}): string {
  return encodeStatusInfo({ jobId, status: { kind: "dismissed", message: "" } }, times);
}

function wantsPlainText(req: OutputRequest | undefined): boolean {
  return req?.mimeType !== undefined && normalizeMimeType(req.mimeType).startsWith("text/plain");
}

/**
 * One output's `wps:Data` or `wps:Reference`. Literals and bounding boxes use the text/xml encoding
 * (`wps:LiteralValue`, `ows:BoundingBox`, 14-065r2 §8.1) unless the client asked for text/plain, which gets the
 * plain-text encoding of §8.2 (`value[@uom=…]`, `minx,miny,maxx,maxy[,crs]`).
 */
function outputValue(w: XmlWriter, v: OutputValueView, req: OutputRequest | undefined): void {
  switch (v.kind) {
    case "reference":
      w.leaf("wps:Reference", [
        ["xlink:href", v.href],
        ["mimeType", mimeTypeOf(v.mimeType)],
        ["encoding", v.encoding],
        ["schema", v.schema],
      ]);
      return;
    case "literal":
      if (wantsPlainText(req)) {
        const text = v.uom !== undefined ? `${v.value}@uom=${v.uom}` : v.value;
        w.leaf("wps:Data", [["mimeType", "text/plain"]], text);
        return;
      }
      w.open("wps:Data", [["mimeType", "text/xml"]]);
      w.leaf(
        "wps:LiteralValue",
        [
          ["dataType", dataTypeUri(v.dataType)],
          ["uom", v.uom],
        ],
        v.value,
      );
      w.close("wps:Data");
      return;
    case "bbox": {
      const b = v.value;
      if (wantsPlainText(req)) {
        const text = [...b.lowerCorner, ...b.upperCorner, ...(b.crs ? [b.crs] : [])].join(",");
        w.leaf("wps:Data", [["mimeType", "text/plain"]], text);
        return;
      }
      w.open("wps:Data", [["mimeType", "text/xml"]]);
      boundingBox(w, b);
      w.close("wps:Data");
      return;
    }
    case "inline":
      w.open("wps:Data", [
        ["mimeType", mimeTypeOf(v.mimeType)],
        ["encoding", v.encoding],
        ["schema", v.schema],
      ]);
      // Embedded XML stays XML; any other text goes into CDATA so `<` and `&` in JSON cannot break the document
      // (base64 text needs neither, and CDATA changes nothing for it).
      w.raw(v.xml ? v.data : cdata(v.data));
      w.close("wps:Data");
      return;
  }
}

/** Options of {@link encodeResult}. */
export interface ResultOptions extends Pick<JobTimes, "expirationDate"> {
  /** Include the JobID (default true: needed for Dismiss, `/req/service/model/dismiss/execute-response-jobid`). */
  readonly jobId?: boolean;
  /** What the client asked per output (the Execute's `wps:Output`s), to honour a text/plain literal request. */
  readonly outputs?: readonly OutputRequest[];
}

/**
 * `wps:Result` of a succeeded job: its outputs as the view resolved them (inline or by reference), in view order.
 * The schema needs at least one output, so a job without any cannot be reported as a Result: that is a
 * ProcessFailed error for the caller to send instead.
 */
export function encodeResult(view: Pick<JobView, "jobId" | "outputs">, options: ResultOptions = {}): string {
  const outputs = view.outputs ?? [];
  if (outputs.length === 0)
    throw new RoostError("ProcessFailed", "The job produced no output, so there is no result to return");
  const reqs = new Map((options.outputs ?? []).map((r) => [r.id, r]));
  const w = new XmlWriter();
  w.open("wps:Result", ROOT);
  if (options.jobId !== false) w.leaf("wps:JobID", undefined, view.jobId);
  if (options.expirationDate) w.leaf("wps:ExpirationDate", undefined, utc(options.expirationDate));
  for (const o of outputs) {
    w.open("wps:Output", [["id", o.definition.identifier]]);
    outputValue(w, o.value, reqs.get(o.definition.identifier));
    w.close("wps:Output");
  }
  w.close("wps:Result");
  return w.toString();
}
