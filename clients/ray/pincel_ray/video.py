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
def stylise_segment(clip, clip_ext, style, style_ext, segment, threads, pincel, extra, keyframe=None):
    """One segment on a worker: ``pincel video --frames A:B`` (its first frame started from
    ``keyframe``, PNG bytes, when given); returns the encoded segment."""
    binary = find_pincel(pincel)
    with tempfile.TemporaryDirectory(prefix="pincel-ray-video-") as tmp:
        clip_path, style_path = os.path.join(tmp, "clip" + clip_ext), os.path.join(tmp, "style" + style_ext)
        key_path = os.path.join(tmp, "keyframe.png")
        for path, data in ((clip_path, clip), (style_path, style), (key_path, keyframe)):
            if data is not None:
                with open(path, "wb") as f:
                    f.write(data)
        output = os.path.join(tmp, "segment.mkv")
        # From its keyframe the first frame is warm-started, as every later frame of a single run
        # is: it gets the later frames' evaluations.
        init = ["--init", key_path, "--first-iterations", str(later_iterations(extra))] if keyframe is not None else []
        run_checked([binary, "video", "--input", clip_path, "--style", style_path, "--output", output,
                     "--frames", f"{segment[0]}:{segment[1]}", "--threads", str(threads),
                     "--work-dir", os.path.join(tmp, "work"), "--quiet", *extra, *init], f"segment {segment[0]}:{segment[1]}")
        with open(output, "rb") as f:
            return f.read()


def later_iterations(extra):
    """The ``--iterations`` of ``pincel video`` in ``extra`` (the last one given), else its default, 100."""
    value = "100"
    for k, word in enumerate(extra):
        if word == "--iterations" and k + 1 < len(extra):
            value = extra[k + 1]
        elif word.startswith("--iterations="):
            value = word.split("=", 1)[1]
    return value


def shot_of(segments, segment):
    """The first frame of the shot ``segment`` belongs to (segments of one shot overlap)."""
    start = segment[0]
    for a, b in sorted(segments, reverse=True):
        if a < start < b:
            start = a
    return start


@ray.remote
def stylise_keyframes(clip, clip_ext, style, style_ext, starts, threads, pincel, extra):
    """The first frames of a shot's segments (``starts``) as one short video on a worker:
    ``pincel video`` on a folder of just those frames, each warm-started from the one before
    (warped along the flow) as in a single run; returns the encoded keyframes."""
    binary = find_pincel(pincel)
    with tempfile.TemporaryDirectory(prefix="pincel-ray-keys-") as tmp:
        clip_path, style_path = os.path.join(tmp, "clip" + clip_ext), os.path.join(tmp, "style" + style_ext)
        for path, data in ((clip_path, clip), (style_path, style)):
            with open(path, "wb") as f:
                f.write(data)
        frames = os.path.join(tmp, "frames")
        os.mkdir(frames)
        pick = "+".join(f"eq(n,{a})" for a in starts)
        run_checked(["ffmpeg", "-nostdin", "-v", "error", "-i", clip_path, "-map", "0:v:0", "-vf", f"select='{pick}'",
                     "-fps_mode", "passthrough", "-start_number", "0", os.path.join(frames, "%06d.png")], "keyframes")
        output = os.path.join(tmp, "keyframes.mkv")
        run_checked([binary, "video", "--input", frames, "--style", style_path, "--output", output, "--frame-rate", "1",
                     "--threads", str(threads), "--work-dir", os.path.join(tmp, "work"), "--quiet", *extra], "keyframes")
        with open(output, "rb") as f:
            return f.read()


def shot_keyframes(segments, submit_keys, workdir):
    """For every shot cut into several segments, the first frames of its segments stylised in
    one chain (a task per shot), as PNG bytes in the object store by frame. Every segment starts
    its first frame from its keyframe, so neighbouring segments paint the same texture where
    they overlap and the cross-fade joins two similar images, not two independent
    stylisations (which differ as much as two random starts do)."""
    shots = {}
    for segment in segments:
        shots.setdefault(shot_of(segments, segment), []).append(segment[0])
    chains = {a: sorted(starts) for a, starts in shots.items() if len(starts) > 1}
    encoded = ray.get([submit_keys(starts) for starts in chains.values()])
    keyframes = {}
    for (shot, starts), data in zip(chains.items(), encoded):
        path = os.path.join(workdir, f"keys-{shot}.mkv")
        with open(path, "wb") as f:
            f.write(data)
        folder = os.path.join(workdir, f"keys-{shot}")
        os.mkdir(folder)
        run_checked(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-fps_mode", "passthrough", "-start_number", "0",
                     os.path.join(folder, "%06d.png")], "keyframes")
        for k, start in enumerate(starts):
            with open(os.path.join(folder, f"{k:06d}.png"), "rb") as f:
                keyframes[start] = ray.put(f.read())
    return keyframes


def decode(data, width, height, workdir, name):
    """The RGB frames (uint8, ``[n, h, w, 3]``) of an encoded segment."""
    path = os.path.join(workdir, name)
    with open(path, "wb") as f:
        f.write(data)
    raw = run_checked(["ffmpeg", "-nostdin", "-v", "error", "-i", path, "-map", "0:v:0", "-fps_mode", "passthrough",
                       "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], "decoding")
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

    def submit(segment, keyframe=None):
        return task.remote(clip, os.path.splitext(input)[1], painting, os.path.splitext(style)[1], segment, num_cpus,
                           pincel, list(extra), keyframe)

    with tempfile.TemporaryDirectory(prefix="pincel-ray-join-") as tmp:
        keys = stylise_keyframes.options(num_cpus=num_cpus, max_retries=max_retries, retry_exceptions=[PincelCrashed])
        keyframes = shot_keyframes(segments, lambda starts: keys.remote(
            clip, os.path.splitext(input)[1], painting, os.path.splitext(style)[1], starts, num_cpus, pincel, list(extra)), tmp)
        encoded = ray.get([submit(s, keyframes.get(s[0])) for s in segments])
        first = os.path.join(tmp, "first.mkv")
        with open(first, "wb") as f:
            f.write(encoded[0])
        size = probe(first)
        decoded = [decode(data, size["width"], size["height"], tmp, f"segment-{k}.mkv") for k, data in enumerate(encoded)]
    raw = join(segments, decoded, info["frames"])
    encode(raw, size["width"], size["height"], info["rate"], input, info["audio"], output)
    print(f"{output}: {info['frames']} frames at {info['rate']} fps from {len(segments)} segments", file=sys.stderr)
    return 0
