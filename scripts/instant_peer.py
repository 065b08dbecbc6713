#!/usr/bin/env python3
"""onnxruntime's time for the instant networks on the inputs `pincel bench --instant --peer` wrote.

    python scripts/instant_peer.py --models DIR --content content.f32 --style style.f32 \\
        --side 384 --threads 2 --repetitions 5

`content.f32` is the transformer's input, [side, side, 3] float32 (values 0…1, as Pincel feeds
its own network); `style.f32` the predictor's, [256, 256, 3]. Runs the models as shipped
(arbitrary_predict.onnx, arbitrary_transform.onnx: int8 weights and activations in QDQ form),
with onnxruntime's default graph optimisations, intra_op_num_threads=--threads and
inter_op_num_threads=1, one untimed pass each, then --repetitions timed passes. Prints one JSON
line: onnxruntime's version, the median and all times in ms of the predictor and the
transformer, and the transformer's output checksum (mean value) for a sanity check.
Needs onnxruntime and numpy (`make bench-instant` makes a throw-away venv .venv-ort).
"""
import argparse
import json
import os
import statistics
import time

import numpy as np
import onnxruntime as ort


def session(path, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def timed(run, repetitions):
    run()
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        out = run()
        times.append((time.perf_counter() - start) * 1000)
    return times, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", required=True)
    ap.add_argument("--content", required=True)
    ap.add_argument("--style", required=True)
    ap.add_argument("--side", type=int, required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--repetitions", type=int, default=5)
    a = ap.parse_args()
    content = np.fromfile(a.content, dtype=np.float32).reshape(1, a.side, a.side, 3)
    style = np.fromfile(a.style, dtype=np.float32).reshape(1, 256, 256, 3)
    predict = session(os.path.join(a.models, "arbitrary_predict.onnx"), a.threads)
    transform = session(os.path.join(a.models, "arbitrary_transform.onnx"), a.threads)
    p_in = predict.get_inputs()[0].name
    p_times, vector = timed(lambda: predict.run(None, {p_in: style})[0], a.repetitions)
    names = [i.name for i in transform.get_inputs()]
    feeds = {names[0]: content, names[1]: vector}  # as scripts/instant_golden.py feeds it
    t_times, out = timed(lambda: transform.run(None, feeds)[0], a.repetitions)
    print(json.dumps({
        "onnxruntime": ort.__version__, "threads": a.threads, "side": a.side, "inputs": names,
        "predictor_ms": statistics.median(p_times), "predictor_all_ms": p_times,
        "transformer_ms": statistics.median(t_times), "transformer_all_ms": t_times,
        "output_mean": float(np.mean(out)), "output_shape": list(out.shape),
    }))


if __name__ == "__main__":
    main()
