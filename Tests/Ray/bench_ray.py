#!/usr/bin/env python3
"""Throughput of pincel-ray batch (make bench-ray; BENCHMARKS.md, "Batch and Ray").

Inside the same namespaces as the tests (loopback only): N photos at SIZE px, ITERATIONS
evaluations, one thread per item, timed four ways:
  plain    one `pincel` process per item, one after another (weights loaded every time)
  batch    one `pincel batch` process (weights loaded once, the network kept)
  ray-1    `pincel-ray batch` on a one-node cluster with 1 CPU (one single-thread worker)
  ray-2    the same with a second node of 1 CPU (two single-thread workers)
Prints items per minute and seconds per item of each, and ray-1's overhead per item over plain.
"""

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_ray as t  # noqa: E402


def timed(args):
    start = time.monotonic()
    code, _, err = t.run(args, timeout=3600)
    t.check(code == 0, f"{' '.join(args[:3])}… exited {code}: {err[-2000:]}")
    return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--items", type=int, default=8)
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--iterations", type=int, default=40)
    a = parser.parse_args()
    binary = os.path.abspath(a.binary)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    work = tempfile.mkdtemp(prefix="pb-", dir="/tmp")
    try:
        photos = os.path.join(work, "photos")
        os.makedirs(photos)
        style = os.path.join(t.EXAMPLES, "starry_night.jpg")
        rows = [["content", "style", "output", "size", "iterations", "tolerance", "seed"]]
        for k in range(a.items):
            name = ("astronaut", "chelsea", "coffee")[k % 3]
            t.ffmpeg("-i", os.path.join(t.EXAMPLES, name + ".png"), "-vf", f"crop=220:220:{6 * k}:{6 * k},scale=256:256",
                     os.path.join(photos, f"p{k}.png"))
            rows.append([f"photos/p{k}.png", style, f"r{k}.png", str(a.size), str(a.iterations), "0", str(k + 1)])
        manifest = os.path.join(work, "manifest.csv")
        with open(manifest, "w", newline="") as f:
            csv.writer(f).writerows(rows)
        n = a.items
        results = {}
        start = time.monotonic()
        for k in range(n):
            timed([binary, "--content", os.path.join(photos, f"p{k}.png"), "--style", style, "--output",
                   os.path.join(work, f"plain{k}.png"), "--size", str(a.size), "--iterations", str(a.iterations),
                   "--tolerance", "0", "--seed", str(k + 1), "--threads", "1", "--quiet"])
        results["plain"] = time.monotonic() - start
        results["batch"] = timed([binary, "batch", "--manifest", manifest, "--output-dir", os.path.join(work, "batch"),
                                  "--threads", "1", "--quiet"])
        temp = os.path.join(work, "ray")
        env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0")
        code, _, err = t.run([os.path.join(t.VENV_BIN, "ray"), "start", "--head", "--port", str(t.PORT), "--include-dashboard=false",
                              "--node-ip-address", "127.0.0.1", "--num-cpus", "1", "--temp-dir", temp, "--disable-usage-stats"], env=env)
        t.check(code == 0, err)
        ray_batch = [os.path.join(t.VENV_BIN, "pincel-ray"), "batch", "--address", f"127.0.0.1:{t.PORT}", "--pincel", binary, manifest]
        results["ray-1"] = timed(ray_batch + [os.path.join(work, "ray1")])
        t.start_second_node(temp)
        results["ray-2"] = timed(ray_batch + [os.path.join(work, "ray2")])
        print(f"{n} items, {a.size} px, {a.iterations} iterations, 1 thread each")
        for name, seconds in results.items():
            print(f"{name:6s} {seconds:7.1f} s  {n / seconds * 60:6.2f} items/min  {seconds / n:6.2f} s/item")
        print(f"ray-1 overhead per item over plain: {(results['ray-1'] - results['plain']) / n:+.2f} s; "
              f"over batch: {(results['ray-1'] - results['batch']) / n:+.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
