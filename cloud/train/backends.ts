/** @module Engine backends by name: `reference` always; `cpu` and `webgpu` imported lazily when their module is in this build, with a clear error otherwise. */
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Backend, TensorTypes } from "../engine/kernels.js";
import { referenceBackend } from "../engine/reference/index.js";

export const BACKEND_NAMES = ["reference", "cpu", "webgpu"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendOptions {
  /** worker threads of the cpu backend (default: its own choice) */
  readonly threads?: number;
}

/** A backend cannot be opened: not in this build, or it failed to start (no GPU adapter, ...). */
export class BackendUnavailableError extends Error {
  override readonly name = "BackendUnavailableError";
}

type AnyBackend = Backend<TensorTypes>;

const isBackend = (x: unknown): x is AnyBackend => typeof x === "object" && x !== null && "kernels" in x && "alloc" in x && typeof (x as { alloc: unknown }).alloc === "function";

/**
 * A module's backend: a factory export named create or create…Backend (called with the options, may be
 * async), else an exported Backend object.
 */
async function backendFromModule(name: string, mod: Record<string, unknown>, options: BackendOptions): Promise<AnyBackend> {
  for (const [key, value] of Object.entries(mod)) {
    if (typeof value === "function" && /^create(\w*Backend)?$/i.test(key)) {
      const made: unknown = await (value as (o: BackendOptions) => unknown)(options);
      if (isBackend(made)) return made;
    }
  }
  for (const value of Object.values(mod)) if (isBackend(value)) return value;
  throw new BackendUnavailableError(`the ${name} backend module exports no create…Backend() factory or Backend object`);
}

/** Opens a backend by name. Throws BackendUnavailableError (with the reason) when it cannot. */
export async function openBackend(name: string, options: BackendOptions = {}): Promise<AnyBackend> {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) throw new BackendUnavailableError(`unknown backend ${JSON.stringify(name)}; expected one of ${BACKEND_NAMES.join(", ")}`);
  if (name === "reference") return referenceBackend as unknown as AnyBackend;
  const js = fileURLToPath(new URL(`../engine/${name}/index.js`, import.meta.url));
  const ts = js.replace(/\.js$/, ".ts");
  const file = existsSync(ts) ? ts : existsSync(js) ? js : undefined;
  if (file === undefined) throw new BackendUnavailableError(`the ${name} backend is not available in this build (no cloud/engine/${name}/index.ts); use --backend reference`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new BackendUnavailableError(`the ${name} backend failed to load: ${(err as Error).message}`);
  }
  try {
    return await backendFromModule(name, mod, options);
  } catch (err) {
    if (err instanceof BackendUnavailableError) throw err;
    throw new BackendUnavailableError(`the ${name} backend failed to start: ${(err as Error).message}`);
  }
}
