"""Numbered text views of pages for annotators, with the header their label files must start with.

    python tools/annotation_views.py ../shared/data/html/more --index ../shared/data/html/more/index.jsonl -o views/
    python tools/annotation_views.py --pages ../shared/data/pages/train.jsonl --ids T007 T024 -o views/calibration/

An annotator reads ``<id>.txt`` (``    N| text`` per line; very long lines cut with their length)
and writes ``<id>.labels``: the view's first two lines verbatim (``# extractor:`` and
``# digest:``, which pin the extraction), a ``# kind:`` line, then line ranges and labels
(docs/annotating.md). HTML pages are extracted with the extractor ``choose_extractor`` gives
each page, as prepare-html does; labelled pages (``--pages``, for blind calibration) are shown
as their own lines, without labels, under ``# extractor: none``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from boilerplate_ml.datagen.annotations import AnnotationError, lines_digest
from boilerplate_ml.datagen.html_extract import choose_extractor, extract_lines, utf8_text
from boilerplate_ml.datagen.html_pages import read_index
from boilerplate_ml.jsonl import InputError
from boilerplate_ml.pages import read_pages

#: Characters of a line shown in a view; the rest is counted, not shown (one line can be 100k).
SHOWN_CHARS = 400


def numbered_view(lines: Sequence[str], header: Sequence[str]) -> str:
    """The header, then each line as ``    N| text`` (numbered from 1, as label ranges are)."""
    out = list(header)
    for number, line in enumerate(lines, 1):
        shown = line if len(line) <= SHOWN_CHARS else f"{line[:SHOWN_CHARS]} …[+{len(line) - SHOWN_CHARS} chars]"
        out.append(f"{number:5d}| {shown}")
    return "\n".join(out) + "\n"


def label_header(extractor: str, lines: Sequence[str]) -> list[str]:
    non_blank = sum(1 for line in lines if line.strip())
    return [f"# extractor: {extractor}", f"# digest: {lines_digest(lines)}", f"# non-blank lines: {non_blank}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html_dir", nargs="?", type=Path, help="folder of <id>.html pages")
    parser.add_argument("--index", type=Path, help="index.jsonl of html_dir: which ids to show")
    parser.add_argument("--pages", type=Path, help="labelled pages to show without their labels instead")
    parser.add_argument("--ids", nargs="+", help="only these page ids")
    parser.add_argument("-o", "--output", type=Path, required=True, help="folder for <id>.txt views")
    args = parser.parse_args(argv)
    if (args.html_dir is None) == (args.pages is None):
        parser.error("give either html_dir with --index, or --pages")
    if args.html_dir is not None and args.index is None:
        parser.error("html_dir needs --index")
    try:
        if args.pages is not None:
            views = {page.id: (page.texts, "none") for page in read_pages(args.pages)}
        else:
            views = {}
            for page_id in read_index(args.index):
                if args.ids is None or page_id in args.ids:
                    extractor = choose_extractor(page_id)
                    html = utf8_text(args.html_dir / f"{page_id}.html", AnnotationError)
                    views[page_id] = (extract_lines(html, extractor), extractor)
    except (AnnotationError, InputError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    missing = sorted(set(args.ids or ()) - views.keys())
    if missing:
        print(f"error: no such page: {', '.join(missing)}", file=sys.stderr)
        return 2
    args.output.mkdir(parents=True, exist_ok=True)
    for page_id, (lines, extractor) in views.items():
        if args.ids is None or page_id in args.ids:
            (args.output / f"{page_id}.txt").write_text(numbered_view(lines, label_header(extractor, lines)), encoding="utf-8")
    print(f"{len(args.ids or views)} views written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
