#!/usr/bin/env python3
"""The Ray client's tests (make test-ray): a local two-node Ray cluster on 127.0.0.1.

Run inside a network, mount and process namespace of its own (the Makefile runs
``unshare --net --pid --fork --mount-proc``): only loopback exists there, so every Ray node is
127.0.0.1 and nothing leaves the machine, and every Ray process ends with the namespace (no
``ray stop``, no broad kill). The test brings ``lo`` up, starts a head and a second node
(``--num-cpus 1`` each), then checks:

1. ``pincel-ray batch`` gives the same outputs as ``pincel batch`` (pixel for pixel, one thread,
   the same seeds: three explicit, three derived from the fingerprint), the same fingerprints;
2. ``pincel-ray video`` on a 24-frame clip with audio, in 3 segments: 24 frames out at the
   source's frame rate, the audio kept, the warping error across each seam (the mean over the
   pairs entering, inside and leaving its cross-fade) at most 1.5x the mean of the pairs inside
   segments (``pincel warping-error``);
3. the second node's processes killed in the middle of a batch: the batch still completes,
   every output written exactly once, none corrupt (pixels equal to ``pincel batch``'s).
"""

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLES = os.path.join(ROOT, "Examples")
VENV_BIN = os.path.dirname(sys.executable)
PORT = 6379
NODE2_MANAGER_PORT = 6391
ITERATIONS = 20


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def run(args, timeout=600, **kwargs):
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, stdin=subprocess.DEVNULL, **kwargs)
    return proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")


def ffmpeg(*args):
    code, _, err = run(["ffmpeg", "-nostdin", "-y", "-v", "error", *args])
    check(code == 0, f"ffmpeg {' '.join(args)}: {err}")


def pixels(path):
    """The RGB bytes of an image (decoded by ffmpeg)."""
    code, _, err = run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
    check(code == 0, f"{path} does not decode: {err}")
    return subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                          stdout=subprocess.PIPE, check=True).stdout


def report(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def make_photos(folder):
    """Six 64 px photos: two crops each of three example photos; a manifest of them, 48 px."""
    os.makedirs(folder)
    rows = [["content", "style", "output", "size", "iterations", "tolerance", "seed"]]
    k = 0
    for name in ("astronaut", "chelsea", "coffee"):
        for offset in (0, 60):
            k += 1
            ffmpeg("-i", os.path.join(EXAMPLES, name + ".png"), "-vf", f"crop=200:200:{offset}:{offset},scale=64:64",
                   os.path.join(folder, f"p{k}.png"))
            seed = str(k) if k <= 3 else ""  # three explicit seeds, three derived from the fingerprint
            rows.append([f"photos/p{k}.png", os.path.join(EXAMPLES, "starry_night.jpg"), f"r{k}.png", "48",
                         str(ITERATIONS), "0", seed])
    manifest = os.path.join(os.path.dirname(folder), "manifest.csv")
    with open(manifest, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    return manifest


def start_cluster(temp):
    """A head and a second node on 127.0.0.1, one CPU each."""
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0")
    ray = os.path.join(VENV_BIN, "ray")
    common = ["--node-ip-address", "127.0.0.1", "--num-cpus", "1", "--temp-dir", temp, "--disable-usage-stats"]
    code, out, err = run([ray, "start", "--head", "--port", str(PORT), "--include-dashboard=false", *common], env=env)
    check(code == 0, f"ray start --head failed: {err[-2000:]}")
    start_second_node(temp)


def start_second_node(temp):
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0")
    code, out, err = run([os.path.join(VENV_BIN, "ray"), "start", "--address", f"127.0.0.1:{PORT}", "--node-ip-address",
                          "127.0.0.1", "--num-cpus", "1", "--temp-dir", temp, "--disable-usage-stats",
                          "--node-manager-port", str(NODE2_MANAGER_PORT)], env=env)
    check(code == 0, f"ray start --address failed: {err[-2000:]}")


def processes():
    """pid → (parent pid, command line) of every process in this namespace."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
        table[int(entry)] = (parent, command)
    return table


def second_node_tree():
    """The second node's raylet (the one on NODE2_MANAGER_PORT) and every process below it."""
    table = processes()
    raylets = [pid for pid, (_, cmd) in table.items()
               if "/raylet " in cmd and f"--node_manager_port={NODE2_MANAGER_PORT}" in cmd]
    check(len(raylets) == 1, f"found {len(raylets)} raylets of the second node")
    tree = set(raylets)
    grew = True
    while grew:
        grew = False
        for pid, (parent, _) in table.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return tree, table


def pincel_ray(args, **kwargs):
    return [os.path.join(VENV_BIN, "pincel-ray"), *args]


def test_batch_matches_local(binary, work, manifest, reference):
    out = os.path.join(work, "ray-out")
    code, _, err = run(pincel_ray(["batch", "--address", f"127.0.0.1:{PORT}", "--pincel", binary, manifest, out]))
    check(code == 0, f"pincel-ray batch exited {code}: {err[-3000:]}")
    ray_rows, local_rows = report(os.path.join(out, "report.csv")), report(os.path.join(reference, "report.csv"))
    check([r["status"] for r in ray_rows] == ["done"] * 6, f"statuses {[r['status'] for r in ray_rows]}")
    for ray_row, local_row in zip(ray_rows, local_rows):
        name = os.path.basename(ray_row["output"])
        check(ray_row["fingerprint"] == local_row["fingerprint"], f"{name}: fingerprints differ")
        check(ray_row["seed"] == local_row["seed"], f"{name}: seeds differ ({ray_row['seed']}, {local_row['seed']})")
        check(pixels(ray_row["output"]) == pixels(os.path.join(reference, name)), f"{name}: pixels differ from pincel batch's")
    # Resumable: the same command again runs nothing.
    code, _, err = run(pincel_ray(["batch", "--address", f"127.0.0.1:{PORT}", "--pincel", binary, manifest, out]))
    check(code == 0 and "0 to run" in err, f"rerun: exit {code}, {err[-2000:]}")
    check([r["status"] for r in report(os.path.join(out, "report.csv"))] == ["skipped"] * 6, "rerun did not skip all 6")
    print("ok: pincel-ray batch = pincel batch (6 outputs pixel-identical, same fingerprints and seeds); rerun skips all 6")


def test_video(binary, work):
    clip, out = os.path.join(work, "clip.mp4"), os.path.join(work, "styled.mp4")
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=96x64:rate=12", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050",
           "-frames:v", "24", "-t", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", clip)
    args = ["video", "--address", f"127.0.0.1:{PORT}", "--pincel", binary, "--input", clip,
            "--style", os.path.join(EXAMPLES, "starry_night.jpg"), "--output", out, "--segment-frames", "12", "--overlap", "5",
            "--", "--size", "96", "--first-iterations", "60", "--iterations", "15", "--seed", "1", "--init", "content"]
    start = time.monotonic()
    code, _, err = run(pincel_ray(args))
    check(code == 0, f"pincel-ray video exited {code}: {err[-3000:]}")
    segments = [line for line in err.splitlines() if line.startswith("segments:")]
    check(segments == ["segments: 0:12 7:19 14:24"], f"segments: {segments}")
    code, text, err = run(["ffprobe", "-v", "error", "-count_packets", "-show_entries",
                           "stream=codec_type,r_frame_rate,nb_read_packets", "-of", "json", out])
    streams = json.loads(text)["streams"]
    video = [s for s in streams if s["codec_type"] == "video"]
    check(len(video) == 1 and video[0]["nb_read_packets"] == "24", f"frames: {streams}")
    check(video[0]["r_frame_rate"] == "12/1", f"frame rate {video[0]['r_frame_rate']}")
    check(any(s["codec_type"] == "audio" for s in streams), "the audio is gone")
    code, text, err = run([binary, "warping-error", "--input", clip, "--styled", out])
    check(code == 0, f"pincel warping-error: {err}")
    errors = {int(r["frame"]): float(r["error"]) for r in csv.DictReader(text.splitlines())}
    seams = [range(7, 13), range(14, 20)]  # pairs (t-1, t) entering, inside and leaving each cross-fade
    inside = [e for t, e in errors.items() if not any(t in s for s in seams)]
    mean_inside = sum(inside) / len(inside)
    print("warping error per pair: " + " ".join(f"{t}:{e:.0f}" for t, e in sorted(errors.items())))
    # Across a seam: the mean over the pairs entering, inside and leaving its cross-fade (the
    # clip's own events, such as testsrc's counter turning at frame 12, fall where they fall).
    across = [sum(errors[t] for t in seam) / len(seam) for seam in seams]
    for seam, value in zip(seams, across):
        check(value <= 1.5 * mean_inside, f"seam {seam.start}-{seam.stop - 1}: warping error {value:.1f} > 1.5 x {mean_inside:.1f}")
    print(f"ok: pincel-ray video: 24 frames at 12/1 fps with audio in {time.monotonic() - start:.0f} s; warping error inside "
          f"segments {mean_inside:.1f}, across the seams " + ", ".join(f"{v:.1f}" for v in across)
          + f" (ratios " + ", ".join(f"{v / mean_inside:.2f}" for v in across) + ")")


def test_node_killed(binary, work, manifest, reference):
    out = os.path.join(work, "ray-out-killed")
    driver = subprocess.Popen(pincel_ray(["batch", "--address", f"127.0.0.1:{PORT}", "--pincel", binary, manifest, out]),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    victims = None
    while time.monotonic() < deadline and driver.poll() is None:
        tree, table = second_node_tree()
        if any(os.path.basename(table[p][1].split(" ")[0]) == "pincel" for p in tree if p in table):
            victims = tree
            break
        time.sleep(0.05)
    check(victims is not None, "no pincel ran on the second node before the batch ended")
    finished_before = len([n for n in os.listdir(out) if n.endswith(".png")]) if os.path.isdir(out) else 0
    for pid in victims:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    check(finished_before < 6, "every output was already written when the node was killed")
    stdout, stderr = driver.communicate(timeout=600)
    err = stderr.decode(errors="replace")
    check(driver.returncode == 0, f"pincel-ray batch exited {driver.returncode} after the node died: {err[-3000:]}")
    rows = report(os.path.join(out, "report.csv"))
    check([r["status"] for r in rows] == ["done"] * 6, f"statuses {[r['status'] for r in rows]}")
    names = sorted(os.listdir(out))
    check(names == sorted([f"r{k}.png" for k in range(1, 7)] + ["report.csv"]), f"files in the output folder: {names}")
    for k in range(1, 7):
        path = os.path.join(out, f"r{k}.png")
        check(sum(1 for line in err.splitlines() if line.split(" ", 1)[-1].startswith(path + ":")) == 1,
              f"{path} was not reported exactly once")
        check(pixels(path) == pixels(os.path.join(reference, f"r{k}.png")), f"r{k}.png differs from pincel batch's")
    print(f"ok: second node killed ({len(victims)} processes) with {finished_before} of 6 outputs written; "
          "the batch completed, every output once and intact")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    check(os.getpid() == 1 or os.environ.get("PINCEL_RAY_TEST_NAMESPACE") == "1",
          "run inside `unshare --net --pid --fork --mount-proc` (make test-ray)")
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    work = tempfile.mkdtemp(prefix="pr-", dir="/tmp")  # short: Ray's socket paths must fit 107 bytes
    try:
        manifest = make_photos(os.path.join(work, "photos"))
        reference = os.path.join(work, "local-out")
        code, _, err = run([binary, "batch", "--manifest", manifest, "--output-dir", reference, "--threads", "1", "--quiet"])
        check(code == 0, f"pincel batch exited {code}: {err}")
        start_cluster(os.path.join(work, "ray"))
        if os.environ.get("PINCEL_RAY_ONLY") in (None, "", "batch"):
            test_batch_matches_local(binary, work, manifest, reference)
        if os.environ.get("PINCEL_RAY_ONLY") in (None, "", "video"):
            test_video(binary, work)
        if os.environ.get("PINCEL_RAY_ONLY") in (None, "", "kill"):
            test_node_killed(binary, work, manifest, reference)
    except Failure as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("test_ray: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
