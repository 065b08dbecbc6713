#!/usr/bin/env python3
"""Hostile and clumsy-user probes against the built `pincel` binary.

Each probe runs one `pincel` command at 48 px (a few iterations; `pincel video` probes on a
3-frame clip made with ffmpeg) and checks what a user must
be able to rely on: no crash (no death by signal, no exit code above 128 but 130), no hang
(a time limit), at most one error line on stderr, the expected exit code, bounded memory,
and that no input file was changed. Prints one line per probe and a closing
'N passed, N failed' line; exits 1 when any failed.

    python3 scripts/hostile_probes.py [--bin .build/release/pincel] [--only NAME]

Then the studio's probes: `pincel studio` on a free port with a temporary PINCEL_HOME and an
examples folder holding a symbolic link to /etc/passwd, probed as a hostile page or local user
would (foreign Host names, a foreign Origin, text/plain and form posts, no token, the link), and
a second studio on the same home; then stopped.

Not part of `make test` (it takes a few minutes); the regression tests in Tests/ cover each
class. Needs only the Python standard library and the real weights (`make weights`).
"""
import argparse
import hashlib
import http.client
import json
import os
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONTENT = os.path.join(ROOT, "Examples", "astronaut.png")
STYLE = os.path.join(ROOT, "Examples", "starry_night.jpg")


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def png_bytes(width, height, pixel=b"\x80\x80\x80", idat_rows=None):
    """A PNG whose header claims width x height; idat_rows rows of data (all when None)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = height if idat_rows is None else idat_rows
    raw = b"".join(b"\x00" + pixel * width for _ in range(rows))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def safetensors(entries, body):
    header = json.dumps(entries).encode()
    return struct.pack("<Q", len(header)) + header + body


class Probe:
    def __init__(self, name, args, expect, *, stdin=None, shell_suffix=None, timeout=60, max_rss_gib=3.0,
                 must_exist=None, must_not_exist=None, signal_after=None, stderr_lines=1, env=None):
        self.name, self.args, self.expect = name, args, expect
        self.shell_suffix, self.timeout, self.max_rss_gib = shell_suffix, timeout, max_rss_gib
        self.must_exist, self.must_not_exist = must_exist or [], must_not_exist or []
        self.signal_after, self.stderr_lines, self.env = signal_after, stderr_lines, env


def run_probe(binary, probe, work, protected):
    before = {p: sha(p) for p in protected if os.path.isfile(p)}
    env = dict(os.environ)
    env.update(probe.env or {})
    cmd = [binary] + probe.args
    start = time.time()
    ru_before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if probe.shell_suffix:
        line = " ".join(shlex_quote(c) for c in cmd) + " " + probe.shell_suffix
        proc = subprocess.Popen(["bash", "-c", line + "; exit ${PIPESTATUS[0]}"], cwd=work, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    else:
        proc = subprocess.Popen(cmd, cwd=work, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
    if probe.signal_after is not None:
        time.sleep(probe.signal_after)
        try:
            os.kill(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    try:
        out, err = proc.communicate(timeout=probe.timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return False, f"hung (> {probe.timeout} s)"
    seconds = time.time() - start
    rss_gib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
    rc = proc.returncode
    problems = []
    if rc < 0:
        problems.append(f"killed by signal {-rc}")
    elif rc > 128 and rc != 130:
        problems.append(f"exit {rc}")
    if probe.expect is not None and rc not in (probe.expect if isinstance(probe.expect, tuple) else (probe.expect,)):
        problems.append(f"exit {rc}, expected {probe.expect}")
    text = err.decode(errors="replace")
    noise = [l for l in text.splitlines() if l.strip() and not l.startswith(("seed:", "content ", "iteration ", "objective:", "[scale", "weights", "stopped"))]
    allowed = probe.stderr_lines + (2 if rc == 64 else 0)  # a usage hint may follow a validation error
    if rc != 0 and len(noise) > allowed:
        problems.append(f"{len(noise)} stderr lines: {noise[:3]}")
    if "unknown libvips error" in text.lower() or "unknown error" in text.lower():
        problems.append("says 'unknown error'")
    if rss_gib > probe.max_rss_gib and rss_gib > ru_before / 1024 / 1024:
        problems.append(f"peak memory {rss_gib:.1f} GiB")
    for p in probe.must_exist:
        if not os.path.exists(os.path.join(work, p)):
            problems.append(f"{p} missing")
    for p in probe.must_not_exist:
        if os.path.exists(os.path.join(work, p)):
            problems.append(f"{p} was written")
    for p, digest in before.items():
        if not os.path.isfile(p) or sha(p) != digest:
            problems.append(f"input {p} changed")
    leftovers = [f for f in os.listdir(work) if f.startswith(".") and f not in (".", "..")]
    if leftovers:
        problems.append(f"temporary files left: {leftovers}")
    msg = (noise[-1] if noise else "")[:110]
    return not problems, f"exit {rc}, {seconds:.1f} s" + (": " + "; ".join(problems) if problems else f"  [{msg}]")


def shlex_quote(s):
    import shlex
    return shlex.quote(s)


def build_probes(work, weights):
    base = ["--style", "style.jpg", "--size", "48", "--iterations", "3", "--scales", "1", "--seed", "1"]
    run = ["--content", "content.png"] + base
    P = []

    def add(*a, **k):
        P.append(Probe(*a, **k))

    # Images
    os.symlink("/dev/zero", os.path.join(work, "zero.png"))
    os.mkfifo(os.path.join(work, "fifo.png"))
    os.mkdir(os.path.join(work, "folder.png"))
    open(os.path.join(work, "empty.png"), "wb").close()
    with open(os.path.join(work, "huge_header.png"), "wb") as f:
        f.write(png_bytes(65536, 32768, idat_rows=1))
    with open(os.path.join(work, "truncated.png"), "wb") as f:
        f.write(png_bytes(64, 64)[:120])
    with open(os.path.join(work, "notimage.png"), "wb") as f:
        f.write(b"hello, this is text\n" * 10)
    add("content symlink to /dev/zero", ["--content", "zero.png", "--output", "o.png"] + base, (1, 64), timeout=20,
        must_not_exist=["o.png"])
    add("content FIFO", ["--content", "fifo.png", "--output", "o.png"] + base, (1, 64), timeout=20)
    add("style FIFO", ["--content", "content.png", "--style", "fifo.png", "--output", "o.png", "--size", "48"], (1, 64), timeout=20)
    add("init FIFO", run + ["--init", "fifo.png", "--output", "o.png"], (1, 64), timeout=20)
    add("content folder", ["--content", "folder.png", "--output", "o.png"] + base, (1, 64), timeout=20)
    add("content empty", ["--content", "empty.png", "--output", "o.png"] + base, (1, 64), timeout=20)
    add("content 2^31-pixel header", ["--content", "huge_header.png", "--output", "o.png"] + base, (1, 64), timeout=30)
    add("content truncated", ["--content", "truncated.png", "--output", "o.png"] + base, (1, 64), timeout=30)
    add("content not an image", ["--content", "notimage.png", "--output", "o.png"] + base, (1, 64), timeout=30)
    add("content missing", ["--content", "nope.png", "--output", "o.png"] + base, (1, 64), timeout=30)
    # Outputs
    os.symlink("content.png", os.path.join(work, "link.png"))
    os.link(os.path.join(work, "content.png"), os.path.join(work, "hard.png"))
    os.mkdir(os.path.join(work, "sub"))
    add("output = content", run + ["--output", "content.png"], 64)
    add("output = ./content", run + ["--output", "./content.png"], 64)
    add("output = sub/../content", run + ["--output", "sub/../content.png"], 64)
    add("output = symlink to content", run + ["--output", "link.png"], 64)
    add("output = hard link of content", run + ["--output", "hard.png"], 64)
    add("output = style", run + ["--output", "style.jpg"], 64)
    add("output = init", run + ["--init", "hard.png", "--output", "hard.png"], 64)
    if weights and os.path.isfile(weights):
        shutil.copy(weights, os.path.join(work, "wcopy.png"))
        add("output = weights", run + ["--output", "wcopy.png", "--weights", "wcopy.png"], 64)
    add("log = content", run + ["--output", "o.png", "--log", "content.png"], 64, must_not_exist=["o.png"])
    add("log = output", run + ["--output", "o.png", "--log", "./o.png"], 64, must_not_exist=["o.png"])
    add("output is a folder", run + ["--output", "folder.png"], (1, 64), timeout=20)
    add("output folder missing", run + ["--output", "nowhere/o.png"], 64, timeout=20)
    long_name = "x" * 240 + ".png"
    add("240-character output name", run + ["--output", long_name], 0, must_exist=[long_name])
    add("log /dev/full", run + ["--output", "full.png", "--log", "/dev/full"], 1, must_exist=["full.png"])
    add("output /dev/full", run + ["--output", "/dev/full"], (1, 64))
    # Numbers
    for flag, value in [("--size", "3037000500"), ("--iterations", "9223372036854775807"),
                        ("--iterations", "4611686018427387904"), ("--threads", "100000"), ("--threads", "0"),
                        ("--scales", "1000000000"), ("--history", "9223372036854775807"),
                        ("--save-every", "9223372036854775807"), ("--max-pixels", "9223372036854775807"),
                        ("--quality", "9223372036854775807"), ("--precondition-levels", "9223372036854775807"),
                        ("--style-scale", "1e30"), ("--content-weight", "1e39"), ("--learning-rate", "nan")]:
        args = ["--content", "content.png", "--style", "style.jpg", "--output", "o.png", flag, value]
        if flag != "--size":
            args += ["--size", "48"]
        add(f"{flag} {value}", args, 64, timeout=20, must_not_exist=["o.png"])
    add("--scale-iterations huge sum", ["--content", "content.png", "--style", "style.jpg", "--output", "o.png",
                                       "--size", "64", "--scale-iterations", "9223372036854775807,9223372036854775807"],
        64, timeout=20)
    add("--size 10000 (memory)", ["--content", "content.png", "--style", "style.jpg", "--output", "o.png",
                                  "--size", "10000", "--max-pixels", "200000000"], (1, 64), timeout=60)
    add("reconstruct --columns huge", ["reconstruct", "content", "--image", "content.png", "--output", "r.png",
                                       "--size", "32", "--iterations", "1", "--columns", "9223372036854775807"], 64, timeout=60)
    add("reconstruct --size huge", ["reconstruct", "content", "--image", "content.png", "--output", "r.png",
                                    "--size", "9223372036854775807"], 64, timeout=20)
    add("bench --sizes huge", ["bench", "--sizes", "9223372036854775807"], 64, timeout=20)
    add("--style-layers ':'", run + ["--output", "o.png", "--style-layers", ":"], 64, timeout=20)
    add("--content-layers with a newline", run + ["--output", "o.png", "--content-layers", "relu4_2\n\x1b[31mred"], 64, timeout=20)
    add("content path with a newline", ["--content", "no\nsuch.png", "--output", "o.png"] + base, (1, 64), timeout=20)
    # Streams and signals
    add("stderr closed", run + ["--output", "closed.png"], 0, shell_suffix="2>&-", must_exist=["closed.png"])
    add("stderr into head", run + ["--output", "head.png"], 0, shell_suffix="2>&1 | head -c 10 >/dev/null",
        must_exist=["head.png"])
    add("stdout closed", run + ["--output", "stdout.png"], 0, shell_suffix=">&-", must_exist=["stdout.png"])
    add("SIGTERM at 0.05 s", run + ["--output", "sig1.png"], 130, signal_after=0.05, stderr_lines=3)
    # 200 iterations: an idle machine finishes the 3-iteration run before 0.5 s.
    long_run = [("200" if a == "3" and run[i - 1] == "--iterations" else a) for i, a in enumerate(run)]
    add("SIGTERM at 0.5 s", long_run + ["--output", "sig2.png"], 130, signal_after=0.5, stderr_lines=3)
    # Weights
    wdir = os.path.join(work, "weights")
    os.mkdir(wdir)
    def wfile(name, data):
        p = os.path.join(wdir, name)
        with open(p, "wb") as f:
            f.write(data)
        return p
    deep = b"\x80\x02" + b"]" * 200000 + b"."  # 200k nested lists, protocol 2
    add("weights: deep pickle nesting", run + ["--output", "o.png", "--weights", wfile("deep.pt", b"\x80\x02\x8a\x0a" + deep[2:])], 1, timeout=30)
    nan = struct.pack("<4f", float("nan"), 1, 2, 3)
    add("weights: safetensors NaN", run + ["--output", "o.png", "--weights", wfile("nan.safetensors", safetensors(
        {"block1_conv1.bias": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}}, nan))], 1, timeout=30)
    add("weights: safetensors overlap", run + ["--output", "o.png", "--weights", wfile("overlap.safetensors", safetensors(
        {"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
         "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}, bytes(24)))], 1, timeout=30)
    add("weights: safetensors huge shape", run + ["--output", "o.png", "--weights", wfile("shape.safetensors", safetensors(
        {"a": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 16]}}, bytes(16)))], 1, timeout=30)
    add("weights: FIFO", run + ["--output", "o.png", "--weights", "fifo.png"], 1, timeout=20)
    add("weights: /dev/zero", run + ["--output", "o.png", "--weights", "/dev/zero"], 1, timeout=20)
    add("weights: folder", run + ["--output", "o.png", "--weights", "folder.png"], 1, timeout=20)
    if weights and os.path.isfile(weights):
        data = open(weights, "rb").read()
        add("weights: truncated real file", run + ["--output", "o.png", "--weights", wfile("trunc.bin", data[: len(data) // 2])], 1, timeout=30)
    instant_probes(work, add)
    video_probes(work, add)
    return P


def instant_probes(work, add):
    """pincel --instant: its flags, missing and hostile model files, the usual output checks."""
    fast = ["--content", "content.png", "--style", "style.jpg", "--size", "48", "--instant"]
    add("instant: 48 px picture", fast + ["--output", "i.png"], 0, timeout=60, must_exist=["i.png"])
    add("instant: --instant-strength 2", fast + ["--output", "o.png", "--instant-strength", "2"], 64, timeout=20,
        must_not_exist=["o.png"])
    add("instant: --instant-strength nan", fast + ["--output", "o.png", "--instant-strength", "nan"], 64, timeout=20)
    add("instant: strength without --instant", ["--content", "content.png", "--style", "style.jpg", "--output", "o.png",
                                               "--instant-strength", "0.5"], 64, timeout=20)
    add("instant: --iterations", fast + ["--output", "o.png", "--iterations", "10"], 64, timeout=20)
    add("instant: --style-mask", fast + ["--output", "o.png", "--style-mask", "content.png"], 64, timeout=20)
    add("instant: output = content", fast + ["--output", "content.png"], 64, timeout=20)
    add("instant: content 2^31-pixel header", ["--content", "huge_header.png", "--style", "style.jpg", "--output", "o.png",
                                              "--instant"], (1, 64), timeout=30, must_not_exist=["o.png"])
    add("instant: --size 16384", fast[:-3] + ["--size", "16384", "--max-pixels", "300000000", "--instant", "--output", "o.png"],
        (1, 64), timeout=60, must_not_exist=["o.png"])
    home = os.path.join(work, "empty-home")
    os.mkdir(home)
    add("instant: no models (PINCEL_HOME empty)", fast + ["--output", "o.png"], 1, timeout=20, must_not_exist=["o.png"],
        env={"PINCEL_HOME": home, "PINCEL_INSTANT_MODELS": ""})
    models = os.path.join(work, "models")
    os.mkdir(models)
    real = os.path.join(os.environ.get("PINCEL_HOME") or os.path.expanduser("~/.cache/pincel"), "arbitrary_predict.onnx")
    def model_folder(name, predictor):
        folder = os.path.join(models, name)
        os.mkdir(folder)
        if callable(predictor):
            predictor(os.path.join(folder, "arbitrary_predict.onnx"))
        else:
            with open(os.path.join(folder, "arbitrary_predict.onnx"), "wb") as f:
                f.write(predictor)
        if os.path.isfile(real):
            shutil.copy(real.replace("predict", "transform"), os.path.join(folder, "arbitrary_transform.onnx"))
        else:
            open(os.path.join(folder, "arbitrary_transform.onnx"), "wb").close()
        return ["--instant-models", folder]
    def sparse(path):
        with open(path, "wb") as f:
            f.truncate(300 << 20)
    cases = [("empty model", b""), ("model of text", b"hello, this is not protobuf\n" * 20),
             ("model claiming more than it holds", b"\x3a\x80\x80\x04" * 10000),
             ("model 300 MB sparse", sparse), ("model FIFO", lambda p: os.mkfifo(p)),
             ("model symlink to /dev/zero", lambda p: os.symlink("/dev/zero", p))]
    if os.path.isfile(real):
        data = open(real, "rb").read()
        cases.append(("model truncated real file", data[: len(data) // 2]))
    for i, (name, predictor) in enumerate(cases):
        add(f"instant: {name}", fast + ["--output", "o.png"] + model_folder(f"m{i}", predictor), 1, timeout=30,
            must_not_exist=["o.png"])


def video_probes(work, add):
    """pincel video: the work folder belongs to Pincel, any file name works, a cut-short file is named."""
    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        print("(no ffmpeg on the PATH: the video probes are left out)")
        return
    def clip(name, faststart=False):
        subprocess.run([ffmpeg, "-nostdin", "-y", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=12",
                        "-frames:v", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p"]
                       + (["-movflags", "+faststart"] if faststart else []) + ["-f", "mp4", "file:" + os.path.join(work, name)],
                       check=True)
    clip("clip.mp4")
    for name, faststart in (("cut.mp4", False), ("cutfront.mp4", True)):
        clip(name, faststart)
        path = os.path.join(work, name)
        data = open(path, "rb").read()
        with open(path, "wb") as f:
            f.write(data[: len(data) // 2])
    os.mkdir(os.path.join(work, "precious"))
    with open(os.path.join(work, "precious", "thesis.txt"), "w") as f:
        f.write("thesis\n")
    os.mkdir(os.path.join(work, "vout"))
    quick = ["--style", "style.jpg", "--size", "48", "--first-iterations", "3", "--iterations", "2", "--seed", "1"]
    video = ["video", "--input", "clip.mp4"] + quick
    add("video: work dir holds other files", video + ["--output", "v1.mp4", "--work-dir", "precious"], 64, timeout=60,
        must_exist=["precious/thesis.txt"], must_not_exist=["v1.mp4"])
    add("video: work dir = the output's folder", video + ["--output", "vout/v2.mp4", "--work-dir", "vout"], 64, timeout=60,
        must_exist=["vout"], must_not_exist=["vout/v2.mp4"])
    add("video: work dir = the input's folder", video + ["--output", "vout/v3.mp4", "--work-dir", "."], 64, timeout=60,
        must_exist=["clip.mp4", "content.png"], must_not_exist=["vout/v3.mp4"])
    add("video: work dir is a file", video + ["--output", "v4.mp4", "--work-dir", "content.png"], 64, timeout=60,
        must_not_exist=["v4.mp4"])
    add("video: '%' in the output name", video + ["--output", "100%.mp4"], 0, timeout=180,
        must_exist=["100%.mp4"], must_not_exist=["100%.mp4.pincel-work"])
    add("video: '%' in the work dir", video + ["--output", "v5 %20.mp4", "--work-dir", "wd%03d"], 0, timeout=180,
        must_exist=["v5 %20.mp4"], must_not_exist=["wd%03d", "wd000", "v5 %20.mp4.pincel-work"])
    add("video: -name, quotes, newline", ["video", "--input", "clip.mp4"] + quick
        + ["--output", "-v6 'q' \"d\"\n%d.mp4", "--work-dir", "-wd é 写"], 0, timeout=180,
        must_exist=["-v6 'q' \"d\"\n%d.mp4"], must_not_exist=["-wd é 写"])
    add("video: truncated mp4 (index at the end)", ["video", "--input", "cut.mp4"] + quick + ["--output", "v7.mp4"], 1,
        timeout=60, must_not_exist=["v7.mp4", "v7.mp4.pincel-work"])
    add("video: truncated mp4 (index at the front)", ["video", "--input", "cutfront.mp4"] + quick + ["--output", "v8.mp4"], 1,
        timeout=60, must_not_exist=["v8.mp4", "v8.mp4.pincel-work"])
    run = ["--content", "content.png", "--style", "style.jpg", "--size", "48", "--iterations", "3", "--scales", "1", "--seed", "1"]
    add("transfer: '%' and brackets in the output name", run + ["--output", "o %d [1] 100%.png"], 0,
        must_exist=["o %d [1] 100%.png"])
    add("transfer: --output -x.png", run + ["--output", "-x.png"], 0, must_exist=["-x.png"])


def restore(work, top):
    """Puts the pristine inputs back (a failed probe may have overwritten them)."""
    for f in ("content.png", "style.jpg", "wcopy.png"):
        src, dst = os.path.join(top, f), os.path.join(work, f)
        if os.path.exists(src) and (not os.path.isfile(dst) or sha(src) != sha(dst)):
            if os.path.lexists(dst):
                os.remove(dst)
            shutil.copy(src, dst)
    hard = os.path.join(work, "hard.png")
    if os.path.lexists(hard):
        os.remove(hard)
    os.link(os.path.join(work, "content.png"), hard)


def http_probe(port, method, path, host=None, headers=None, body=None):
    """One raw request (any Host); returns (status, body text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", host if host is not None else "127.0.0.1:%d" % port)
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    data = body.encode() if isinstance(body, str) else body
    if data is not None:
        connection.putheader("Content-Length", str(len(data)))
    connection.endheaders(data)
    reply = connection.getresponse()
    text = reply.read().decode(errors="replace")
    connection.close()
    return reply.status, text


def studio_probes(binary, weights, top):
    """The studio's cases; returns (passed, failed)."""
    import socket
    home = os.path.join(top, "studio-home")
    examples = os.path.join(top, "studio-examples")
    os.makedirs(home)
    os.makedirs(examples)
    shutil.copy(CONTENT, os.path.join(examples, "photo.png"))
    os.symlink("/etc/passwd", os.path.join(examples, "x.png"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "probe-token-" + hashlib.sha256(os.urandom(16)).hexdigest()[:24]
    env = dict(os.environ, PINCEL_HOME=home, PINCEL_STUDIO_TOKEN=token)
    args = [binary, "studio", "--port", str(port), "--examples", examples, "--weights", weights, "--threads", "1"]
    server = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    base = "http://127.0.0.1:%d" % port
    owner = {"X-Pincel-Token": token}
    job = json.dumps({"content": "example:photo.png", "styles": ["example:photo.png"], "size": 48, "iterations": 2})
    passed = failed = 0

    def check(name, ok, detail):
        nonlocal passed, failed
        passed, failed = passed + bool(ok), failed + (not ok)
        print(f"{'ok  ' if ok else 'FAIL'} studio: {name}: {detail}", flush=True)

    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if http_probe(port, "GET", "/api/health", headers=owner)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
            if server.poll() is not None:
                check("starts", False, "exited %d: %s" % (server.returncode, server.stderr.read().decode()[:200]))
                return passed, failed
        for host in ["127.evil.example", "127.evil.example:%d" % port, "evil.example", "localhost.evil"]:
            status, text = http_probe(port, "GET", "/api/uploads", host=host, headers=owner)
            check("Host %s" % host, status in (403, 421) and '"ref"' not in text, "HTTP %d" % status)
        status, text = http_probe(port, "GET", "/api/uploads")
        check("no token", status == 401, "HTTP %d" % status)
        status, text = http_probe(port, "GET", "/")
        check("the page without its token", status == 401 and "needs its token" in text, "HTTP %d" % status)
        for name, headers in [("foreign Origin", {"Origin": "http://evil.example", "Content-Type": "application/json"}),
                              ("text/plain post", {"Origin": base, "Content-Type": "text/plain"}),
                              ("form post", {"Origin": base, "Content-Type": "application/x-www-form-urlencoded"}),
                              ("no Origin", {"Content-Type": "application/json"})]:
            status, text = http_probe(port, "POST", "/api/jobs", headers=dict(owner, **headers), body=job)
            check(name, status == 403, "HTTP %d %s" % (status, text[:80]))
        status, text = http_probe(port, "POST", "/api/uploads", headers=dict(owner, Origin="http://evil.example",
                                  **{"Content-Type": "application/octet-stream"}), body=open(CONTENT, "rb").read())
        check("upload from a foreign Origin", status == 403, "HTTP %d" % status)
        status, text = http_probe(port, "GET", "/api/jobs", headers=owner)
        check("nothing was queued", status == 200 and json.loads(text) == [], "HTTP %d %s" % (status, text[:60]))
        status, text = http_probe(port, "GET", "/api/examples/x.png", headers=owner)
        check("symlinked example", status == 404 and "root:" not in text, "HTTP %d" % status)
        status, text = http_probe(port, "GET", "/api/examples", headers=owner)
        check("symlinked example not listed", status == 200 and "x.png" not in text, text[:80])
        second = subprocess.run(args, env=env, capture_output=True, timeout=60)
        lines = second.stderr.decode().strip().splitlines()
        check("a second studio on the same home", second.returncode == 1 and len(lines) == 1 and base in lines[0],
              "exit %d: %s" % (second.returncode, lines[:2]))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        check("stops on SIGTERM", server.returncode is not None and server.returncode >= 0, "exit %s" % server.returncode)
    return passed, failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "pincel"))
    ap.add_argument("--weights", default=os.environ.get("PINCEL_WEIGHTS") or os.path.expanduser(
        "~/.cache/pincel/vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin"))
    ap.add_argument("--only", default=None, help="run only probes whose name contains this")
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="pincel-probes-") as top:
        work = os.path.join(top, "w")
        os.mkdir(work)
        shutil.copy(CONTENT, os.path.join(work, "content.png"))
        shutil.copy(STYLE, os.path.join(work, "style.jpg"))
        probes = build_probes(work, a.weights)
        for f in ("content.png", "style.jpg", "wcopy.png"):
            if os.path.exists(os.path.join(work, f)):
                shutil.copy(os.path.join(work, f), os.path.join(top, f))
        protected = [os.path.join(work, p) for p in ("content.png", "style.jpg", "hard.png", "wcopy.png", "clip.mp4",
                                                       os.path.join("precious", "thesis.txt"))]
        for probe in probes:
            if a.only and a.only not in probe.name:
                continue
            ok, detail = run_probe(binary, probe, work, protected)
            passed, failed = passed + ok, failed + (not ok)
            print(f"{'ok  ' if ok else 'FAIL'} {probe.name}: {detail}", flush=True)
            restore(work, top)
            for f in os.listdir(work):
                if f.startswith(".") or f.startswith("o.") or f in ("r.png",):
                    p = os.path.join(work, f)
                    if os.path.isfile(p) and not os.path.islink(p):
                        os.remove(p)
        if not a.only or a.only in "studio":
            ok, bad = studio_probes(binary, a.weights, top)
            passed, failed = passed + ok, failed + bad
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
