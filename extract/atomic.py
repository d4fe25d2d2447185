"""Writing files so that readers only ever see the old or the new content, never a part."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private; give it the mode a plain open() would (or keep the
        # mode of the file it replaces), so exports stay shareable.
        os.fchmod(handle, _mode_for(path))
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_folder(path.parent)


def aside_path(path: Path, suffix: str = ".corrupt") -> Path:
    """A name beside ``path`` to keep a bad file under, never one already taken."""
    candidate = path.with_name(path.name + suffix)
    number = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}{suffix}.{number}")
        number += 1
    return candidate


def remove_leftovers(path: Path) -> None:
    """Delete temporary files a crashed writer of ``path`` left behind.

    Only call this while holding the lock that every writer of ``path`` takes.
    """
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _read_umask() -> int:
    # Read once at import, while the process is still single-threaded: os.umask sets it too.
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


_UMASK = _read_umask()


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_UMASK


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
