/**
 * `node --import @roost/server/typescript …`: run TypeScript files (process modules, their tests) with Node, e.g.
 * `node --import @roost/server/typescript --test processes/flood.test.ts` — what `roost new process --ts` writes
 * into package.json. It registers tsx, the TypeScript loader the server itself uses for `.ts` process modules, found
 * next to the server rather than in the author's package, where npm may or may not have put it.
 */
import "tsx";
