#!/usr/bin/env python3
"""Where `--tolerance` would have stopped a run, from the run's `--log` CSV made with
`--tolerance 0` (the trajectory up to the stop does not depend on the rule, so the log of a
run to the cap gives every stop point exactly). Single-scale runs (or the last scale).

    python3 scripts/convergence_stop.py run.csv [--window 20] [--tolerance 1e-3 3e-4 1e-4]

Prints, per tolerance: the stopping evaluation, the lowest objective by then, the lowest at
the cap, and the relative cost (objective) and saving (evaluations).
"""
import argparse
import csv


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--window", type=int, default=20)
    ap.add_argument("--tolerance", type=float, nargs="+", default=[1e-3, 3e-4, 1e-4])
    args = ap.parse_args()
    with open(args.log) as f:
        rows = [r for r in csv.DictReader(line for line in f if not line.startswith("#"))]
    values = [float(r["total"]) for r in rows]
    best, lowest = [], float("inf")
    for v in values:
        lowest = min(lowest, v)
        best.append(lowest)
    cap = best[-1]
    w = args.window
    print(f"{args.log}: {len(values)} evaluations, lowest at the cap {cap:.5g}")
    for tol in args.tolerance:
        stop = next((k for k in range(w, len(best)) if (best[k - w] - best[k]) / max(abs(best[k]), 1) <= tol), None)
        if stop is None:
            print(f"  tolerance {tol:g}: never stops before the cap")
            continue
        at = best[stop]
        print(f"  tolerance {tol:g}: stops at evaluation {stop + 1}, objective {at:.5g} "
              f"(+{100 * (at - cap) / cap:.2f}% against the cap), {100 * (1 - (stop + 1) / len(best)):.0f}% fewer evaluations")


if __name__ == "__main__":
    main()
