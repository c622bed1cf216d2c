"""Labelled pages: the LABELS.md JSON Lines format, read strictly, written back losslessly.

A page is ``{"id", "source", "lines": [{"text", "label"}, ...]}`` where blank lines have
``label: null`` and every other line one of :data:`~boilerplate_ml.labels.LABELS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from boilerplate_ml.jsonl import AtomicJsonlWriter, InputError, json_records
from boilerplate_ml.labels import LABELS, is_blank


class PageFormatError(InputError):
    """A record that is JSON but not a labelled page; the message names the file and the line."""

    def __init__(self, path: str | Path, line_number: int, reason: str) -> None:
        super().__init__(f"{path}:{line_number}", reason)


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


def read_pages(path: str | Path) -> Iterator[Page]:
    """Yield the pages of a JSON Lines file (plain or .gz), failing on the first bad record.

    Malformed JSON raises :class:`InputError`; JSON that is not a labelled page, :class:`PageFormatError`.
    """
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
