/** @module The zod-validator hook that turns request-validation failures into our JSON 400 body. */
import type { Context } from "hono";
import { jsonError } from "./errors.js";

type HookResult = { success: true } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };

export function validationHook(result: HookResult, c: Context): Response | undefined {
  if (result.success) return undefined;
  const issues = result.error.issues.slice(0, 5).map((i) => `${i.path.map(String).join(".") || "body"}: ${i.message}`);
  return jsonError(c, 400, "invalid_request", issues.join("; "));
}
