#!/usr/bin/env python3
"""Measures what watching a job costs the optimiser: iterations per second of the same studio
job with no page open and with a page (headless Chromium) showing it live, alternated, medians.

    .venv-browser/bin/python scripts/studio-overhead.py [--size 256] [--iterations 80] [--runs 3]

Needs a built binary (.build/release/pincel), the weights, chromium, chromium-driver and
selenium (make test-browser installs them). Prints one line per run and the medians.
"""
import argparse
import json
import os
import pathlib
import statistics
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "Tests" / "Browser"))
import studio_test as st  # noqa: E402  (the browser test's server and browser helpers)


TOKEN = None  # the studio's, from the address it printed


def call(port, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    headers = {"X-Pincel-Token": TOKEN}
    if data is not None:  # a request that changes something: JSON from the page's origin
        headers.update({"Content-Type": "application/json", "Origin": "http://127.0.0.1:%d" % port})
    request = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=data, headers=headers)
    with urllib.request.urlopen(request) as reply:
        return json.loads(reply.read())


def run_job(port, size, iterations):
    job = call(port, "/api/jobs", {"content": "example:astronaut.png", "styles": ["example:starry_night.jpg"],
                                   "size": size, "iterations": iterations, "seed": "1"})
    while True:
        time.sleep(0.5)
        now = call(port, "/api/jobs/" + job["id"])
        if now["state"] not in ("queued", "running"):
            return now["iterations"] / now["seconds"], now


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=str(st.ROOT / ".build" / "release" / "pincel"))
    # The studio runs with a temporary PINCEL_HOME, so the weights are passed by path: $PINCEL_WEIGHTS,
    # else the cache `make weights` fills.
    cache = os.path.join(os.environ.get("PINCEL_HOME", os.path.expanduser("~/.cache/pincel")),
                         "vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin")
    parser.add_argument("--weights", default=os.environ.get("PINCEL_WEIGHTS") or cache)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--iterations", type=int, default=80)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="pincel-studio-overhead-")
    port = st.free_port()
    server = st.Server(args.binary, home, port, args.weights)
    server.start()
    global TOKEN
    TOKEN = server.token
    driver = st.browser(home)
    rates = {"unwatched": [], "watched": []}
    try:
        run_job(port, 64, 5)  # warm-up
        for i in range(args.runs):
            for mode in ("unwatched", "watched"):
                driver.get(server.url if mode == "watched" else "about:blank")
                rate, job = run_job(port, args.size, args.iterations)
                frames = driver.find_element(st.By.ID, "preview").get_attribute("data-frames") if mode == "watched" else "-"
                print("run %d %-9s %.3f it/s (%d iterations in %.1f s, frames %s)" % (i + 1, mode, rate, job["iterations"], job["seconds"], frames))
                rates[mode].append(rate)
    finally:
        driver.quit()
        server.stop()
    a, b = statistics.median(rates["unwatched"]), statistics.median(rates["watched"])
    print("median it/s: unwatched %.3f, watched %.3f, overhead %.1f%%" % (a, b, (a - b) / a * 100))


if __name__ == "__main__":
    main()
