#!/usr/bin/env bash
# Regenerates the small image fixtures in Tests/PincelTests/Fixtures/images/
# with the vips CLI (libvips-tools) and python3 + numpy. Deterministic; run from anywhere.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/Tests/PincelTests/Fixtures/images"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cmyk_profile=/usr/share/color/icc/ghostscript/ps_cmyk.icc

python3 - "$work" <<'PY'
import sys, struct, zlib
import numpy as np
work = sys.argv[1]

def write_pnm(path, a, maxval):
    a = np.asarray(a)
    h, w = a.shape[:2]
    magic = b"P6" if a.ndim == 3 else b"P5"
    dtype = ">u2" if maxval > 255 else "u1"
    with open(path, "wb") as f:
        f.write(b"%s\n%d %d\n%d\n" % (magic, w, h, maxval))
        f.write(a.astype(dtype).tobytes())

# 32x24 quadrants: top-left red, top-right green, bottom-left blue, bottom-right white.
q = np.zeros((24, 32, 3), np.uint8)
q[:12, :16] = (255, 0, 0)
q[:12, 16:] = (0, 255, 0)
q[12:, :16] = (0, 0, 255)
q[12:, 16:] = (255, 255, 255)
write_pnm(f"{work}/quadrants.ppm", q, 255)

# Smooth 40x30 colour gradient (for lossy formats and resize tests).
y, x = np.mgrid[0:30, 0:40]
g = np.stack([x * 255 / 39, y * 255 / 29, (x + y) * 255 / 68], axis=-1)
write_pnm(f"{work}/gradient.ppm", np.round(g), 255)

# 16x8 grayscale ramp, 8-bit: value = 16 * column + row.
ramp = (np.arange(16)[None, :] * 16 + np.arange(8)[:, None]).astype(np.uint8)
write_pnm(f"{work}/gray.pgm", ramp, 255)

# 16x8 16-bit RGB: red = 4096 * column + 257, green = 65535 - that, blue = 8000 * row.
r = (np.arange(16)[None, :] * 4096 + 257) * np.ones((8, 1))
rgb16 = np.stack([r, 65535 - r, np.arange(8)[:, None] * 8000 * np.ones((1, 16))], axis=-1)
write_pnm(f"{work}/rgb16.ppm", rgb16, 65535)

# Alpha for an 8x8 image: left half opaque, right half fully transparent.
alpha = np.zeros((8, 8), np.uint8)
alpha[:, :4] = 255
write_pnm(f"{work}/alpha.pgm", alpha, 255)
rgb8 = np.zeros((8, 8, 3), np.uint8)
rgb8[:] = (10, 20, 30)
write_pnm(f"{work}/rgb8.ppm", rgb8, 255)

# A PNG whose IHDR claims 100000 x 100000 RGB 8-bit (valid CRCs, tiny IDAT).
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)
ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 301)) + chunk(b"IEND", b"")
open(f"{work}/huge_header.png", "wb").write(png)
PY

vips copy "$work/quadrants.ppm" "$out/quadrants.png"
vips copy "$work/gradient.ppm" "$work/gradient.png"
vips copy "$work/gradient.png" "$out/gradient.jpg[Q=95,strip]"
vips copy "$work/gradient.png" "$out/gradient.webp[lossless]"
vips copy "$work/gradient.png" "$out/gradient.tif[compression=deflate]"
vips copy "$work/quadrants.ppm" "$out/quadrants.gif"
vips copy "$work/gray.pgm" "$out/gray.png"
vips copy "$work/rgb16.ppm" "$out/rgb16.png"
vips bandjoin "$work/rgb8.ppm $work/alpha.pgm" "$out/rgba.png"
# CMYK JPEGs: one made with (and embedding) the small ghostscript CMYK profile, one made
# with libvips's built-in default CMYK profile and stripped of it.
vips icc_export "$work/gradient.png" "$work/cmyk.v" --output-profile "$cmyk_profile" --intent perceptual
vips copy "$work/cmyk.v" "$out/cmyk_icc.jpg[Q=95]"
vips icc_export "$work/gradient.png" "$work/cmyk_default.v" --output-profile cmyk --intent perceptual
vips copy "$work/cmyk_default.v" "$out/cmyk_noicc.jpg[Q=95,strip]"
# CIELAB float TIFF.
vips colourspace "$work/gradient.png" "$out/lab.tif" lab
cp "$work/huge_header.png" "$out/huge_header.png"

# Quadrants JPEG with an EXIF APP1 segment holding only Orientation = 6 (rotate 90 CW to display).
vips copy "$work/quadrants.ppm" "$work/quadrants.jpg[Q=95,strip]"
python3 - "$work/quadrants.jpg" "$out/exif_orientation6.jpg" <<'PY'
import sys, struct
data = open(sys.argv[1], "rb").read()
assert data[:2] == b"\xff\xd8"
tiff = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1) \
     + struct.pack("<HHIHH", 0x0112, 3, 1, 6, 0) + struct.pack("<I", 0)
body = b"Exif\x00\x00" + tiff
app1 = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
open(sys.argv[2], "wb").write(data[:2] + app1 + data[2:])
PY

# Truncated JPEG: the first half of a valid one.
vips copy "$work/gradient.png" "$work/full.jpg[Q=95,strip]"
size=$(stat -c %s "$work/full.jpg")
head -c $((size / 2)) "$work/full.jpg" > "$out/truncated.jpg"

cat > "$out/vector.svg" <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect width="16" height="16" fill="red"/></svg>
SVG
printf 'this is not an image\n' > "$out/not_an_image.png"
: > "$out/empty.png"
echo "fixtures written to $out"; ls -la "$out"; du -sh "$out"
