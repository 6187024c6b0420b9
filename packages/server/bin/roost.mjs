#!/usr/bin/env node
// `roost` from the server's build (client and server commands). Not a declared `bin`: the installed `roost` command
// is @roost/client's, which finds the server commands itself; this shim is kept for scripts that run it by path.
import "../dist/bin/roost.js";
