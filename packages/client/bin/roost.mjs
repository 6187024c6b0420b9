#!/usr/bin/env node
// The installed `roost` command. A committed shim (not the compiled file) so npm can link it at install time,
// before `tsc` has produced dist/.
import "../dist/bin/roost.js";
