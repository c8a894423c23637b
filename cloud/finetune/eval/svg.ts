/** @module Small self-contained SVG plots for the evaluation report: line charts (with reference lines and markers) and per-group strip plots with box summaries. */

export const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"];

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const fmt = (x: number) => (Math.abs(x) >= 1000 || (Math.abs(x) < 0.01 && x !== 0) ? x.toPrecision(2) : Number(x.toPrecision(3)).toString());

interface Frame {
  readonly w: number;
  readonly h: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

function ticks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step0 = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function axes(f: Frame, x: [number, number], y: [number, number], xLabel: string, yLabel: string, yTicks = true): { sx: (v: number) => number; sy: (v: number) => number; svg: string } {
  const sx = (v: number) => f.left + ((v - x[0]) / (x[1] - x[0] || 1)) * (f.w - f.left - f.right);
  const sy = (v: number) => f.h - f.bottom - ((v - y[0]) / (y[1] - y[0] || 1)) * (f.h - f.top - f.bottom);
  const parts = [`<rect x="${f.left}" y="${f.top}" width="${f.w - f.left - f.right}" height="${f.h - f.top - f.bottom}" fill="none" stroke="#999"/>`];
  for (const t of ticks(x[0], x[1])) parts.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${f.h - f.bottom}" y2="${f.h - f.bottom + 4}" stroke="#666"/><text x="${sx(t)}" y="${f.h - f.bottom + 15}" font-size="10" text-anchor="middle">${fmt(t)}</text>`);
  if (yTicks) for (const t of ticks(y[0], y[1])) parts.push(`<line x1="${f.left - 4}" x2="${f.left}" y1="${sy(t)}" y2="${sy(t)}" stroke="#666"/><text x="${f.left - 6}" y="${sy(t) + 3}" font-size="10" text-anchor="end">${fmt(t)}</text>`);
  parts.push(`<text x="${(f.left + f.w - f.right) / 2}" y="${f.h - 4}" font-size="11" text-anchor="middle">${esc(xLabel)}</text>`);
  parts.push(`<text transform="translate(12 ${(f.top + f.h - f.bottom) / 2}) rotate(-90)" font-size="11" text-anchor="middle">${esc(yLabel)}</text>`);
  return { sx, sy, svg: parts.join("") };
}

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  readonly color?: string;
  readonly dashed?: boolean;
}

export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** vertical reference lines (e.g. the onset) */
  readonly vlines?: readonly { x: number; label: string; color?: string }[];
  /** horizontal reference lines (e.g. τ, the bigram loss) */
  readonly hlines?: readonly { y: number; label: string; color?: string }[];
  /** point markers (e.g. the detection minute) */
  readonly markers?: readonly { x: number; y: number; label: string; color?: string }[];
  readonly y?: [number, number];
  readonly width?: number;
  readonly height?: number;
}

export function lineChart(c: LineChart): string {
  const f: Frame = { w: c.width ?? 420, h: c.height ?? 240, left: 52, right: 12, top: 24, bottom: 36 };
  const xs = [...c.series.flatMap((s) => s.points.map((p) => p[0])), ...(c.vlines ?? []).map((v) => v.x)].filter(Number.isFinite);
  const ys = [...c.series.flatMap((s) => s.points.map((p) => p[1])), ...(c.hlines ?? []).map((v) => v.y)].filter(Number.isFinite);
  const x: [number, number] = xs.length === 0 ? [0, 1] : [Math.min(...xs), Math.max(...xs)];
  const y: [number, number] = c.y ?? (ys.length === 0 ? [0, 1] : [Math.min(...ys), Math.max(...ys)]);
  if (x[1] === x[0]) x[1] = x[0] + 1;
  if (y[1] === y[0]) y[1] = y[0] + 1;
  const a = axes(f, x, y, c.xLabel, c.yLabel);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${f.w}" height="${f.h}" viewBox="0 0 ${f.w} ${f.h}" role="img"><title>${esc(c.title)}</title>`, `<text x="${f.left}" y="15" font-size="12" font-weight="bold">${esc(c.title)}</text>`, a.svg];
  c.series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    if (pts.length === 0) return;
    const d = pts.map((p, k) => `${k === 0 ? "M" : "L"}${a.sx(p[0]).toFixed(1)},${a.sy(p[1]).toFixed(1)}`).join("");
    parts.push(`<path d="${d}" fill="none" stroke="${s.color ?? COLORS[i % COLORS.length]}" stroke-width="1.5"${s.dashed ? ' stroke-dasharray="4 3"' : ""}><title>${esc(s.name)}</title></path>`);
  });
  for (const v of c.vlines ?? []) parts.push(`<line x1="${a.sx(v.x)}" x2="${a.sx(v.x)}" y1="${f.top}" y2="${f.h - f.bottom}" stroke="${v.color ?? "#555"}" stroke-dasharray="3 3"><title>${esc(v.label)}</title></line>`);
  for (const v of c.hlines ?? []) parts.push(`<line x1="${f.left}" x2="${f.w - f.right}" y1="${a.sy(v.y)}" y2="${a.sy(v.y)}" stroke="${v.color ?? "#555"}" stroke-dasharray="2 4"><title>${esc(v.label)}</title></line>`);
  for (const m of c.markers ?? []) parts.push(`<circle cx="${a.sx(m.x)}" cy="${a.sy(m.y)}" r="4" fill="${m.color ?? "#000"}"><title>${esc(m.label)}</title></circle>`);
  const legend = [...c.series.map((s, i) => ({ name: s.name, color: s.color ?? COLORS[i % COLORS.length]! })), ...(c.vlines ?? []).map((v) => ({ name: v.label, color: v.color ?? "#555" })), ...(c.hlines ?? []).map((v) => ({ name: v.label, color: v.color ?? "#555" })), ...(c.markers ?? []).map((m) => ({ name: m.label, color: m.color ?? "#000" }))];
  const seen = new Set<string>();
  let ly = f.top + 12;
  for (const l of legend) {
    if (seen.has(l.name)) continue;
    seen.add(l.name);
    parts.push(`<rect x="${f.w - f.right - 128}" y="${ly - 8}" width="8" height="8" fill="${l.color}"/><text x="${f.w - f.right - 116}" y="${ly}" font-size="10">${esc(l.name.slice(0, 24))}</text>`);
    ly += 12;
  }
  parts.push("</svg>");
  return parts.join("");
}

export interface StripGroup {
  readonly name: string;
  readonly values: readonly number[];
}

/** One row per group: every value as a dot (deterministic vertical jitter), with the quartiles as a box and the median as a bar. */
export function stripPlot(title: string, xLabel: string, groups: readonly StripGroup[], x?: [number, number]): string {
  const rowH = 34;
  const f: Frame = { w: 560, h: 60 + rowH * Math.max(1, groups.length), left: 190, right: 16, top: 24, bottom: 36 };
  const all = groups.flatMap((g) => g.values).filter(Number.isFinite);
  const range: [number, number] = x ?? (all.length === 0 ? [0, 1] : [Math.min(...all), Math.max(...all)]);
  if (range[1] === range[0]) [range[0], range[1]] = [range[0] - 1, range[1] + 1];
  if (x === undefined) {
    const pad = 0.05 * (range[1] - range[0]);
    [range[0], range[1]] = [range[0] - pad, range[1] + pad];
  }
  const a = axes(f, range, [0, groups.length], xLabel, "", false);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${f.w}" height="${f.h}" viewBox="0 0 ${f.w} ${f.h}" role="img"><title>${esc(title)}</title>`, `<text x="8" y="15" font-size="12" font-weight="bold">${esc(title)}</text>`];
  parts.push(a.svg);
  groups.forEach((g, i) => {
    const cy = f.top + rowH * (i + 0.5) + 6;
    const color = COLORS[i % COLORS.length]!;
    const vals = g.values.filter(Number.isFinite);
    parts.push(`<text x="${f.left - 6}" y="${cy + 3}" font-size="10" text-anchor="end">${esc(g.name.slice(0, 32))} (n=${vals.length})</text>`);
    const sorted = [...vals].sort((p, q) => p - q);
    if (sorted.length > 0) {
      const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
      parts.push(`<rect x="${a.sx(q(0.25))}" y="${cy - 9}" width="${Math.max(1, a.sx(q(0.75)) - a.sx(q(0.25)))}" height="18" fill="${color}" fill-opacity="0.15" stroke="${color}"/>`);
      parts.push(`<line x1="${a.sx(q(0.5))}" x2="${a.sx(q(0.5))}" y1="${cy - 11}" y2="${cy + 11}" stroke="${color}" stroke-width="2"/>`);
    }
    vals.forEach((v, k) => parts.push(`<circle cx="${a.sx(v).toFixed(1)}" cy="${(cy + (((k * 7919) % 13) - 6)).toFixed(1)}" r="2.5" fill="${color}" fill-opacity="0.7"><title>${fmt(v)}</title></circle>`));
  });
  parts.push("</svg>");
  return parts.join("");
}
