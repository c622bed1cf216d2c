"""Labelled pages: the LABELS.md JSON Lines format, read strictly, written back losslessly.

A page is ``{"id", "source", "lines": [{"text", "label"}, ...]}`` where blank lines have
``label: null`` and every other line one of :data:`~boilerplate_ml.labels.LABELS`. The JSON Lines
plumbing that every reader and writer of the project shares lives here too: plain or gzipped
input, records numbered by line, and output that appears only when it is complete.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from boilerplate_ml.labels import LABELS, is_blank


class PageFormatError(ValueError):
    """A record that breaks the format; the message names the file and the line."""

    def __init__(self, path: str | Path, line_number: int, reason: str) -> None:
        self.path, self.line_number, self.reason = str(path), line_number, reason
        super().__init__(f"{path}:{line_number}: {reason}")


@dataclass
class Page:
    """One page: its lines in order and a label per line (None for blank lines)."""

    id: str
    source: str
    texts: list[str]
    labels: list[str | None]
    extra: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    def to_record(self) -> dict:
        lines = [{"text": t, "label": lab} for t, lab in zip(self.texts, self.labels)]
        return {"id": self.id, "source": self.source, "lines": lines, **self.extra}


def open_binary(path: str | Path) -> IO[bytes]:
    """Open a file for reading bytes, transparently un-gzipping ``.gz`` files."""
    return gzip.open(path, "rb") if str(path).endswith(".gz") else open(path, "rb")


def parse_json_line(raw: bytes) -> object:
    """Decode one JSON Lines record; the ValueError says what is wrong, callers add file and line."""
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ValueError(f"invalid UTF-8 at byte {error.start}") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"malformed JSON ({error.msg} at column {error.colno})") from None


def page_from_record(record: object, path: str | Path = "<record>", line_number: int = 0) -> Page:
    """Validate one decoded JSON record; raise :class:`PageFormatError` on any defect."""

    def fail(reason: str) -> PageFormatError:
        return PageFormatError(path, line_number, reason)

    if not isinstance(record, dict):
        raise fail("record is not a JSON object")
    for key in ("id", "lines"):
        if key not in record:
            raise fail(f"missing field {key!r}")
    lines = record["lines"]
    if not isinstance(lines, list):
        raise fail("'lines' is not a list")
    texts: list[str] = []
    labels: list[str | None] = []
    for i, line in enumerate(lines):
        if not isinstance(line, dict) or not isinstance(line.get("text"), str):
            raise fail(f"lines[{i}] has no string 'text'")
        text, label = line["text"], line.get("label")
        if "\n" in text:
            raise fail(f"lines[{i}] contains a newline, so the page would not round-trip")
        if is_blank(text):
            if label is not None:
                raise fail(f"lines[{i}] is blank but labelled {label!r}")
        elif label not in LABELS:
            raise fail(f"lines[{i}] has unknown label {label!r} (expected one of {', '.join(LABELS)})")
        texts.append(text)
        labels.append(label)
    extra = {k: v for k, v in record.items() if k not in ("id", "source", "lines")}
    return Page(str(record["id"]), str(record.get("source", "")), texts, labels, extra)


def json_records(path: str | Path) -> Iterator[tuple[int, object]]:
    """Each non-blank line of a JSON Lines file (plain or .gz) parsed, with its line number.

    Malformed JSON and a truncated gzip raise :class:`PageFormatError` naming the line.
    """
    line_number = 0
    with open_binary(path) as handle:
        try:
            for line_number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    record = parse_json_line(raw)
                except ValueError as error:
                    raise PageFormatError(path, line_number, str(error)) from None
                yield line_number, record
        except (EOFError, OSError) as error:  # a truncated or corrupt gzip
            raise PageFormatError(path, line_number + 1, f"cannot read past line {line_number} ({error})") from None


def read_pages(path: str | Path) -> Iterator[Page]:
    """Yield the pages of a JSON Lines file (plain or .gz), failing on the first bad record."""
    for line_number, record in json_records(path):
        yield page_from_record(record, path, line_number)


def write_pages(pages: Iterable[Page], path: str | Path) -> int:
    """Write pages as JSON Lines, all or nothing; return how many were written."""
    count = 0
    with AtomicJsonlWriter(str(path)) as writer:
        for page in pages:
            writer.write(page.to_record())
            count += 1
    return count


def site_of(page: Page) -> str:
    """The registered-domain-ish key used to split by site: the host without a leading ``www.``."""
    host = page.source.lower().split("/")[0]
    parts = host.split(".")
    # Keep two labels (three for e.g. .com.cn) so sub-hosts of one site stay together.
    keep = 3 if len(parts) >= 3 and parts[-2] in {"com", "net", "org", "gov", "edu", "co"} else 2
    return ".".join(parts[-keep:]) if host else page.id


class AtomicJsonlWriter:
    """Writes JSON Lines to a temporary file that becomes ``path`` only on :meth:`commit`.

    A run that stops half-way leaves no file that looks complete. ``-`` streams to stdout.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        if path == "-":
            self._handle: IO[str] = sys.stdout
            self._temp = None
        else:
            directory = os.path.dirname(os.path.abspath(path))
            fd, self._temp = tempfile.mkstemp(prefix=".partial-", suffix=".jsonl", dir=directory)
            os.fchmod(fd, 0o666 & ~_current_umask())  # mkstemp's 0600 would hide the output from other users
            self._handle = os.fdopen(fd, "w", encoding="utf-8")

    def write(self, record: dict) -> None:
        self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    def commit(self) -> None:
        self._handle.flush()
        if self._temp:
            self._handle.close()
            try:
                os.replace(self._temp, self.path)
            except OSError:
                os.unlink(self._temp)  # no stray .partial file beside an output that could not be placed
                raise

    def abort(self) -> None:
        if self._temp:
            self._handle.close()
            os.unlink(self._temp)

    def __enter__(self) -> AtomicJsonlWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def _current_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
