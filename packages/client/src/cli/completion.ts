/**
 * Shell completion. `roost completion bash|zsh` prints a small script that calls the hidden `roost __complete`
 * command with the words typed so far; `__complete` answers from the cached descriptions and the job history only
 * (never the network), so completion stays instant and works offline.
 */
import type { wps1 } from "@roost/core/internal";
import type { HistoryEntry } from "../history.js";
import { COMMON_OPTIONS } from "./options.js";
import { RUN_OPTIONS } from "./run-options.js";

/** The commands offered at the first position. */
export const COMMANDS = [
  "processes",
  "describe",
  "run",
  "status",
  "jobs",
  "completion",
  "serve",
  "help",
] as const;

/** What completion may consult. */
export interface CompletionContext {
  readonly processes: readonly wps1.Wps1ProcessDescription[];
  readonly jobs: readonly HistoryEntry[];
}

/** Marker telling the shell script to complete file names instead. */
export const FILES = "__files__";

const COMMON_WITH_VALUE = new Set(
  COMMON_OPTIONS.filter((o) => o.value !== undefined).flatMap((o) => [
    `--${o.name}`,
    ...(o.short ? [`-${o.short}`] : []),
  ]),
);
const RUN_WITH_VALUE = new Set(
  RUN_OPTIONS.filter((o) => o.value !== undefined).flatMap((o) => [
    `--${o.name}`,
    ...(o.short ? [`-${o.short}`] : []),
  ]),
);

const commonNames = () => COMMON_OPTIONS.map((o) => `--${o.name}`);
const runNames = () => RUN_OPTIONS.map((o) => `--${o.name}`);

/** The `--url`/`--language` values among the words typed so far (completion must use the same cache entry). */
export function optionFromWords(words: readonly string[], name: string, short?: string): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? "";
    if (w.startsWith(`--${name}=`)) return w.slice(name.length + 3);
    if (w === `--${name}` || (short !== undefined && w === `-${short}`)) return words[i + 1];
  }
  return undefined;
}

/**
 * Candidates for the word at `cword` (`words[0]` is `roost`). Returns {@link FILES} alone when file names fit.
 */
export function completeWords(words: readonly string[], cword: number, ctx: CompletionContext): string[] {
  const before = words.slice(1, cword);
  const cur = words[cword] ?? "";
  const filter = (list: readonly string[]) => [...new Set(list)].filter((c) => c.startsWith(cur));
  if (before.length === 0) return filter(COMMANDS);
  const sub = before[0];
  const ids = ctx.processes.map((p) => p.identifier);
  // Positional words after the subcommand, skipping option values.
  const positional: { word: string; index: number }[] = [];
  for (let i = 1; i < before.length; i++) {
    const w = before[i] ?? "";
    if (w.startsWith("-")) {
      if ((COMMON_WITH_VALUE.has(w) || RUN_WITH_VALUE.has(w)) && !w.includes("=")) i++;
      continue;
    }
    positional.push({ word: w, index: i });
    if (sub === "run") break;
  }
  const prev = before[before.length - 1] ?? "";
  if (sub === "run" && (prev === "--output" || prev === "-o")) {
    const desc = ctx.processes.find((p) => p.identifier === positional[0]?.word);
    return filter(desc ? desc.outputs.map((o) => o.identifier) : []);
  }
  if (COMMON_WITH_VALUE.has(prev) || (sub === "run" && RUN_WITH_VALUE.has(prev))) {
    if (prev === "--ca-file" || prev === "--cert" || prev === "--output-dir" || prev === "-d") return [FILES];
    return [];
  }
  switch (sub) {
    case "completion":
      return positional.length === 0 ? filter(["bash", "zsh"]) : [];
    case "describe":
      if (cur.startsWith("-")) return filter(commonNames());
      return positional.length === 0 ? filter(ids) : [];
    case "status":
      if (cur.startsWith("-")) return filter([...commonNames(), "--wait", "--output-dir", "--timeout"]);
      return positional.length === 0 ? filter(ctx.jobs.map((j) => j.id)) : [];
    case "run": {
      const pid = positional[0]?.word;
      if (pid === undefined)
        return cur.startsWith("-") ? filter([...runNames(), ...commonNames()]) : filter(ids);
      const desc = ctx.processes.find((p) => p.identifier === pid);
      if (!desc) return cur.startsWith("-") ? filter([...runNames(), ...commonNames()]) : [];
      if (prev.startsWith("--")) {
        const input = desc.inputs.find((i) => i.identifier === prev.slice(2));
        if (input) {
          if (input.kind === "complex") return [FILES];
          if (input.kind === "literal") {
            if (input.literalType === "boolean") return filter(["true", "false"]);
            if (input.allowedValues.kind === "values") return filter(input.allowedValues.values.map(String));
          }
          return [];
        }
      }
      return filter([...desc.inputs.map((i) => `--${i.identifier}`), ...runNames(), ...commonNames()]);
    }
    default:
      return cur.startsWith("-") ? filter(commonNames()) : [];
  }
}

/** Escape a candidate for bash (the script feeds it to COMPREPLY as is). */
export function bashEscape(s: string): string {
  return s.replace(/([^A-Za-z0-9_./:=@%+,-])/g, "\\$1");
}

/** The bash completion script. */
export function bashScript(): string {
  return `# roost completion for bash. Load with:  eval "$(roost completion bash)"
# or save it:  roost completion bash > ~/.local/share/bash-completion/completions/roost
_roost_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local out
  out="$(roost __complete bash "$COMP_CWORD" "\${COMP_WORDS[@]}" 2>/dev/null)"
  if [[ "$out" == "${FILES}" ]]; then
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    return 0
  fi
  mapfile -t COMPREPLY <<< "$out"
  [[ -z "\${COMPREPLY[0]}" ]] && COMPREPLY=()
  return 0
}
complete -F _roost_complete roost
`;
}

/** The zsh completion script. */
export function zshScript(): string {
  return `#compdef roost
# roost completion for zsh. Load with:  eval "$(roost completion zsh)"  (after compinit)
# or save it as _roost in a directory of your $fpath.
_roost() {
  local out
  out="$(roost __complete zsh $((CURRENT - 1)) "\${words[@]}" 2>/dev/null)"
  if [[ "$out" == "${FILES}" ]]; then
    _files
    return
  fi
  local -a candidates
  candidates=("\${(@f)out}")
  (( \${#candidates} )) && [[ -n "\${candidates[1]}" ]] && compadd -- "\${candidates[@]}"
}
compdef _roost roost
`;
}
