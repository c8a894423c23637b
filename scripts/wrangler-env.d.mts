// Types of scripts/wrangler-env.mjs, for the TypeScript files that import it (test/vitest.edge.config.ts).
export declare const REPO_ROOT: string;
export declare function wranglerEnv(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export declare function wranglerBin(): string;
export declare function runWrangler(
  args: readonly string[],
  options?: { capture?: boolean; env?: NodeJS.ProcessEnv },
): Promise<{ code: number; stdout: string }>;
