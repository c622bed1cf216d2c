"""CLI inputs: pages from .txt files, folders and JSON Lines, each record with where it came from.

Every record knows where it came from (``file:line``), so any error can name it, and a bad
record never takes good ones with it: the caller decides to stop or to skip and count.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from boilerplate_ml.jsonl import InputError, lone_surrogate_at, numbered_lines, open_binary, parse_json_line

#: Matched case-insensitively; each also gzipped.
JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")
TEXT_SUFFIXES = (".txt",)
STDIN = "-"


@dataclass
class Document:
    """One page to clean: its text and the record it came in (all fields are written back)."""

    record: dict
    text: str


def _kind(path: str) -> str | None:
    """"jsonl" or "txt" by the file's suffix (``.gz`` aside, any case), None for other files."""
    name = path.lower().removesuffix(".gz")
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(TEXT_SUFFIXES):
        return "txt"
    return None


def _unsupported(path: str) -> InputError:
    return InputError(path, f"unsupported file type (expected {', '.join(TEXT_SUFFIXES + JSONL_SUFFIXES)}, each also .gz)")


def expand_inputs(inputs: list[str], output: str | None = None) -> list[str]:
    """Files as given, folders as their supported files (sorted, recursive); missing paths are errors.

    In folders, hidden files (a crashed run's ``.partial-*``) and ``output`` itself are left out,
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
                and _kind(str(p)) is not None
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and p.resolve() != skip
            )
            if not found:
                raise InputError(item, "folder holds no .txt or JSON Lines file")
            files.extend(found)
        elif path.is_file():
            if _kind(item) is None:
                raise _unsupported(item)
            files.append(item)
        else:
            raise InputError(item, "no such file or folder")
    return files


def read_documents(path: str, text_field: str = "text", stdin_format: str = "jsonl") -> Iterator[Document | InputError]:
    """Yield each page of ``path``, or an :class:`InputError` in its place for a bad record."""
    kind = stdin_format if path == STDIN else _kind(path)
    if kind is None:
        yield _unsupported(path)
        return
    if kind == "txt":
        yield _read_text_file(path)
        return
    try:
        handle: IO[bytes] = sys.stdin.buffer if path == STDIN else open_binary(path)
    except OSError as error:
        yield InputError(path, f"cannot open ({error.strerror})")
        return
    name = "<stdin>" if path == STDIN else path
    try:
        for line_number, raw in numbered_lines(handle, name):
            yield jsonl_document(raw, f"{name}:{line_number}", text_field)
    except InputError as error:  # truncated or corrupt gzip: what came before it stands
        yield error
    finally:
        if path != STDIN:
            handle.close()


def jsonl_document(raw: bytes, origin: str, text_field: str) -> Document | InputError:
    """One JSON Lines record whose ``text_field`` is a string, or the reason it is not, named by ``origin``."""
    try:
        record = parse_json_line(raw)
    except ValueError as error:
        return InputError(origin, str(error))
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


def _read_text_file(path: str) -> Document | InputError:
    try:
        if path == STDIN:
            data = sys.stdin.buffer.read()
        else:
            with open_binary(path) as handle:
                data = handle.read()
    except (OSError, EOFError) as error:  # unreadable, or a truncated or corrupt .txt.gz
        return InputError(path, f"cannot read ({getattr(error, 'strerror', None) or error})")
    name = "<stdin>" if path == STDIN else path
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_number = data.count(b"\n", 0, error.start) + 1
        return InputError(f"{name}:{line_number}", f"invalid UTF-8 at byte {error.start}")
    return Document({"path": name, "text": text}, text)
