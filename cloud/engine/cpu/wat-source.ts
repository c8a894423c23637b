/** @module The cpu kernels' WAT source: fragments under wat/ joined into one module, in a relaxed-SIMD (FMA) and a plain-SIMD (mul + add) variant. */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The two builds: `relaxed` keeps f32x4.relaxed_madd (one FMA), `simd` rewrites it to f32x4.mul + f32x4.add. */
export type WasmVariant = "relaxed" | "simd";

const WAT_DIR = fileURLToPath(new URL("./wat/", import.meta.url));

/** The fragments in file-name order (00-header first). */
export function readFragments(): { name: string; text: string }[] {
  return readdirSync(WAT_DIR)
    .filter((f) => f.endsWith(".wat"))
    .sort()
    .map((name) => ({ name, text: readFileSync(WAT_DIR + name, "utf8") }));
}

/** The whole module text of one variant. */
export function moduleText(variant: WasmVariant, fragments = readFragments()): string {
  const body = fragments.map((f) => `;; ---- ${f.name}\n${f.text}`).join("\n");
  const text = `(module\n${body}\n)\n`;
  return variant === "relaxed" ? text : rewriteMadd(text);
}

/** A digest of the sources (and of this file's rewrite), stamped next to prebuilt binaries to tell whether they are up to date. */
export function sourceDigest(fragments = readFragments()): string {
  const h = createHash("sha256");
  h.update(readFileSync(fileURLToPath(import.meta.url), "utf8"));
  for (const f of fragments) h.update(`${f.name}\0${f.text}\0`);
  return h.digest("hex");
}

const MADD = "(f32x4.relaxed_madd";

/** Rewrites every folded `(f32x4.relaxed_madd a b c)` to `(f32x4.add (f32x4.mul a b) c)`. */
export function rewriteMadd(text: string): string {
  let out = "";
  let pos = 0;
  for (;;) {
    const at = text.indexOf(MADD, pos);
    if (at < 0) return out + text.slice(pos);
    out += text.slice(pos, at);
    let i = at + MADD.length;
    const args: string[] = [];
    for (;;) {
      while (/\s/.test(text[i] ?? "")) i++;
      if (text[i] === ")") break;
      if (text[i] !== "(") throw new SyntaxError(`relaxed_madd operand at ${i} is not a folded expression`);
      const end = matchParen(text, i);
      args.push(rewriteMadd(text.slice(i, end)));
      i = end;
    }
    if (args.length !== 3) throw new SyntaxError(`relaxed_madd at ${at} has ${args.length} operands, not 3`);
    out += `(f32x4.add (f32x4.mul ${args[0]} ${args[1]}) ${args[2]})`;
    pos = i + 1;
  }
}

/** Index just past the parenthesis that closes the one at `open`. */
function matchParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i + 1;
  }
  throw new SyntaxError(`unbalanced parenthesis at ${open}`);
}
