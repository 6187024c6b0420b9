/**
 * How an input is written on the command line, for usage lines, help and error hints: its identifier as a user
 * would type it in a shell, and a placeholder for its value.
 */
import type { wps1 } from "@roost/core/internal";

/** An identifier as a user would type it in a shell (quoted when it holds spaces or shell characters). */
export function quoteId(id: string): string {
  return /^[A-Za-z0-9._:/+=,@%-]+$/.test(id) ? id : `'${id.replace(/'/g, `'\\''`)}'`;
}

/** The placeholder shown for an input's value. */
export function valuePlaceholder(d: wps1.Wps1Input): string {
  switch (d.kind) {
    case "literal":
      return `<${d.dataType ?? "value"}>`;
    case "complex":
      return "<url|@file>";
    case "bbox":
      return "<minx,miny,maxx,maxy[,crs]>";
  }
}

/** The usage line of one input (`usage: --<id> <value>`), for errors about its value. */
export function usageHint(d: wps1.Wps1Input): string {
  return `usage: --${quoteId(d.identifier)} ${valuePlaceholder(d)}`;
}
