"""Small file helpers shared by the batch and video drivers."""

import os
import shutil
import subprocess
import tempfile


class PincelError(Exception):
    """A one-line failure shown as ``Error: ...``."""


class PincelCrashed(Exception):
    """The pincel process on a worker ended by a signal (its node going away): Ray retries the task."""


def find_pincel(explicit=None):
    """The pincel binary: ``explicit`` when given, else the one on PATH."""
    if explicit:
        if not (os.path.isfile(explicit) and os.access(explicit, os.X_OK)):
            raise PincelError(f"--pincel {explicit}: not an executable file")
        return os.path.abspath(explicit)
    found = shutil.which("pincel")
    if not found:
        raise PincelError("no pincel on PATH; give --pincel PATH")
    return found


def atomic_write(path, data):
    """Writes ``data`` to ``path`` through a temporary file in the same folder and a rename, so
    the path holds either nothing (or the old file) or the complete new one."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    suffix = os.path.splitext(path)[1]
    fd, temporary = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".partial-", suffix=suffix, dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def run_checked(args, what):
    """Runs ``args``; returns its stdout. Raises PincelCrashed when it ends by a signal and
    PincelError (its last stderr line) when it fails."""
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    if proc.returncode < 0:
        raise PincelCrashed(f"{what}: {os.path.basename(args[0])} ended by signal {-proc.returncode}")
    if proc.returncode != 0:
        lines = [l for l in proc.stderr.decode(errors="replace").splitlines() if l.strip()]
        errors = [l for l in lines if l.startswith("Error:")]
        raise PincelError(f"{what}: " + ((errors or lines or [f'exit {proc.returncode}'])[-1]))
    return proc.stdout
