#!/usr/bin/env python3
"""Objective against wall time from `pincel --log` CSVs, one curve per run.

Only evaluations at the run's largest size are drawn (a pyramid's coarse scales optimise a
smaller image, whose objective is not comparable); their x is the run's elapsed time, so a
pyramid's curve starts late, after its coarse scales. Each run's saved-image value (the
`# saved` line) is marked at its end and given in the legend.

    python3 scripts/plot_convergence.py OUT.png LABEL=run.csv [LABEL=run.csv ...] [--title T]

Needs matplotlib (a throw-away venv: `python3 -m venv /tmp/plotenv &&
/tmp/plotenv/bin/pip install matplotlib`).
"""
import argparse
import csv

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read(path):
    rows, saved = [], None
    with open(path) as f:
        for line in f:
            if line.startswith("# saved,"):
                parts = line[2:].strip().split(",")
                saved = (float(parts[1]), float(parts[5]))
    with open(path) as f:
        reader = csv.DictReader(line for line in f if not line.startswith("#"))
        for r in reader:
            rows.append({k: float(v) for k, v in r.items()})
    top = max(r["side"] for r in rows)
    return [r for r in rows if r["side"] == top and r["rejected"] == 0], saved


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("output")
    ap.add_argument("runs", nargs="+", help="LABEL=log.csv")
    ap.add_argument("--title", default="objective at full size against wall time")
    a = ap.parse_args()
    fig, ax = plt.subplots(figsize=(8, 5), dpi=100)
    for spec in a.runs:
        label, path = spec.split("=", 1)
        rows, saved = read(path)
        if saved:
            label += f": saved {saved[1]:.4g} at {saved[0]:.0f} s"
        line, = ax.plot([r["elapsed_s"] for r in rows], [r["total"] for r in rows], label=label)
        if saved:
            ax.plot([saved[0]], [saved[1]], "o", color=line.get_color())
    ax.set_yscale("log")
    ax.set_xlabel("seconds since the start of optimisation")
    ax.set_ylabel("objective (log scale); dot: saved 8-bit image")
    ax.set_title(a.title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(a.output)


if __name__ == "__main__":
    main()
