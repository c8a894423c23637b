"""@module bench/train-step, PyTorch side (the anchor): the same decoder (test/fixtures/engine/torch_reference.py) in float32 with a dense one-hot input, timing training steps and forward passes with N threads; prints one JSON line.

Usage: /usr/bin/python3 bench/train-step/torch_step.py --B 8 --T 512 --steps 5 --threads 2 [--config paper]
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "engine"))
from torch_reference import Decoder  # noqa: E402

PRESETS = {"paper": (4, 4, 128, 512), "medium": (4, 4, 256, 1024), "large": (4, 4, 512, 2048)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--B", type=int, default=8)
    ap.add_argument("--T", type=int, default=512)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--config", default="paper")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    L, NH, C, FF = PRESETS[a.config]
    cfg = {"nLayer": L, "nHead": NH, "dModel": C, "dFF": FF, "maxT": 512, "NF": 86, "V": 10, "timeRows": 122,
           "NTIME": 4, "nodes": 64, "customers": 8, "dropout": 0.3}
    model = Decoder(cfg).float()
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    B, T = a.B, a.T
    bins = torch.randint(0, 10, (B, T + 1, 86))
    time_idx = torch.stack([torch.randint(0, 7, (B, T)), 7 + torch.randint(0, 31, (B, T)),
                            38 + torch.randint(0, 60, (B, T)), 98 + torch.randint(0, 24, (B, T))], dim=-1)
    node = torch.randint(0, 64, (B,))
    customer = torch.randint(0, 8, (B,))
    step_ms = []
    model.train()
    for s in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=False)
        _, _, loss = model(bins, time_idx, node, customer)
        loss.backward()
        opt.step()
        if s >= a.warmup:
            step_ms.append((time.perf_counter() - t0) * 1000)
    fwd_ms = []
    model.eval()
    with torch.no_grad():
        for s in range(a.warmup + a.steps):
            t0 = time.perf_counter()
            model(bins, time_idx, node, customer)
            if s >= a.warmup:
                fwd_ms.append((time.perf_counter() - t0) * 1000)
    med = lambda xs: sorted(xs)[len(xs) // 2]
    print(json.dumps({"backend": "pytorch", "torch": torch.__version__, "threads": a.threads, "B": B, "T": T,
                      "params": sum(p.numel() for p in model.parameters()), "stepMs": step_ms,
                      "stepMsMedian": med(step_ms), "forwardMsMedian": med(fwd_ms), "loss": float(loss.item())}))


if __name__ == "__main__":
    main()
