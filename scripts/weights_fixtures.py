#!/usr/bin/env python3
"""Writes the tiny weight-file fixtures in Tests/PincelTests/Fixtures/weights/ and prints the
values the Swift tests expect (paste them into Tests/PincelTests/WeightsTests*.swift).

No torch needed: fake `torch` / `torch._utils` modules make Python's pickle emit exactly what
torch.save emits (GLOBAL torch._utils _rebuild_tensor_v2, torch.XStorage persistent ids).

  tiny_legacy.pt       legacy torch.save stream (5 pickles + raw storages)
  tiny_zip.pth         zip torch.save archive (archive/data.pkl + archive/data/<key>)
  tiny.safetensors     safetensors with F32, F16, BF16, F64, U8
  vgg19_features_data.pkl  data.pkl of a torchvision-style VGG19 `features.N.weight/bias`
                       state dict (storages "0".."31", float32); the Swift test adds the data.

usage: python3 scripts/weights_fixtures.py [OUTDIR]
"""
import collections
import io
import json
import os
import pickle
import struct
import sys
import types
import zipfile

import numpy as np

# --- fake torch so that pickle writes the same GLOBALs as torch.save -----------------------
torch = types.ModuleType("torch")
_utils = types.ModuleType("torch._utils")


def _rebuild_tensor_v2(*args):
    raise RuntimeError("fixture writer only")


_rebuild_tensor_v2.__module__ = "torch._utils"
_utils._rebuild_tensor_v2 = _rebuild_tensor_v2
torch._utils = _utils
STORAGES = {"FloatStorage": np.float32, "HalfStorage": np.float16, "DoubleStorage": np.float64,
            "ByteStorage": np.uint8, "BFloat16Storage": None}
for _name in STORAGES:
    _cls = type(_name, (), {})
    _cls.__module__ = "torch"
    setattr(torch, _name, _cls)
sys.modules["torch"] = torch
sys.modules["torch._utils"] = _utils


class Storage:
    def __init__(self, key, stype, raw, numel):
        self.key, self.stype, self.raw, self.numel = key, stype, raw, numel


class FakeTensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def __reduce_ex__(self, proto):
        return (_rebuild_tensor_v2, (self.storage, self.offset, tuple(self.size), tuple(self.stride), False,
                                     collections.OrderedDict()))


class TorchPickler(pickle.Pickler):
    def __init__(self, f, legacy):
        super().__init__(f, protocol=2)
        self.legacy = legacy

    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            pid = ("storage", getattr(torch, obj.stype), obj.key, "cpu", obj.numel)
            return pid + (None,) if self.legacy else pid
        return None


def bf16_bits(values):
    """float32 -> bfloat16 bit patterns (values chosen to be exact)."""
    bits = np.asarray(values, dtype=np.float32).view(np.uint32)
    assert np.all(bits & 0xFFFF == 0)
    return (bits >> 16).astype("<u2")


def contiguous(shape):
    return tuple(int(np.prod(shape[i + 1:])) for i in range(len(shape)))


# --- the tiny tensor set ---------------------------------------------------------------------
A = (np.arange(6, dtype=np.float32) * 0.5 - 1.0)          # storage "s0", float32[6]
H = np.array([1.5, -2.25, 65504.0, 2.0 ** -24], dtype=np.float16)
D = np.array([1.0 / 3.0, -2.5, 1e10], dtype=np.float64)
Q = np.array([0, 7, 255, 128], dtype=np.uint8)
BF = np.array([1.0, -3.140625], dtype=np.float32)
N = np.array([42.0], dtype=np.float32)


def tiny_state():
    s_a = Storage("s0", "FloatStorage", A.astype("<f4").tobytes(), 6)
    s_h = Storage("s1", "HalfStorage", H.astype("<f2").tobytes(), 4)
    s_d = Storage("s2", "DoubleStorage", D.astype("<f8").tobytes(), 3)
    s_q = Storage("s3", "ByteStorage", Q.tobytes(), 4)
    s_b = Storage("s4", "BFloat16Storage", bf16_bits(BF).tobytes(), 2)
    s_n = Storage("s5", "FloatStorage", N.astype("<f4").tobytes(), 1)
    s_l = Storage("s6", "DoubleStorage", D[:2].astype("<f8").tobytes(), 2)   # only inside a list
    state = collections.OrderedDict()
    state["a"] = FakeTensor(s_a, 0, [2, 3], [3, 1])
    state["t"] = FakeTensor(s_a, 0, [3, 2], [1, 3])      # transposed view of "a"
    state["o"] = FakeTensor(s_a, 2, [2], [1])            # offset view of "a"
    state["h"] = FakeTensor(s_h, 0, [4], [1])
    state["d"] = FakeTensor(s_d, 0, [3], [1])
    state["q"] = FakeTensor(s_q, 0, [2, 2], [2, 1])
    state["bf"] = FakeTensor(s_b, 0, [2], [1])
    state["nested"] = {"w": FakeTensor(s_n, 0, [1], [1]), "step": 3, "list": [FakeTensor(s_l, 0, [2], [1])]}
    state._metadata = collections.OrderedDict([("", {"version": 1})])   # emits BUILD, like torch
    return state, [s_a, s_h, s_d, s_q, s_b, s_n, s_l]


def expected():
    a = A.reshape(2, 3)
    return collections.OrderedDict([
        ("a", ([2, 3], a.reshape(-1))), ("t", ([3, 2], a.T.reshape(-1))), ("o", ([2], A[2:4])),
        ("h", ([4], H.astype(np.float32))), ("d", ([3], D.astype(np.float32))),
        ("bf", ([2], BF)), ("nested.w", ([1], N)),
    ])


def write_legacy(path):
    state, storages = tiny_state()
    f = io.BytesIO()
    pickle.dump(0x1950A86A20F9469CFC6C, f, protocol=2)
    pickle.dump(1001, f, protocol=2)
    pickle.dump({"protocol_version": 1001, "little_endian": True,
                 "type_sizes": {"short": 2, "int": 4, "long": 4}}, f, protocol=2)
    TorchPickler(f, legacy=True).dump(state)
    keys = sorted(s.key for s in storages)
    pickle.dump(keys, f, protocol=2)
    by_key = {s.key: s for s in storages}
    for key in keys:
        f.write(struct.pack("<q", by_key[key].numel))
        f.write(by_key[key].raw)
    with open(path, "wb") as out:
        out.write(f.getvalue())


def write_zip(path):
    state, storages = tiny_state()
    f = io.BytesIO()
    TorchPickler(f, legacy=False).dump(state)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("tiny_zip/data.pkl", f.getvalue())
        z.writestr("tiny_zip/byteorder", "little")
        for s in storages:
            z.writestr(f"tiny_zip/data/{s.key}", s.raw)
        z.writestr("tiny_zip/version", "3\n")


def write_safetensors(path):
    items = [("f32", "F32", [2, 3], A.astype("<f4").tobytes()),
             ("f16", "F16", [4], H.astype("<f2").tobytes()),
             ("bf16", "BF16", [2], bf16_bits(BF).tobytes()),
             ("f64", "F64", [3], D.astype("<f8").tobytes()),
             ("u8", "U8", [2, 2], Q.tobytes())]
    header, body = {"__metadata__": {"format": "pt"}}, b""
    for name, dtype, shape, raw in items:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(body), len(body) + len(raw)]}
        body += raw
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)) + text + body)


def write_vgg19_features_pkl(path):
    convs = [(3, 64), (64, 64), (64, 128), (128, 128), (128, 256)] + [(256, 256)] * 3 + \
            [(256, 512)] + [(512, 512)] * 7
    indices = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34]
    state = collections.OrderedDict()
    key = 0
    for (cin, cout), idx in zip(convs, indices):
        for suffix, shape in (("weight", [cout, cin, 3, 3]), ("bias", [cout])):
            n = int(np.prod(shape))
            state[f"features.{idx}.{suffix}"] = FakeTensor(Storage(str(key), "FloatStorage", b"", n), 0,
                                                           shape, contiguous(shape))
            key += 1
    state._metadata = collections.OrderedDict([("", {"version": 1})])
    with open(path, "wb") as out:
        TorchPickler(out, legacy=False).dump(state)


def swift(values):
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "Tests", "PincelTests", "Fixtures", "weights")
    os.makedirs(outdir, exist_ok=True)
    write_legacy(os.path.join(outdir, "tiny_legacy.pt"))
    write_zip(os.path.join(outdir, "tiny_zip.pth"))
    write_safetensors(os.path.join(outdir, "tiny.safetensors"))
    write_vgg19_features_pkl(os.path.join(outdir, "vgg19_features_data.pkl"))
    print("// torch fixtures (tiny_legacy.pt, tiny_zip.pth): name: (shape, float32 values)")
    for name, (shape, values) in expected().items():
        print(f'"{name}": ({shape}, {swift(values)}),')
    print('// "q" uint8 [2, 2]:', list(int(v) for v in Q))
    print("// tiny.safetensors: f32=a, f16=h, bf16=bf, f64=d, u8=q")


if __name__ == "__main__":
    main()
