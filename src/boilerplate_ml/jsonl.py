"""JSON Lines plumbing that every reader and writer of the project shares.

Input plain, gzipped or zstd-compressed, read as numbered lines so that every error names ``file:line``; output
written to a temporary file that takes its name only when complete.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import zstandard


class InputError(ValueError):
    """A record or file that cannot be read; the message starts with where (``file:line``)."""

    def __init__(self, origin: str, reason: str) -> None:
        super().__init__(f"{origin}: {reason}")


def open_binary(path: str | Path) -> io.BufferedIOBase:
    """Open a file for reading bytes, transparently decompressing ``.gz`` and ``.zst`` files; the handle can ``peek``."""
    name = str(path).lower()
    if name.endswith(".gz"):
        return gzip.open(path, "rb")
    if name.endswith(".zst"):
        return io.BufferedReader(_ZstdReader(open(path, "rb")))
    return open(path, "rb")


class _ZstdReader(io.RawIOBase):
    """A zstd file's content, frame after frame; an ``EOFError`` where it stops mid-frame.

    zstandard's own stream reader ends a truncated file quietly, as if it were complete.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._decompressor = zstandard.ZstdDecompressor().decompressobj()
        self._pending = b""
        self._started = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            data = self._raw.read(1 << 16)
            if self._decompressor.eof:  # a frame has ended: whatever follows is the next frame
                data = self._decompressor.unused_data + data
                if not data:
                    return 0
                self._decompressor = zstandard.ZstdDecompressor().decompressobj()
            elif not data:
                if self._started:
                    raise EOFError("compressed file ended before the end of its last zstd frame")
                return 0  # an empty file
            self._started = True
            self._pending = self._decompressor.decompress(data)
        size = min(len(buffer), len(self._pending))
        buffer[:size], self._pending = self._pending[:size], self._pending[size:]
        return size

    def close(self) -> None:
        self._raw.close()
        super().close()


#: What reading a truncated or corrupt compressed file raises, beside OSError for an unreadable one.
READ_ERRORS: tuple[type[Exception], ...] = (EOFError, OSError, zstandard.ZstdError)


def parse_json_line(raw: bytes) -> object:
    """Decode one JSON Lines record; the ValueError says what is wrong, callers add file and line."""
    try:
        return json.loads(raw.decode("utf-8-sig"))  # -sig: a file saved with a byte-order mark starts with one
    except UnicodeDecodeError as error:
        raise ValueError(f"invalid UTF-8 at byte {error.start}") from None
    except json.JSONDecodeError as error:  # some of json's messages end in "at" already ("Invalid control character at")
        raise ValueError(f"malformed JSON ({error.msg.removesuffix(' at')} at column {error.colno})") from None


def lone_surrogate_at(text: str) -> int | None:
    """Where ``text`` holds a lone surrogate, which JSON can spell ("\\ud800") but no UTF-8 text holds; else None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        return error.start
    return None


def numbered_lines(handle: IO[bytes], name: str) -> Iterator[tuple[int, bytes]]:
    """Each non-blank raw line with its number; a truncated gzip raises :class:`InputError` at the line where reading stopped."""
    line_number = 0
    try:
        for line_number, raw in enumerate(handle, start=1):
            if raw.strip():
                yield line_number, raw
    except READ_ERRORS as error:  # a truncated or corrupt gzip or zstd file
        raise InputError(f"{name}:{line_number + 1}", f"cannot read past line {line_number} ({error})") from None


def json_records(path: str | Path) -> Iterator[tuple[int, object]]:
    """Each non-blank line of a JSON Lines file (plain or .gz) parsed, with its line number.

    Malformed JSON and a truncated gzip raise :class:`InputError` naming the line.
    """
    with open_binary(path) as handle:
        for line_number, raw in numbered_lines(handle, str(path)):
            try:
                record = parse_json_line(raw)
            except ValueError as error:
                raise InputError(f"{path}:{line_number}", str(error)) from None
            yield line_number, record


def streams(path: str) -> bool:
    """Whether output to ``path`` goes out as it is written: stdout, a device or a pipe, nothing to swap in."""
    return path == "-" or (os.path.exists(path) and not os.path.isfile(path) and not os.path.isdir(path))


class AtomicJsonlWriter:
    """Writes JSON Lines to a temporary file that becomes ``path`` only on :meth:`commit`.

    A run that stops half-way leaves no file that looks complete. ``-``, a device (``/dev/null``)
    or a named pipe is written straight through; a symlink's target is the file replaced; a
    ``.gz`` path gets gzip output, which the readers here read back.
    """

    def __init__(self, path: str) -> None:
        self._temp: str | None = None
        self._raw: IO[bytes] | None = None  # under gzip: GzipFile does not close the file it wraps
        if path == "-":
            self.path, self._handle = path, sys.stdout
            return
        self.path = os.path.realpath(path)  # a symlink stays one and its target gets the output
        if streams(self.path):
            self._handle = open(self.path, "w", encoding="utf-8")
            return
        fd, self._temp = tempfile.mkstemp(prefix=".partial-", suffix=".jsonl", dir=os.path.dirname(self.path))
        os.fchmod(fd, new_file_mode())  # mkstemp's 0600 would hide the output from other users
        if self.path.lower().endswith(".gz"):
            self._raw = os.fdopen(fd, "wb")
            self._handle = io.TextIOWrapper(gzip.GzipFile(fileobj=self._raw, mode="wb", mtime=0), encoding="utf-8")
        else:
            self._handle = os.fdopen(fd, "w", encoding="utf-8")

    def write(self, record: dict) -> None:
        self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    def commit(self) -> None:
        if self._handle is sys.stdout:
            self._handle.flush()
            return
        self._close()
        if self._temp:
            try:
                os.replace(self._temp, self.path)
            except OSError:
                os.unlink(self._temp)  # no stray .partial file beside an output that could not be placed
                raise

    def abort(self) -> None:
        if self._handle is not sys.stdout:
            self._close()
        if self._temp:
            os.unlink(self._temp)

    def _close(self) -> None:
        self._handle.close()
        if self._raw is not None:
            self._raw.close()

    def __enter__(self) -> AtomicJsonlWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def current_umask() -> int:
    """The process's umask (reading it means setting it, so it is set straight back)."""
    umask = os.umask(0)
    os.umask(umask)
    return umask


def new_file_mode() -> int:
    """The permissions a new file gets under the umask; tempfile and safetensors give 0600 instead."""
    return 0o666 & ~current_umask()


def write_text_atomically(path: str, text: str) -> None:
    """Write a whole text file (a report) under a temporary name and give it ``path``'s name once complete."""
    target = os.path.realpath(path)
    fd, temp = tempfile.mkstemp(prefix=".partial-", dir=os.path.dirname(target))
    try:
        os.fchmod(fd, new_file_mode())
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, target)
    except BaseException:
        os.unlink(temp)
        raise
