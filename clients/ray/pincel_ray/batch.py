"""``pincel-ray batch``: the items of a pincel batch manifest as Ray tasks.

The driver asks the local ``pincel`` for the plan (``pincel batch --plan``: every item's
resolved paths, settings, fingerprint, seed and whether its output is already finished), so the
fingerprint has one definition, in Swift. Each unfinished item becomes a task that gets the
input files' bytes through Ray's object store, runs ``pincel batch`` on a one-row manifest on
the worker (so the worker computes the same fingerprint and the same derived seed) and returns
the output's bytes with its report row. The driver writes each output once, atomically, and the
report.
"""

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time

import ray

from .files import PincelCrashed, PincelError, atomic_write, find_pincel, run_checked

REPORT_HEADER = ["content", "style", "output", "status", "seconds", "objective", "seed", "fingerprint", "error"]


def plan(pincel, manifest, outdir, extra):
    """The items of ``manifest`` as ``pincel batch --plan`` resolves them (a list of dicts)."""
    args = [pincel, "batch", "--manifest", manifest, "--output-dir", outdir, "--plan", *extra]
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        message = proc.stderr.decode(errors="replace").strip().splitlines()
        raise PincelError((message or [f"pincel batch --plan exited {proc.returncode}"])[0].removeprefix("Error: "))
    return [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]


@ray.remote
def stylise(item, content, style, threads, pincel, extra):
    """One item on a worker: the inputs' bytes into a scratch folder, ``pincel batch`` on a
    one-row manifest with ``--threads``, the output's bytes and the report row back."""
    binary = find_pincel(pincel)
    with tempfile.TemporaryDirectory(prefix="pincel-ray-") as tmp:
        paths = {}
        for name, data, original in (("content", content, item["content"]), ("style", style, item["style"])):
            paths[name] = os.path.join(tmp, name + os.path.splitext(original)[1])
            with open(paths[name], "wb") as f:
                f.write(data)
        output = "output" + os.path.splitext(item["output"])[1]
        columns = ["content", "style", "output", *sorted(item["settings"])]
        row = [paths["content"], paths["style"], output, *(item["settings"][c] for c in sorted(item["settings"]))]
        manifest = os.path.join(tmp, "manifest.csv")
        with open(manifest, "w", newline="") as f:
            csv.writer(f).writerows([columns, row])
        outdir = os.path.join(tmp, "out")
        args = [binary, "batch", "--manifest", manifest, "--output-dir", outdir, "--threads", str(threads), "--quiet", *extra]
        proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        if proc.returncode < 0:
            raise PincelCrashed(f"pincel ended by signal {-proc.returncode}")
        report = os.path.join(outdir, "report.csv")
        if not os.path.exists(report):
            lines = proc.stderr.decode(errors="replace").strip().splitlines()
            raise PincelError((lines or [f"pincel batch exited {proc.returncode}"])[-1])
        with open(report, newline="") as f:
            result = next(csv.DictReader(f))
        image = None
        if result["status"] == "done":
            with open(os.path.join(outdir, output), "rb") as f:
                image = f.read()
        result["node"] = ray.get_runtime_context().get_node_id()
        return result, image


def run(address, manifest, outdir, pincel=None, num_cpus=1, max_retries=3, extra=(), report=None):
    """Runs the batch; returns the process exit code (0 all finished, 1 an item failed)."""
    local = find_pincel(pincel)
    items = plan(local, manifest, outdir, list(extra))
    report = report or os.path.join(outdir, "report.csv")
    rows = {i: report_row(item, "skipped" if item["status"] == "skip" else "failed", error=item["error"])
            for i, item in enumerate(items) if item["status"] != "todo"}
    todo = [i for i, item in enumerate(items) if item["status"] == "todo"]
    say(f"{len(items)} items: {len(items) - len(todo)} finished or failed before any work, {len(todo)} to run")
    if todo:
        ray.init(address=address, logging_level="ERROR", log_to_driver=False)
        run_tasks(items, todo, rows, local if pincel else None, num_cpus, max_retries, list(extra), report)
    write_report(report, items, rows)
    failed = sum(1 for r in rows.values() if r["status"] == "failed")
    if failed:
        print(f"Error: {failed} of {len(items)} items failed (see {report})", file=sys.stderr)
        return 1
    return 0


def run_tasks(items, todo, rows, pincel, num_cpus, max_retries, extra, report):
    """Submits the tasks, then writes each output as its task returns (once, atomically)."""
    refs = {}
    pending = {}
    task = stylise.options(num_cpus=num_cpus, max_retries=max_retries, retry_exceptions=[PincelCrashed])
    for i in todo:
        item = items[i]
        for path in (item["content"], item["style"]):
            if path not in refs:
                with open(path, "rb") as f:
                    refs[path] = ray.put(f.read())
        pending[task.remote(item, refs[item["content"]], refs[item["style"]], num_cpus, pincel, extra)] = i
    written = set()
    start = time.monotonic()
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1)
        i = pending.pop(ready[0])
        item = items[i]
        try:
            result, image = ray.get(ready[0])
        except Exception as error:  # a task that failed after its retries
            rows[i] = report_row(item, "failed", error=one_line(error))
        else:
            rows[i] = finished_row(item, result, image, written)
        say(f"[{len(rows)}/{len(items)}] {item['output']}: {rows[i]['status']}"
            + (f" ({rows[i]['error']})" if rows[i]["error"] else f", {rows[i]['seconds']} s")
            + f", {time.monotonic() - start:.0f} s so far")
        write_report(report, items, rows)


def finished_row(item, result, image, written):
    """The report row of a returned task; writes its output (once)."""
    if result["status"] == "done" and result["fingerprint"] != item["fingerprint"]:
        return report_row(item, "failed", error="the worker's pincel computed another fingerprint (another version?)")
    if result["status"] == "done":
        if item["output"] in written:
            raise PincelError(f"{item['output']} would be written twice")
        atomic_write(item["output"], image)
        written.add(item["output"])
    return report_row(item, result["status"], seconds=result["seconds"], objective=result["objective"],
                      seed=result["seed"], error=result["error"])


def report_row(item, status, seconds="0.00", objective="", seed=None, error=""):
    return {"content": item["content"], "style": item["style"], "output": item["output"], "status": status,
            "seconds": seconds, "objective": objective, "seed": str(seed if seed is not None else item.get("seed") or ""),
            "fingerprint": item["fingerprint"], "error": error}


def write_report(path, items, rows):
    """The report in the items' order (items not finished yet left out), written atomically."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=REPORT_HEADER, lineterminator="\n")
    writer.writeheader()
    for i in range(len(items)):
        if i in rows:
            writer.writerow(rows[i])
    atomic_write(path, text.getvalue().encode())


def one_line(error):
    text = str(error).strip().splitlines()
    return (text[-1] if text else type(error).__name__)[:500]


def say(text):
    print(text, file=sys.stderr, flush=True)
