// Test support: the real edge Worker under `wrangler dev` on loopback, with its own local state, migrations applied, and a fixed operator token.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, runWrangler, wranglerBin, wranglerEnv } from "../../../scripts/wrangler-env.mjs";

export interface EdgeDev {
  url: string;
  adminToken: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Starts `wrangler dev` with fresh local state; resolves once /healthz answers. */
export async function startEdgeDev(): Promise<EdgeDev> {
  const persist = mkdtempSync(join(tmpdir(), "nfg-edge-"));
  const env = wranglerEnv();
  const applied = await runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], { env, capture: true });
  if (applied.code !== 0) throw new Error(`applying migrations failed:\n${applied.stdout}`);
  const port = await freePort();
  const inspector = await freePort();
  const adminToken = `e2e-${Math.random().toString(36).slice(2)}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [wranglerBin(), "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector), "--persist-to", persist, "--var", `ADMIN_TOKEN:${adminToken}`, "--show-interactive-dev-session=false", "--log-level", "warn"],
    { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((r) => child.once("exit", r));
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
    }
    rmSync(persist, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not answer within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, adminToken, stop };
}
