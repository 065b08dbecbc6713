#!/usr/bin/env python3
"""Writes the seed corpora in Fuzz/Corpus/<Target>/ from the weight fixtures in
Tests/PincelTests/Fixtures/weights/ (made by scripts/weights_fixtures.py), plus variants that
reach more code: deflated and zip64 archives, protocol-4 pickles, a quantised safetensors layer.
The ONNX reader's seeds are written here by hand (a tiny model of the ops and tensor kinds the
instant networks use, and cut-short variants), plus the first 4 kB of the real transformer when
`make weights` fetched it. Each seed is a few kB at most.  usage: python3 scripts/fuzz_seeds.py
"""
import io
import json
import os
import struct
import zipfile
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FIX = os.path.join(ROOT, "Tests", "PincelTests", "Fixtures", "weights")
OUT = os.path.join(ROOT, "Fuzz", "Corpus")


def fixture(name):
    with open(os.path.join(FIX, name), "rb") as f:
        return f.read()


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def rezip(data, compression):
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as dst:
        for info in src.infolist():
            payload = src.read(info)
            entry = zipfile.ZipInfo(info.filename)
            entry.compress_type = compression
            with dst.open(entry, "w") as w:
                w.write(payload)
    return buf.getvalue()


def zip64(data):
    """`data`'s entries re-written with zip64 directory fields and end records."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out, cd, big = b"", b"", 0xFFFFFFFF
    for info in src.infolist():
        payload, name = src.read(info), info.filename.encode()
        off = len(out)
        crc = zlib.crc32(payload)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, crc, len(payload), len(payload), len(name), 0)
        out += name + payload
        extra = struct.pack("<HHQQQ", 1, 24, len(payload), len(payload), off)
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 0, crc, big, big, len(name),
                          len(extra), 0, 0, 0, 0, big) + name + extra
    n, cd_off = len(src.infolist()), len(out)
    out += cd
    record = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, len(cd), cd_off)
    out += struct.pack("<IIQI", 0x07064B50, 0, record, 1)
    return out + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, big, big, 0)


def safetensors(tensors):
    header, body = {"__metadata__": {"format": "pt"}}, b""
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(body), len(body) + len(raw)]}
        body += raw
    js = json.dumps(header, separators=(",", ":")).encode()
    js += b" " * (-len(js) % 8)
    return struct.pack("<Q", len(js)) + js + body


def main():
    legacy, zipped = fixture("tiny_legacy.pt"), fixture("tiny_zip.pth")
    put("LegacyTorchFuzz", "tiny_legacy.pt", legacy)
    put("ZipTorchFuzz", "tiny_zip.pth", zipped)
    put("ZipTorchFuzz", "tiny_zip_deflated.pth", rezip(zipped, zipfile.ZIP_DEFLATED))
    put("ZipTorchFuzz", "tiny_zip64.pth", zip64(zipped))
    put("SafetensorsFuzz", "tiny.safetensors", fixture("tiny.safetensors"))
    put("SafetensorsFuzz", "quantised_layer.safetensors", safetensors([
        ("block1_conv1_W_q", "U8", [64, 3, 3, 3], bytes(i % 16 for i in range(64 * 27))),
        ("block1_conv1_W_table", "F32", [16], struct.pack("<16f", *[i / 8 for i in range(16)])),
        ("block1_conv1_b", "F32", [64], struct.pack("<64f", *[0.5] * 64)),
    ]))
    pkl = zipfile.ZipFile(io.BytesIO(zipped))
    data_pkl = next(n for n in pkl.namelist() if n.endswith("data.pkl"))
    put("PickleFuzz", "tiny_zip_data.pkl", pkl.read(data_pkl))
    put("PickleFuzz", "vgg19_features_data.pkl", fixture("vgg19_features_data.pkl"))
    # pickle.dumps({'a': [1, -2, 300, 70000, -70000, 3.5, True, False, None, 'xé', b'y', (1, 2), (1,),
    # (1, 2, 3), ()], 'big': 2**70, 'neg': -5}, protocol=4), as in WeightsTestsMalformed.swift.
    put("PickleFuzz", "generic4.pkl", bytes.fromhex(
        "80049566000000000000007d94288c0161945d94284b014afeffffff4d2c014a701101004a90eefeff47400c000000"
        "00000088894e8c0378c3a994430179944b014b0286944b0185944b014b024b03879429658c03626967948a0900000000"
        "00000000408c036e6567944afbffffff752e"))
    onnx_seeds()


def pb_varint(v):
    v &= (1 << 64) - 1
    out = b""
    while v >= 0x80:
        out += bytes([(v & 0x7F) | 0x80])
        v >>= 7
    return out + bytes([v])


def pb_int(field, v):
    return pb_varint(field << 3) + pb_varint(v)


def pb_bytes(field, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return pb_varint(field << 3 | 2) + pb_varint(len(payload)) + payload


def onnx_tensor(name, dims, dtype, raw=None, packed_floats=None, packed_ints=None):
    t = b"".join(pb_int(1, d) for d in dims) + pb_int(2, dtype) + pb_bytes(8, name)
    if raw is not None:
        t += pb_bytes(9, raw)
    if packed_floats is not None:
        t += pb_bytes(4, struct.pack("<%df" % len(packed_floats), *packed_floats))
    if packed_ints is not None:
        t += pb_bytes(7, b"".join(pb_varint(i) for i in packed_ints))
    return t


def onnx_node(op, inputs, outputs, attributes=b""):
    return b"".join(pb_bytes(1, i) for i in inputs) + b"".join(pb_bytes(2, o) for o in outputs) + pb_bytes(4, op) + attributes


def onnx_attribute(name, kind, payload):
    # AttributeType FLOAT 1 (field 2, fixed32), INT 2 (field 3), FLOATS 6 (field 7), INTS 7 (field 8).
    return pb_bytes(5, pb_bytes(1, name) + pb_int(20, kind) + payload)


def onnx_value_info(name, dims):
    shape = b"".join(pb_bytes(1, pb_int(1, d)) for d in dims)
    return pb_bytes(1, name) + pb_bytes(2, pb_bytes(1, pb_int(1, 1) + pb_bytes(2, shape)))


def onnx_model():
    """x [1,4,4,2] -> DequantizeLinear(int8 weights) -> Conv(NHWC->NCHW transposed) -> Relu -> y."""
    ints = lambda name, values: onnx_attribute(name, 7, pb_bytes(8, b"".join(pb_varint(v) for v in values)))
    nodes = [
        onnx_node("DequantizeLinear", ["wq", "ws", "wz"], ["w"]),
        onnx_node("Transpose", ["x"], ["xt"], ints("perm", [0, 3, 1, 2])),
        onnx_node("Conv", ["xt", "w", "b"], ["c"], ints("pads", [1, 1, 1, 1]) + ints("strides", [1, 1])
                  + onnx_attribute("group", 2, pb_int(3, 1))),
        onnx_node("Clip", ["c", "lo", "hi"], ["y"]),
        onnx_node("Mul", ["y", "k"], ["z"], onnx_attribute("alpha", 1, pb_varint(2 << 3 | 5) + struct.pack("<f", 0.5))),
    ]
    inits = [
        onnx_tensor("wq", [2, 2, 3, 3], 3, raw=bytes((i * 7) % 256 for i in range(36))),
        onnx_tensor("ws", [], 1, packed_floats=[0.05]),
        onnx_tensor("wz", [], 3, packed_ints=[0]),
        onnx_tensor("b", [2], 1, raw=struct.pack("<2f", 0.1, -0.2)),
        onnx_tensor("lo", [], 1, raw=struct.pack("<f", 0)),
        onnx_tensor("hi", [], 1, raw=struct.pack("<f", 6)),
        onnx_tensor("k", [1], 7, raw=struct.pack("<q", -3)),
    ]
    graph = b"".join(pb_bytes(1, n) for n in nodes) + pb_bytes(2, "seed") + b"".join(pb_bytes(5, t) for t in inits)
    graph += pb_bytes(11, onnx_value_info("x", [1, 4, 4, 2])) + pb_bytes(12, onnx_value_info("z", [1, 2, 4, 4]))
    return pb_int(1, 8) + pb_bytes(8, pb_bytes(1, "") + pb_int(2, 15)) + pb_bytes(7, graph)


def onnx_seeds():
    model = onnx_model()
    put("ONNXFuzz", "tiny.onnx", model)
    put("ONNXFuzz", "tiny_cut.onnx", model[: len(model) * 2 // 3])
    put("ONNXFuzz", "tiny_huge_dims.onnx", model.replace(pb_int(1, 2) + pb_int(1, 2) + pb_int(1, 3),
                                                         pb_int(1, 1 << 40) + pb_int(1, 2) + pb_int(1, 3)))
    home = os.environ.get("PINCEL_HOME") or os.path.expanduser("~/.cache/pincel")
    real = os.path.join(home, "arbitrary_transform.onnx")
    if os.path.isfile(real):
        with open(real, "rb") as f:
            put("ONNXFuzz", "transform_head.onnx", f.read(4096))


if __name__ == "__main__":
    main()
