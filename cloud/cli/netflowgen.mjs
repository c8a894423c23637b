#!/usr/bin/env node
// @module The `netflowgen` executable (package.json "bin"): registers tsx's loader in this process and runs cloud/cli/main.ts.
import { register } from "tsx/esm/api";

register();
const { main } = await import(new URL("./main.ts", import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
