"""Reading and writing the user's files safely.

Writes are atomic where a file can be replaced (a temporary file beside it, synced, renamed
over it), so readers only ever see the old or the new content. A symbolic link is followed and
its target replaced, never the link. What is not a regular file (a FIFO, a terminal, a device
such as ``/dev/null``) is written in place, since a rename would put a regular file where it
was; a folder, a disk or a socket is refused. Reads open the file without waiting (a FIFO or a
kernel file that would block is refused) and check it is a regular file on the open handle.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Literal


class PathError(OSError):
    """A failure described in our own words: its ``strerror`` is the whole story."""


class NotAFileError(PathError):
    """A path that is neither a regular file nor something the tool may write to in place."""


class TooLargeError(PathError):
    """A file larger than the caller allows."""


class WouldBlockError(PathError):
    """A file whose reading would wait for data that may never come (a kernel or device file)."""


def kind_of(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device (a disk)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def reason(error: OSError) -> str:
    """A short account of a failed file operation, for one line on standard error."""
    if isinstance(error, PathError):
        return str(error.strerror)
    known = {
        errno.ENOENT: "no such file or folder",
        errno.ELOOP: "too many levels of symbolic links (a link loop?)",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.ENOTDIR: "a part of the path is not a folder",
        errno.EISDIR: "is a directory",
        errno.ENOSPC: "no space left on the device",
        errno.EROFS: "read-only file system",
        errno.EDQUOT: "disk quota exceeded",
        errno.ENAMETOOLONG: "file name too long",
        errno.EIO: "input/output error",
    }
    if error.errno in known:
        return known[error.errno]
    return str(error.strerror).lower() if error.strerror else str(error)


# -- reading ----------------------------------------------------------------------------------


def read_regular(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The bytes of a regular file, never waiting on a FIFO or a device.

    Raises `FileNotFoundError`, `IsADirectoryError`, `NotAFileError` (a FIFO, a device, a
    socket), `TooLargeError` (over ``limit`` bytes), `WouldBlockError` (a kernel file with no
    data yet), or any other `OSError` the system gives.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        if not stat.S_ISREG(info.st_mode):
            raise NotAFileError(
                errno.EINVAL, f"is {kind_of(info.st_mode)}, not a regular file", str(path)
            )
        if limit is not None and info.st_size > limit:
            raise TooLargeError(errno.EFBIG, _too_large(limit), str(path))
        pieces: list[bytes] = []
        total = 0
        # The whole file in one read where its size is known (one byte more finds its end):
        # a book read in pieces of a megabyte, then joined, took milliseconds more.
        wanted = info.st_size + 1 if info.st_size > 0 else 1 << 20
        while True:
            try:
                piece = os.read(descriptor, wanted)
            except BlockingIOError:
                raise WouldBlockError(
                    errno.EAGAIN,
                    "cannot be read without waiting (a kernel or device file, not a document)",
                    str(path),
                ) from None
            if not piece:
                return b"".join(pieces)
            total += len(piece)
            if limit is not None and total > limit:
                raise TooLargeError(errno.EFBIG, _too_large(limit), str(path))
            pieces.append(piece)
            wanted = 1 << 20
    finally:
        os.close(descriptor)


def _too_large(limit: int) -> str:
    return f"is larger than {limit // 2**20} MiB" if limit >= 2**20 else f"is over {limit} bytes"


# -- writing ----------------------------------------------------------------------------------

Destination = Literal["new", "file", "in place"]

_DESCRIPTOR = re.compile(r"/dev/(?:stdout|stderr|fd/\d+)|/proc/[^/]+/fd/\d+")
"""Paths that name an open file descriptor: written through it, appending, so that
``-o /dev/stdout >> log`` adds to the log as the shell asked."""


def destination(path: str | os.PathLike[str]) -> tuple[Path, Destination]:
    """Where a write to ``path`` lands, and how.

    ``"new"`` (nothing there yet) and ``"file"`` (a regular file) are written atomically at the
    returned path, a symbolic link's final target; ``"in place"`` (a FIFO, a terminal, a
    character device, or an open descriptor such as ``/dev/stdout``) is opened and written as
    it is. A folder, a block device or a socket raises `OSError`.
    """
    given = Path(path)
    try:
        info = os.stat(given)  # follows links
    except FileNotFoundError:
        # Missing, or a link to something missing: create it where the link points.
        return Path(os.path.realpath(given)), "new"
    mode = info.st_mode
    if _DESCRIPTOR.fullmatch(os.path.abspath(given)) and not stat.S_ISDIR(mode):
        return given, "in place"
    if stat.S_ISREG(mode):
        real = Path(os.path.realpath(given))
        with contextlib.suppress(OSError):
            seen = os.stat(real)
            if (seen.st_dev, seen.st_ino) == (info.st_dev, info.st_ino):
                return real, "file"
        return given, "in place"
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return given, "in place"
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    raise NotAFileError(
        errno.EINVAL, f"is {kind_of(mode)}: the tool does not write there", str(path)
    )


def check_writable(path: str | os.PathLike[str]) -> None:
    """Raise `OSError` now if `write_atomic` to ``path`` would fail for want of a place to write.

    Nothing is left behind: a probe file is created and removed in the folder that would
    receive the temporary file (its nearest existing ancestor when folders are missing).
    """
    target, how = destination(path)
    if how == "in place":
        if not os.access(target, os.W_OK):
            raise PathError(errno.EACCES, "permission denied", str(path))
        return
    folder = target.parent
    while not folder.exists():
        if folder.parent == folder:
            break
        folder = folder.parent
    if not folder.is_dir():
        raise PathError(errno.ENOTDIR, f"{folder} is not a folder", str(path))
    try:
        handle, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise PathError(
            error.errno, f"cannot create a file in {folder} ({reason(error)})", str(path)
        ) from None
    os.close(handle)
    with contextlib.suppress(OSError):
        os.unlink(probe)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that no reader sees a part of it (see `destination`).

    A regular file (or a new one) gets a temporary file beside it, fsynced, then renamed over
    it, with the mode and owner of the file it replaces; a link's target is the file replaced.
    A FIFO or a device is written in place.
    """
    target, how = destination(path)
    if how == "in place":
        _write_in_place(target, data)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = ""
    try:
        # Made inside the try: a Ctrl+C right after it must not leave the file behind.
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
        # mkstemp makes the file private; give it the mode a plain open() would (or keep the
        # mode and owner of the file it replaces), so exports stay shareable.
        _take_over(handle, target)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        raise
    _fsync_folder(target.parent)


def _write_in_place(path: Path, data: bytes) -> None:
    """Write to a FIFO, a terminal, a device or an open descriptor as it is (renaming would
    replace it). Appending: a regular file behind ``/dev/stdout`` was emptied by the shell
    for ``>``, and must keep what it holds for ``>>``."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    try:
        view = memoryview(data)
        while view:
            written = os.write(descriptor, view)
            view = view[written:]
    finally:
        os.close(descriptor)


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


def _take_over(handle: int, path: Path) -> None:
    """Give a temporary file the mode (and, where allowed, the owner) of the file it replaces."""
    try:
        info = path.stat()
    except OSError:
        os.fchmod(handle, 0o666 & ~_UMASK)
        return
    if (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(OSError):
            os.fchown(handle, info.st_uid, info.st_gid)
    os.fchmod(handle, info.st_mode & 0o7777)


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
