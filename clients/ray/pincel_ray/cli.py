"""The ``pincel-ray`` command."""

import argparse
import sys

from . import batch, video
from .files import PincelError


def parser():
    p = argparse.ArgumentParser(prog="pincel-ray", description="Run pincel batch and video jobs across a Ray cluster.")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("batch", help="the items of a pincel batch manifest as Ray tasks",
                       description="Extra pincel flags (applied to every item) go after --.")
    b.add_argument("manifest", help="CSV: content,style,output and any transfer option as a column")
    b.add_argument("outdir", help="folder of the outputs and report.csv")
    b.add_argument("--report", help="report CSV (default OUTDIR/report.csv)")
    v = sub.add_parser("video", help="a video in overlapping segments, each a pincel video task",
                       description="Extra pincel video flags (--size, --iterations, --seed…) go after --.")
    v.add_argument("--input", required=True)
    v.add_argument("--style", required=True)
    v.add_argument("--output", required=True)
    v.add_argument("--segment-frames", type=int, default=48, help="most frames per segment (default 48)")
    v.add_argument("--overlap", type=int, default=4, help="frames two segments of a shot share (default 4)")
    v.add_argument("--scene-threshold", type=float, default=0.3, help="ffmpeg scene score that starts a shot")
    for s in (b, v):
        s.add_argument("--address", required=True, help="the Ray cluster, e.g. 10.0.0.1:6379, or auto")
        s.add_argument("--pincel", help="the pincel binary on every node (default: pincel on PATH)")
        s.add_argument("--num-cpus", type=int, default=1, help="cores per task, and pincel's --threads (default 1)")
        s.add_argument("--max-retries", type=int, default=3, help="retries of a task whose worker died (default 3)")
    return p


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    args = parser().parse_args(argv)
    if args.num_cpus < 1:
        print("Error: --num-cpus must be at least 1", file=sys.stderr)
        return 64
    try:
        if args.command == "batch":
            return batch.run(args.address, args.manifest, args.outdir, args.pincel, args.num_cpus, args.max_retries,
                             extra, args.report)
        return video.run(args.address, args.input, args.style, args.output, args.pincel, args.num_cpus,
                         args.max_retries, args.segment_frames, args.overlap, args.scene_threshold, extra)
    except PincelError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; the outputs written so far are kept (rerun to continue).", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
