// `node scripts/wrangler.mjs <args>`: wrangler with the offline/quiet environment of scripts/wrangler-env.mjs.
import { runWrangler } from "./wrangler-env.mjs";

const { code } = await runWrangler(process.argv.slice(2));
process.exitCode = code;
