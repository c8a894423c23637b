// Environment for running wrangler offline and quietly: no telemetry or error reports, no update check,
// no Request.cf fetch, and its config, logs and temp files kept in the gitignored .tmp/ of the repository.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Process environment for wrangler (creates the .tmp/ folders it points at). */
export function wranglerEnv(base = process.env) {
  const xdg = join(REPO_ROOT, ".tmp", "xdg");
  const tmp = join(REPO_ROOT, ".tmp", "tmp");
  mkdirSync(xdg, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  return {
    ...base,
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_SEND_ERROR_REPORTS: "false",
    WRANGLER_HIDE_BANNER: "true",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    XDG_CONFIG_HOME: xdg,
    TMPDIR: tmp,
  };
}

/** Absolute path of the installed wrangler CLI (run with the current node). */
export function wranglerBin() {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");
}

/**
 * Runs wrangler with `args` in the repository root. Resolves with its exit code; `capture` collects stdout
 * (stderr is always passed through so failures explain themselves).
 */
export function runWrangler(args, { capture = false, env = wranglerEnv() } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [wranglerBin(), ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
    });
    let stdout = "";
    if (capture) child.stdout.on("data", (chunk) => (stdout += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : 1), stdout }));
  });
}
