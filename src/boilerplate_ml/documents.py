"""CLI inputs: pages from .txt files, WARC/WET, parquet, folders and JSON Lines, each record with where it came from.

Every record knows where it came from (``file:line``), so any error can name it, and a bad
record never takes good ones with it: the caller decides to stop or to skip and count.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from boilerplate_ml.extras import require_extra
from boilerplate_ml.jsonl import READ_ERRORS, InputError, lone_surrogate_at, numbered_lines, open_binary, parse_json_line
from boilerplate_ml.text_encoding import AUTO, UndecodableError, decode_page
from boilerplate_ml.warc_pages import WARC_MAGIC, looks_like_warc, read_warc_pages

#: Matched case-insensitively; each also compressed (COMPRESSED_SUFFIXES), parquet aside.
JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")
TEXT_SUFFIXES = (".txt",)
WARC_SUFFIXES = (".warc", ".wet")
PARQUET_SUFFIXES = (".parquet",)
COMPRESSED_SUFFIXES = (".gz", ".zst")
STDIN = "-"
#: Rows read from a parquet file at a time: a row group can hold millions of pages.
PARQUET_BATCH_ROWS = 256


@dataclass
class Document:
    """One page to clean: its text and the record it came in (all fields are written back)."""

    record: dict
    text: str


def file_kind(path: str) -> str | None:
    """"jsonl", "txt", "warc" or "parquet" by the file's suffix (compression aside, any case), None for other files."""
    name = path.lower()
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    for suffix in COMPRESSED_SUFFIXES:
        name = name.removesuffix(suffix)
    for kind, suffixes in (("jsonl", JSONL_SUFFIXES), ("txt", TEXT_SUFFIXES), ("warc", WARC_SUFFIXES)):
        if name.endswith(suffixes):
            return kind
    return None


def _unsupported(path: str) -> InputError:
    suffixes = ", ".join(TEXT_SUFFIXES + JSONL_SUFFIXES + WARC_SUFFIXES)
    return InputError(path, f"unsupported file type (expected {suffixes}, each also .gz or .zst, or .parquet)")


def expand_inputs(inputs: list[str], output: str | None = None) -> list[str]:
    """Files as given, folders as their supported files (sorted, recursive); missing paths are errors.

    In folders, hidden files (a crashed run's ``.partial-*``, a resumable run's ``.NAME.part``) and ``output`` itself are left out,
    so that a second run over a folder does not read its own earlier output back in.
    """
    skip = Path(output).resolve() if output and output != STDIN else None
    files: list[str] = []
    for item in inputs:
        path = Path(item)
        if item == STDIN:
            files.append(STDIN)
        elif path.is_dir():
            found = sorted(
                str(p)
                for p in path.rglob("*")
                if p.is_file()
                and file_kind(str(p)) is not None
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and p.resolve() != skip
            )
            if not found:
                raise InputError(item, "folder holds no .txt, JSON Lines, WARC/WET or parquet file")
            files.extend(found)
        elif path.is_file():
            if file_kind(item) is None:
                raise _unsupported(item)
            files.append(item)
        else:
            raise InputError(item, "no such file or folder")
    return files


def require_readers(files: list[str]) -> None:
    """Raise ImportError naming the extra to install, before any work, when a file's reader needs one that is missing."""
    if any(file_kind(path) == "parquet" for path in files if path != STDIN):
        require_parquet()


def require_parquet() -> None:
    require_extra("parquet", "reading .parquet files", "pyarrow")


def read_documents(
    path: str, text_field: str = "text", stdin_format: str = "jsonl", encoding: str = AUTO
) -> Iterator[Document | InputError]:
    """Yield each page of ``path``, or an :class:`InputError` in its place for a bad record.

    ``encoding`` is that of text files and WARC payloads (JSON Lines and parquet are UTF-8 by definition).
    """
    kind = stdin_format if path == STDIN else file_kind(path)
    if kind is None:
        yield _unsupported(path)
        return
    if kind == "parquet":
        yield from _read_parquet(path, text_field)
        return
    try:
        # FastWARC detects and decompresses gzip, zstd and lz4 itself, faster than Python does.
        handle: IO[bytes] = _stdin() if path == STDIN else open(path, "rb") if kind == "warc" else open_binary(path)
    except OSError as error:
        yield InputError(path, f"cannot open ({error.strerror})")
        return
    name = "<stdin>" if path == STDIN else path
    try:
        if kind == "warc" or (kind == "txt" and looks_like_warc(_peek(handle, name, len(WARC_MAGIC) + 2))):
            for item in read_warc_pages(handle, name, encoding):
                yield item if isinstance(item, InputError) else Document(*item)
        elif kind == "txt":
            yield _read_text_file(handle, name, encoding)
        else:
            for line_number, raw in numbered_lines(handle, name):
                yield jsonl_document(raw, f"{name}:{line_number}", text_field)
    except InputError as error:  # truncated or corrupt compression: what came before it stands
        yield error
    finally:
        if path != STDIN:
            handle.close()


def _stdin() -> io.BufferedIOBase:
    """Standard input as bytes that can be peeked at (a test's or a wrapper's stdin may not buffer)."""
    stdin = sys.stdin.buffer
    return stdin if hasattr(stdin, "peek") else io.BufferedReader(stdin)


def _peek(handle: io.BufferedIOBase, name: str, size: int) -> bytes:
    """The first ``size`` bytes, left to be read again (the handles of :func:`open_binary` and stdin buffer them)."""
    try:
        return handle.peek(size)[:size]
    except READ_ERRORS as error:
        raise InputError(name, f"cannot read ({error})") from None


def _read_parquet(path: str, text_field: str) -> Iterator[Document | InputError]:
    """Each row of a parquet file as a record; the text column must be a string column."""
    require_parquet()
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as error:
        yield InputError(path, f"cannot read as parquet ({error})")
        return
    if text_field not in table.schema_arrow.names:
        yield InputError(path, f"no column {text_field!r} (columns: {', '.join(table.schema_arrow.names)})")
        return
    row = 0
    try:
        for batch in table.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for record in batch.to_pylist():
                row += 1
                yield record_document(record, f"{path}: row {row}", text_field)
    except (OSError, pa.ArrowException) as error:  # a corrupt row group: the rows before it stand
        yield InputError(f"{path}: row {row + 1}", f"cannot read ({error})")


def jsonl_document(raw: bytes, origin: str, text_field: str) -> Document | InputError:
    """One JSON Lines record whose ``text_field`` is a string, or the reason it is not, named by ``origin``."""
    try:
        record = parse_json_line(raw)
    except ValueError as error:
        return InputError(origin, str(error))
    return record_document(record, origin, text_field)


def record_document(record: object, origin: str, text_field: str) -> Document | InputError:
    """A decoded record whose ``text_field`` is a string, or the reason it is not, named by ``origin``."""
    if not isinstance(record, dict):
        return InputError(origin, "record is not a JSON object")
    if text_field not in record:
        return InputError(origin, f"missing field {text_field!r}")
    text = record[text_field]
    if not isinstance(text, str):
        return InputError(origin, f"field {text_field!r} is not a string")
    if (position := lone_surrogate_at(text)) is not None:
        return InputError(origin, f"field {text_field!r} holds a lone surrogate at character {position}, not valid Unicode text")
    return Document(record, text)


def _read_text_file(handle: IO[bytes], name: str, encoding: str) -> Document | InputError:
    try:
        data = handle.read()
    except READ_ERRORS as error:  # unreadable, or a truncated or corrupt .txt.gz
        return InputError(name, f"cannot read ({getattr(error, 'strerror', None) or error})")
    try:
        text = decode_page(data, encoding)
    except UndecodableError as error:
        return InputError(f"{name}:{error.line}", error.reason)
    return Document({"path": name, "text": text}, text)
