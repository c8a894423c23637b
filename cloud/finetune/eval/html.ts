/** @module The self-contained HTML report of `netflowgen eval`: the Markdown tables as HTML, and inline SVG plots (effectiveness and mitigation-time distributions per model, survival curves of example attacks against their onset, pre-training loss curves). */
import type { PretrainSummary } from "../pretrain-log.js";
import type { RunRecord } from "./runs.js";
import { COLORS, lineChart, stripPlot } from "./svg.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A minimal Markdown → HTML for what tables.ts writes: headings, pipe tables, bullet lists, paragraphs, `code` and **bold**. */
export function markdownToHtml(md: string): string {
  const inline = (s: string) => esc(s).replace(/`([^`]+)`/g, "<code>$1</code>").replace(/\*\*([^*]+)\*\*/g, "<b>$1</b>");
  const out: string[] = [];
  const lines = md.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith("## ")) out.push(`<h2>${inline(l.slice(3))}</h2>`);
    else if (l.startsWith("# ")) out.push(`<h1>${inline(l.slice(2))}</h1>`);
    else if (l.startsWith("| ")) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.startsWith("|")) {
        rows.push(lines[i]!.slice(1, -1).split("|").map((c) => c.trim()));
        i++;
      }
      i--;
      const [head, , ...body] = rows;
      out.push(`<table><thead><tr>${(head ?? []).map((c) => `<th>${inline(c)}</th>`).join("")}</tr></thead><tbody>${body.map((r) => `<tr>${r.map((c, k) => `<td${k > 0 ? ' class="n"' : ""}>${inline(c)}</td>`).join("")}</tr>`).join("")}</tbody></table>`);
    } else if (l.startsWith("- ")) {
      const items: string[] = [];
      while (i < lines.length && lines[i]!.startsWith("- ")) items.push(`<li>${inline(lines[i++]!.slice(2))}</li>`);
      i--;
      out.push(`<ul>${items.join("")}</ul>`);
    } else if (l.trim() !== "") out.push(`<p>${inline(l)}</p>`);
  }
  return out.join("\n");
}

function distributions(runs: readonly RunRecord[]): string {
  const eff = runs.map((r) => ({ name: r.name, values: r.testOutcomes.filter((o) => o.label === 1 && o.effectiveness !== null).map((o) => o.effectiveness!) }));
  const mit = runs.map((r) => ({ name: r.name, values: r.testOutcomes.filter((o) => o.mitigation !== null).map((o) => o.mitigation!) }));
  return [
    stripPlot("Effectiveness B/A per test attack", "effectiveness", eff, [0, 1]),
    stripPlot("Mitigation time per detected test attack", "minutes (detection − onset; < 0 = before the CUSUM onset)", mit),
  ].join("\n");
}

function survivalPlots(runs: readonly RunRecord[], perRun = 4): string {
  const out: string[] = [];
  for (const r of runs) {
    const tau = r.evaluation.all.tau;
    out.push(`<h3>${esc(r.name)}</h3>`);
    const plots: string[] = [];
    for (const c of r.exampleCurves.slice(0, perRun)) {
      plots.push(
        lineChart({
          title: `${c.type}, ${c.node}, test #${c.id}`,
          xLabel: "minute of the window",
          yLabel: "S(t)",
          y: [0, 1],
          width: 360,
          height: 220,
          series: [{ name: "S(t)", points: c.survival.map((s, t) => [t, s] as const) }],
          vlines: c.onset === null ? [] : [{ x: c.onset, label: "CUSUM onset", color: COLORS[1] }],
          hlines: [{ y: tau, label: `τ = ${tau.toPrecision(3)}`, color: "#888" }],
          markers: c.detection === null ? [] : [{ x: c.detection, y: c.survival[c.detection] ?? 0, label: "detection", color: "#000" }],
        }),
      );
    }
    out.push(`<div class="plots">${plots.length === 0 ? "<p>No test attacks with stored curves.</p>" : plots.join("\n")}</div>`);
  }
  return out.length === 0 ? "<p>No test attacks with stored curves.</p>" : out.join("\n");
}

function pretrainPlots(logs: readonly PretrainSummary[]): string {
  if (logs.length === 0) return "<p>No pre-training log.</p>";
  return logs
    .map((l) =>
      lineChart({
        title: `Pre-training loss (${l.path.split("/").slice(-2).join("/")})`,
        xLabel: "optimizer step",
        yLabel: "cross-entropy (nats)",
        width: 560,
        height: 280,
        series: [
          { name: "train (per step)", points: l.trainCurve },
          { name: "validation (per epoch)", points: l.valCurve, color: COLORS[1] },
        ],
        hlines: [{ y: l.bigram.loss, label: `bigram ${l.bigram.loss.toFixed(3)}`, color: COLORS[2] }],
      }),
    )
    .join("\n");
}

export function reportHtml(title: string, markdown: string, runs: readonly RunRecord[], logs: readonly PretrainSummary[], generatedAt: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:3px 8px;font-size:13px}td.n{text-align:right;font-variant-numeric:tabular-nums}
th{background:#f4f4f4}ul{font-size:13px}.plots{display:flex;flex-wrap:wrap;gap:12px}code{font-size:12px}
</style></head><body>
<h1>${esc(title)}</h1>
<p>Generated ${esc(generatedAt)} by <code>netflowgen eval</code> from ${runs.length} run(s): ${runs.map((r) => `<code>${esc(r.dir)}</code>`).join(", ")}.</p>
${markdownToHtml(markdown)}
<h2>Effectiveness and mitigation time per model (test split)</h2>
<div class="plots">${distributions(runs)}</div>
<h2>Survival curves of example test attacks against their onset</h2>
<p>S(t) of head "all"; dashed vertical line: the CUSUM onset; dotted horizontal line: τ; dot: the detection (the first minute with S &lt; τ).</p>
${survivalPlots(runs)}
<h2>Pre-training loss curves</h2>
<div class="plots">${pretrainPlots(logs)}</div>
</body></html>
`;
}
