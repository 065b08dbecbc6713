#!/usr/bin/env python3
"""Writes the seed corpora in Fuzz/Corpus/<Target>/ from the weight fixtures in
Tests/PincelTests/Fixtures/weights/ (made by scripts/weights_fixtures.py), plus variants that
reach more code: deflated and zip64 archives, protocol-4 pickles, a quantised safetensors layer.
Each seed is a few kB at most.  usage: python3 scripts/fuzz_seeds.py
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


if __name__ == "__main__":
    main()
