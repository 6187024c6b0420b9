#!/usr/bin/env node
/**
 * The `roost` command (`bin` of `@roost/client`): the client commands, plus the server's when `@roost/server` is
 * installed (see `../cli/main.ts`).
 */
import { main } from "../cli/main.js";

await main(process.argv);
