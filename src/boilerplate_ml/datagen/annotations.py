"""Line-range annotations: labels kept apart from the text they label.

An annotator (a person, or a model following LABELS.md) writes one small file per page, such as

    1-57 navigation
    60 content
    61-64 content

and the page is rebuilt from its HTML with the same extractor. The label files hold no page text,
so they can be shipped and reviewed where the pages themselves cannot. A range may span blank
lines, which take no label; every non-blank line must be covered exactly once. Two header
comments, ``# extractor: …`` and ``# digest: …``, pin the extraction the labels were made on:
a different extractor version that shifts one line fails loudly instead of mislabelling the page.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Collection, Sequence
from pathlib import Path

from boilerplate_ml.datagen.html_extract import EXTRACTORS, extract_lines, utf8_text
from boilerplate_ml.datagen.html_pages import read_index
from boilerplate_ml.labels import LABELS, is_blank
from boilerplate_ml.pages import Page, write_pages

_RANGE = re.compile(r"^(\d+)(?:\s*-\s*(\d+))?\s+(\S+)$")
_HEADER = re.compile(r"^#\s*(extractor|digest):\s*(\S+)\s*$")
_KIND = re.compile(r"^#\s*kind:\s*(\S+)\s*$", re.MULTILINE)
LABEL_FILE_SUFFIX = ".labels"
#: What a page is, for per-kind scores: the model fails on some kinds and not others.
PAGE_KINDS = ("article", "list", "forum", "directory", "none", "spam")


class AnnotationError(ValueError):
    """A label file that does not fit its page; the message names the file and the line."""


def parse_label_ranges(text: str, path: str | Path) -> list[tuple[int, int, str, int]]:
    """``(first, last, label, file_line)`` per range; ``#`` starts a comment."""
    ranges = []
    for file_line, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        match = _RANGE.match(line)
        if not match:
            raise AnnotationError(f"{path}:{file_line}: expected 'N label' or 'N-M label', got {raw!r}")
        first, last = int(match[1]), int(match[2] or match[1])
        label = match[3]
        if label not in LABELS:
            raise AnnotationError(f"{path}:{file_line}: unknown label {label!r} (expected one of {', '.join(LABELS)})")
        if first < 1 or last < first:
            raise AnnotationError(f"{path}:{file_line}: bad range {first}-{last}")
        ranges.append((first, last, label, file_line))
    return ranges


def apply_label_ranges(lines: Sequence[str], text: str, path: str | Path) -> list[str | None]:
    """One label per page line (None for blank ones), or an error naming the first gap or overlap."""
    labels: list[str | None] = [None] * len(lines)
    for first, last, label, file_line in parse_label_ranges(text, path):
        if last > len(lines):
            raise AnnotationError(f"{path}:{file_line}: line {last} is past the page's {len(lines)} lines")
        for number in range(first, last + 1):
            if is_blank(lines[number - 1]):
                continue
            if labels[number - 1] is not None:
                raise AnnotationError(f"{path}:{file_line}: page line {number} is labelled twice")
            labels[number - 1] = label
    missing = [n for n, (line, label) in enumerate(zip(lines, labels), 1) if label is None and not is_blank(line)]
    if missing:
        shown = ", ".join(map(str, missing[:10])) + (" …" if len(missing) > 10 else "")
        raise AnnotationError(f"{path}: {len(missing)} non-blank page lines have no label: {shown}")
    return labels


def lines_digest(lines: Sequence[str]) -> str:
    """A short fingerprint of the extracted lines: a label file is only valid for the text it was made on."""
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def format_label_ranges(labels: Sequence[str | None], extractor: str, digest: str) -> str:
    """The label file for a labelled page: header, then one range per run of equal labels."""
    out = [f"# extractor: {extractor}", f"# digest: {digest}"]
    numbered = [(n, label) for n, label in enumerate(labels, 1) if label is not None]
    for label, run in itertools.groupby(numbered, key=lambda item: item[1]):
        run = list(run)
        first, last = run[0][0], run[-1][0]
        out.append(f"{first} {label}" if first == last else f"{first}-{last} {label}")
    return "\n".join(out) + "\n"


def read_header(text: str, path: str | Path, extractors: Collection[str] | None = EXTRACTORS) -> dict[str, str]:
    """The ``extractor`` and ``digest`` a label file was made with.

    ``extractors=None`` takes any name: label files made on a labelled page's own lines (the
    calibration files, ``# extractor: none``) are checked by their digest alone.
    """
    header = {m[1]: m[2] for m in map(_HEADER.match, text.splitlines()) if m}
    missing = {"extractor", "digest"} - header.keys()
    if missing:
        raise AnnotationError(f"{path}: missing header line(s) {', '.join(f'# {k}: …' for k in sorted(missing))}")
    if extractors is not None and header["extractor"] not in extractors:
        raise AnnotationError(f"{path}: unknown extractor {header['extractor']!r} (expected one of {', '.join(EXTRACTORS)})")
    return header


def annotated_page(page_id: str, html: str, label_text: str, source: str, path: str | Path) -> Page:
    """Re-extract the page as it was annotated and attach the labels."""
    header = read_header(label_text, path)
    lines = extract_lines(html, header["extractor"])
    if lines_digest(lines) != header["digest"]:
        raise AnnotationError(
            f"{path}: the {header['extractor']} text of {page_id} differs from the annotated one "
            f"(digest {lines_digest(lines)}, expected {header['digest']}): was the extractor upgraded?"
        )
    labels = apply_label_ranges(lines, label_text, path)
    return Page(page_id, source, lines, labels, {"extractor": header["extractor"], "annotated": True})


def build_annotated_pages(html_dir: str | Path, labels_dir: str | Path, index_path: str | Path, out_path: str | Path) -> list[Page]:
    """One page per ``<id>.labels`` in ``labels_dir``, from ``<id>.html`` in ``html_dir``; all or nothing."""
    index = read_index(index_path)
    if not Path(html_dir).is_dir():
        raise AnnotationError(f"{html_dir}: no such folder")
    label_paths = sorted(Path(labels_dir).glob(f"*{LABEL_FILE_SUFFIX}"))
    if not label_paths:
        raise AnnotationError(f"{labels_dir}: no {LABEL_FILE_SUFFIX} file (or no such folder)")
    pages = []
    for label_path in label_paths:
        page_id = label_path.name.removesuffix(LABEL_FILE_SUFFIX)
        html_path = Path(html_dir) / f"{page_id}.html"
        if not html_path.exists():
            raise AnnotationError(f"{label_path}: no {html_path} to rebuild the page from")
        if page_id not in index:
            raise AnnotationError(f"{label_path}: page {page_id} is not in {index_path}, which gives each page its site")
        pages.append(annotated_page(page_id, utf8_text(html_path, AnnotationError), utf8_text(label_path, AnnotationError), index[page_id].get("site", ""), label_path))
    write_pages(pages, out_path)
    return pages


def page_kinds(sources: Sequence[str | Path]) -> dict[str, str]:
    """Page id → kind, from the ``# kind:`` lines of the label files in each folder of ``sources``
    and from each ``id<TAB>kind`` file among them (kinds.tsv, for pages that have no label file)."""
    found: list[tuple[str, str, str]] = []  # where, page id, kind
    for source in map(Path, sources):
        if source.is_dir():
            for path in sorted(source.glob(f"*{LABEL_FILE_SUFFIX}")):
                found += [(str(path), path.name.removesuffix(LABEL_FILE_SUFFIX), match[1])
                          for match in _KIND.finditer(path.read_text(encoding="utf-8"))]
        elif source.is_file():
            for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip() and not line.startswith("#"):
                    page_id, _, kind = line.partition("\t")
                    found.append((f"{source}:{number}", page_id.strip(), kind.strip()))
        else:
            raise AnnotationError(f"{source}: no such folder or kinds file")
    kinds: dict[str, str] = {}
    for where, page_id, kind in found:
        if kind not in PAGE_KINDS:
            raise AnnotationError(f"{where}: unknown page kind {kind!r} (expected one of {', '.join(PAGE_KINDS)})")
        if kinds.setdefault(page_id, kind) != kind:
            raise AnnotationError(f"{where}: page {page_id} is given two kinds, {kinds[page_id]} and {kind}")
    return kinds
