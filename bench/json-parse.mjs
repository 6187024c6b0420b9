#!/usr/bin/env node
/**
 * Micro-benchmark of Roost's strict JSON parser (`parseJson`) against `JSON.parse` on execute-request bodies:
 * a ~10 KB body of mixed inputs (compact and indented) (strings, numbers, bounding boxes, qualified values, a GeoJSON value) and a
 * ~1 MB body dominated by one base64 string. Run after `npm run build`: `node bench/json-parse.mjs [--seconds=2]`.
 * Alternates the two parsers in rounds so that background load on a shared machine hits both alike, and prints
 * the median time per parse and the ratio.
 */
import { parseArgs } from "node:util";
import { parseJson } from "../packages/core/dist/index.js";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "2" } } });
const budgetMs = Number(values.seconds) * 1000;

/** A ~10 KB execute body shaped like what clients send. */
function executeBody(targetBytes, indent = 0) {
  const inputs = {};
  let i = 0;
  while (JSON.stringify({ inputs }, null, indent).length < targetBytes - 300) {
    switch (i % 6) {
      case 0:
        inputs[`name_${i}`] = `value number ${i} with some text and a "quote" and é`;
        break;
      case 1:
        inputs[`delay_${i}`] = i * 0.125;
        break;
      case 2:
        inputs[`count_${i}`] = [1, 2, 3, i];
        break;
      case 3:
        inputs[`box_${i}`] = {
          bbox: [51.9, 7, 52, 7.1],
          crs: "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        };
        break;
      case 4:
        inputs[`geom_${i}`] = {
          value: {
            type: "Polygon",
            coordinates: [
              [
                [-176.58, -44.1],
                [-176.59, -44.11],
                [-176.6, -44.1],
                [-176.58, -44.1],
              ],
            ],
          },
          mediaType: "application/geo+json",
        };
        break;
      default:
        inputs[`ref_${i}`] = { href: `https://example.org/data/${i}.nc`, type: "application/x-netcdf" };
    }
    i++;
  }
  return JSON.stringify(
    {
      inputs,
      outputs: { output: { format: { mediaType: "application/json" }, transmissionMode: "value" } },
      response: "document",
      subscriber: { successUri: "https://example.org/callback/success" },
    },
    null,
    indent,
  );
}

function base64Body(targetBytes) {
  const data = Buffer.alloc(Math.floor((targetBytes * 3) / 4), 7).toString("base64");
  return JSON.stringify({ inputs: { image: { value: data, mediaType: "image/png", encoding: "base64" } } });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeOne(fn, text, reps) {
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < reps; r++) fn(text);
  return Number(process.hrtime.bigint() - t0) / 1e3 / reps; // µs per parse
}

function compare(label, text) {
  const ours = (t) => parseJson(t, { maxBytes: 64 * 1024 * 1024 });
  const native = (t) => JSON.parse(t);
  // Same result first: the benchmark must not time a parser that gives a different answer.
  if (JSON.stringify(ours(text)) !== JSON.stringify(native(text)))
    throw new Error(`${label}: results differ`);
  const reps = Math.max(1, Math.round(2_000_000 / text.length));
  for (let w = 0; w < 20; w++) {
    timeOne(ours, text, reps);
    timeOne(native, text, reps);
  }
  const a = [];
  const b = [];
  const end = Date.now() + budgetMs;
  while (Date.now() < end) {
    a.push(timeOne(ours, text, reps));
    b.push(timeOne(native, text, reps));
  }
  const mo = median(a);
  const mn = median(b);
  console.log(
    `${label.padEnd(22)} ${String(text.length).padStart(8)} B   parseJson ${mo.toFixed(1).padStart(8)} µs   JSON.parse ${mn
      .toFixed(1)
      .padStart(8)} µs   ratio ${(mo / mn).toFixed(2)}×   (${a.length} rounds)`,
  );
}

console.log(`node ${process.version}`);
compare("execute body ~10 KB", executeBody(10_000));
compare("same, indented", executeBody(10_000, 2));
compare("execute body ~100 KB", executeBody(100_000));
compare("base64 input ~1 MB", base64Body(1_000_000));
