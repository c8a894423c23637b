#!/usr/bin/env bash
# @module Paper Table 4 on real traffic (CESNET-TimeSeries24), end to end: load → native-step dataset → pre-train (paper config, cpu, 1 thread) → decoder vs bigram on the test range, seen and unseen IPs.
# Usage (from the repository root): cloud/experiments/table4-real.sh [WORK_DIR]   (default /tmp/t4)
# Env: STEPS (960), EPOCH_STEPS (80), BATCH (8), SEED (0), WINDOW (512), EVAL_MAX (all test windows), THREADS (1).
# Results: docs/results/table4-real.md. Large outputs stay in WORK_DIR.
set -euo pipefail
W="${1:-/tmp/t4}"
STEPS="${STEPS:-960}" EPOCH_STEPS="${EPOCH_STEPS:-80}" BATCH="${BATCH:-8}" SEED="${SEED:-0}" WINDOW="${WINDOW:-512}" THREADS="${THREADS:-1}"
CLI=(node cloud/cli/netflowgen.mjs)
mkdir -p "$W"
stamp() { date -u +%FT%TZ; }

echo "[$(stamp)] 1. load: the 40 most complete IPs (training) and 10 random IPs (unseen)"
[ -f "$W/arch-train/manifest.json" ] || "${CLI[@]}" data load-series --source cesnet --out "$W/arch-train" --ips 40 --stratum complete
[ -f "$W/arch-unseen/manifest.json" ] || "${CLI[@]}" data load-series --source cesnet --out "$W/arch-unseen" --ips 10 --stratum random

echo "[$(stamp)] 2. dataset: native 10-minute steps, 28 weeks train / 2 weeks val / the rest test; unseen IPs only in test"
[ -f "$W/ds/manifest.json" ] || npx tsx cloud/experiments/table4-real-data.ts "$W/arch-train" "$W/arch-unseen" "$W/ds" "$WINDOW"

echo "[$(stamp)] 3. pre-train: paper config 4-4-128-512, cpu backend, $THREADS thread(s), $STEPS steps, batch $BATCH, seed $SEED; best checkpoint on val"
if [ -f "$W/run/last.ckpt" ] && ! grep -q '"done": true' "$W/run/log.json"; then RESUME=(--resume "$W/run/last.ckpt"); else RESUME=(); fi
[ -f "$W/run/log.json" ] && grep -q '"done": true' "$W/run/log.json" || \
  "${CLI[@]}" pretrain --data "$W/ds" --out "$W/run" --config paper --backend cpu --threads "$THREADS" \
    --batch "$BATCH" --max-steps "$STEPS" --epoch-steps "$EPOCH_STEPS" --eval-windows 40 --seed "$SEED" --quiet --print-every 20 "${RESUME[@]}"

echo "[$(stamp)] 4. evaluate best.ckpt and the bigram on the test range (seen IPs' last weeks, unseen IPs)"
npx tsx cloud/experiments/table4-real-eval.ts "$W/ds" "$W/run/best.ckpt" "$W/test.json" test ${EVAL_MAX:-} | tee "$W/test.txt"
echo "[$(stamp)] done: $W/test.json, $W/run/log.json"
