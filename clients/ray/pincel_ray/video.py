"""``pincel-ray video``: a video split at shot boundaries and into overlapping segments, each
segment a ``pincel video --frames A:B`` Ray task, joined by the driver with a cross-fade across
each overlap, the frame count and frame rate kept and the audio muxed once."""

import json
import math
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import ray

from .files import PincelCrashed, PincelError, atomic_write, find_pincel, run_checked


def probe(path):
    """Frames, frame rate (``num/den``), size and whether there is audio, from ffprobe."""
    out = run_checked(["ffprobe", "-v", "error", "-count_packets", "-show_entries",
                       "stream=codec_type,width,height,r_frame_rate,nb_read_packets", "-of", "json", path], "ffprobe")
    streams = json.loads(out).get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    if video is None:
        raise PincelError(f"{path}: no video stream")
    return {"frames": int(video.get("nb_read_packets", 0)), "rate": video["r_frame_rate"],
            "width": video["width"], "height": video["height"],
            "audio": any(s.get("codec_type") == "audio" for s in streams)}


def scene_cuts(path, rate, threshold):
    """Frames where a new shot starts (ffmpeg's scene score above ``threshold``)."""
    proc = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-i", path, "-map", "0:v:0",
                           "-vf", f"select='gt(scene,{threshold})',showinfo", "-f", "null", "-"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise PincelError(f"{path}: ffmpeg's scene detection failed")
    num, den = (int(x) for x in rate.split("/"))
    times = re.findall(r"pts_time:\s*([0-9.]+)", proc.stderr.decode(errors="replace"))
    return sorted({round(float(t) * num / den) for t in times})


def plan_segments(frames, cuts, segment_frames, overlap):
    """Segments ``(a, b)`` (frames a…b−1): one per shot, and a shot longer than
    ``segment_frames`` cut into equal segments that overlap by ``overlap`` frames."""
    bounds = [0] + [c for c in cuts if 0 < c < frames] + [frames]
    segments = []
    for a, b in zip(bounds, bounds[1:]):
        n = b - a
        if n <= segment_frames:
            segments.append((a, b))
            continue
        count = math.ceil((n - overlap) / (segment_frames - overlap))
        length = math.ceil((n + (count - 1) * overlap) / count)
        for k in range(count):
            start = a + k * (length - overlap)
            segments.append((start, min(start + length, b)))
    return segments


@ray.remote
def stylise_segment(clip, clip_ext, style, style_ext, segment, threads, pincel, extra):
    """One segment on a worker: ``pincel video --frames A:B``; returns the encoded segment."""
    binary = find_pincel(pincel)
    with tempfile.TemporaryDirectory(prefix="pincel-ray-video-") as tmp:
        clip_path, style_path = os.path.join(tmp, "clip" + clip_ext), os.path.join(tmp, "style" + style_ext)
        for path, data in ((clip_path, clip), (style_path, style)):
            with open(path, "wb") as f:
                f.write(data)
        output = os.path.join(tmp, "segment.mkv")
        run_checked([binary, "video", "--input", clip_path, "--style", style_path, "--output", output,
                     "--frames", f"{segment[0]}:{segment[1]}", "--threads", str(threads),
                     "--work-dir", os.path.join(tmp, "work"), "--quiet", *extra], f"segment {segment[0]}:{segment[1]}")
        with open(output, "rb") as f:
            return f.read()


def decode(data, width, height, workdir, name):
    """The RGB frames (uint8, ``[n, h, w, 3]``) of an encoded segment."""
    path = os.path.join(workdir, name)
    with open(path, "wb") as f:
        f.write(data)
    raw = run_checked(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], "decoding")
    return np.frombuffer(raw, dtype=np.uint8).reshape(-1, height, width, 3)


def join(segments, decoded, frames):
    """One frame per source frame: each segment's frames, cross-faded linearly across each
    overlap with the next segment (the later segment's weight rising from 1/(k+1) to k/(k+1))."""
    out = [None] * frames
    for (a, b), pixels in zip(segments, decoded):
        if len(pixels) != b - a:
            raise PincelError(f"segment {a}:{b} came back with {len(pixels)} frames")
        for t in range(a, b):
            frame = pixels[t - a].astype(np.float32)
            if out[t] is None:
                out[t] = frame
                continue
            previous_end = max(e for s, e in segments if s < a and e > t)
            k = previous_end - a
            weight = (t - a + 1) / (k + 1)
            out[t] = (1 - weight) * out[t] + weight * frame
    return b"".join(np.clip(np.rint(f), 0, 255).astype(np.uint8).tobytes() for f in out)


def encode(raw, width, height, rate, source, has_audio, output):
    """The joined frames as ``output`` (H.264 or VP9 by extension), the source's audio muxed
    once (copied, else re-encoded), written to a temporary name and renamed."""
    folder = os.path.dirname(os.path.abspath(output))
    ext = os.path.splitext(output)[1].lower()
    video = ["-c:v", "libvpx-vp9", "-crf", "32", "-b:v", "0"] if ext == ".webm" else ["-c:v", "libx264", "-crf", "18"]
    fd, temporary = tempfile.mkstemp(prefix="." + os.path.basename(output) + ".partial-", suffix=ext, dir=folder)
    os.close(fd)
    try:
        for audio in (["-c:a", "copy"], ["-c:a", "libopus" if ext == ".webm" else "aac"]):
            args = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}",
                    "-framerate", rate, "-i", "-"]
            if has_audio:
                args += ["-i", source, "-map", "0:v:0", "-map", "1:a:0", *audio]
            args += [*video, "-pix_fmt", "yuv420p", temporary]
            proc = subprocess.run(args, input=raw, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if proc.returncode == 0:
                break
            if not has_audio:
                break
        if proc.returncode != 0:
            raise PincelError("encoding failed: " + (proc.stderr.decode(errors="replace").strip().splitlines() or ["?"])[-1])
        os.replace(temporary, output)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def run(address, input, style, output, pincel=None, num_cpus=1, max_retries=3, segment_frames=48, overlap=4,
        scene_threshold=0.3, extra=()):
    """Runs the video; returns the process exit code."""
    if not 0 < overlap < segment_frames:
        raise PincelError("--overlap must be at least 1 and below --segment-frames")
    info = probe(input)
    segments = plan_segments(info["frames"], scene_cuts(input, info["rate"], scene_threshold), segment_frames, overlap)
    print("segments: " + " ".join(f"{a}:{b}" for a, b in segments), file=sys.stderr, flush=True)
    ray.init(address=address, logging_level="ERROR", log_to_driver=False)
    with open(input, "rb") as f:
        clip = ray.put(f.read())
    with open(style, "rb") as f:
        painting = ray.put(f.read())
    task = stylise_segment.options(num_cpus=num_cpus, max_retries=max_retries, retry_exceptions=[PincelCrashed])
    refs = [task.remote(clip, os.path.splitext(input)[1], painting, os.path.splitext(style)[1], s, num_cpus,
                        pincel, list(extra)) for s in segments]
    encoded = ray.get(refs)
    with tempfile.TemporaryDirectory(prefix="pincel-ray-join-") as tmp:
        first = os.path.join(tmp, "first.mkv")
        with open(first, "wb") as f:
            f.write(encoded[0])
        size = probe(first)
        decoded = [decode(data, size["width"], size["height"], tmp, f"segment-{k}.mkv") for k, data in enumerate(encoded)]
    raw = join(segments, decoded, info["frames"])
    encode(raw, size["width"], size["height"], info["rate"], input, info["audio"], output)
    print(f"{output}: {info['frames']} frames at {info['rate']} fps from {len(segments)} segments", file=sys.stderr)
    return 0
