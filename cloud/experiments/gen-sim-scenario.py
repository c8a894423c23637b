# @module Writes a scenario: the real-attacks.json tenant style, many attacks (real replays + synthetic), one attack per node per day.
import json, random, sys
# usage: gen-sim-scenario.py DAYS OUT.json [SEED=11] [SCALE=1]; SCALE multiplies every role's node count (40 nodes at 1; at most 6)
days = int(sys.argv[1]); out = sys.argv[2]; seed = int(sys.argv[3]) if len(sys.argv) > 3 else 11
scale = int(sys.argv[4]) if len(sys.argv) > 4 else 1
assert 1 <= scale <= 6, "SCALE in 1..6 (the nodes must fit the two /24 prefixes)"
rnd = random.Random(seed)
hosting = [(r, c * scale) for r, c in [("web", 10), ("dns-resolver", 2), ("mail", 2), ("ntp", 1), ("gaming", 1)]]
broadband = [(r, c * scale) for r, c in [("end-user", 20), ("gaming", 4)]]
victims = [f"198.51.100.{i}" for i in range(1, 16 * scale + 1)] + [f"203.0.113.{i}" for i in range(1, 24 * scale + 1)]
DNS = {"capture": "netflow-exports/softflowd/stopddos.amp.dns.RRSIG.fragmented.ipfix.pcap", "captureVictim": "10.10.10.10", "protocols": [17], "srcPorts": [53], "loop": True}
SYN = {"capture": "netflow-exports/softflowd/cic2019.CIC-DDoS-2019-SynFlood.ipfix.pcap", "captureVictim": "192.168.50.4", "timeScale": 20, "loop": True, "sourceAddresses": "test-range"}
attacks = []
for d in range(days):
    for v in victims:
        if d == 0: continue  # the first day is attack-free (baselines)
        onset = d * 1440 + rnd.randrange(60, 1440 - 240)
        dur = rnd.choice([8, 10, 15, 20, 30, 45])
        k = rnd.random()
        if k < 0.25:
            a = {"type": "dns-amplification", "victim": v, "onset": onset, "durationMinutes": dur, "replay": {**DNS, "intensityScale": round(10 ** rnd.uniform(0.3, 1.6), 2)}}
        elif k < 0.45:
            a = {"type": "syn-flood", "victim": v, "onset": onset, "durationMinutes": dur, "replay": {**SYN, "intensityScale": round(10 ** rnd.uniform(-0.3, 0.7), 2)}}
        else:
            t = rnd.choice(["ntp-amplification", "udp-flood", "tcp-reflection", "syn-flood", "dns-amplification"])
            a = {"type": t, "victim": v, "onset": onset, "rampUpMinutes": rnd.choice([1, 2, 5, 10]), "durationMinutes": dur, "intensityPps": round(10 ** rnd.uniform(2.0, 4.3)), "maxFlowsPerMinute": 1500}
        attacks.append(a)
sc = {
    "name": f"many attacks: replayed DNS RRSIG + CIC-DDoS2019 SYN captures and synthetic vectors, {len(victims)} nodes, {days} days",
    "seed": seed, "start": "2026-03-02T00:00:00Z", "duration": {"days": days},
    "tenant": {"name": "replay-isp", "scanPerMinute": 0.5, "customers": [
        {"name": "hosting", "prefixes": ["198.51.100.0/24"], "nodes": [{"role": r, "count": c} for r, c in hosting]},
        {"name": "broadband", "prefixes": ["203.0.113.0/24"], "nodes": [{"role": r, "count": c} for r, c in broadband]}]},
    "attacks": attacks,
}
json.dump(sc, open(out, "w"), indent=1)
print(len(attacks), "attacks;", sum(1 for a in attacks if "replay" in a), "replayed")
