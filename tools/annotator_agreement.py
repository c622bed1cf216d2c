"""How well an annotator's label files agree with reference labels on the same pages.

Before training on an annotator's pages, let them label, blind, a few pages that already have
human labels; this prints, over the non-blank lines of those pages, binary content agreement,
8-way agreement, Cohen's kappa and the annotator's content precision/recall against the humans.
Label files are ``<id>.labels`` (see ``boilerplate_ml.datagen.annotations``); their digest
header must match the reference page's lines.

    python tools/annotator_agreement.py ../shared/data/pages/train.jsonl annotations/calibration
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

from boilerplate_ml.datagen.annotations import LABEL_FILE_SUFFIX, apply_label_ranges, lines_digest, read_header
from boilerplate_ml.jsonl import InputError
from boilerplate_ml.labels import CONTENT
from boilerplate_ml.pages import read_pages


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reference", type=Path, help="labelled pages (LABELS.md JSON Lines)")
    parser.add_argument("labels_dir", type=Path, help="folder of <id>.labels files for some of those pages")
    args = parser.parse_args(argv)

    try:
        pages = {page.id: page for page in read_pages(args.reference)}
    except (InputError, OSError) as error:
        raise SystemExit(f"error: {error}") from None
    reference, annotated = [], []
    for path in sorted(args.labels_dir.glob(f"*{LABEL_FILE_SUFFIX}")):
        page_id = path.name.removesuffix(LABEL_FILE_SUFFIX)
        if page_id not in pages:
            raise SystemExit(f"{path}: page {page_id} is not in {args.reference}")
        page = pages[page_id]
        text = path.read_text(encoding="utf-8")
        # Made on the reference page's own lines, not on an extraction: the digest is the check.
        if read_header(text, path, extractors=None)["digest"] != lines_digest(page.texts):
            raise SystemExit(f"{path}: made on other lines than page {page.id} of {args.reference}")
        labels = apply_label_ranges(page.texts, text, path)
        pairs = [(ref, ann) for ref, ann in zip(page.labels, labels) if ref is not None]
        agree = sum(ref == ann for ref, ann in pairs) / len(pairs)
        binary = sum((ref == CONTENT) == (ann == CONTENT) for ref, ann in pairs) / len(pairs)
        print(f"{page.id:8} {page.source:28} lines {len(pairs):4}  content agreement {binary:.3f}  8-way {agree:.3f}")
        reference += [ref for ref, _ in pairs]
        annotated += [ann for _, ann in pairs]

    if not reference:
        raise SystemExit(f"no *{LABEL_FILE_SUFFIX} files in {args.labels_dir}")
    is_content = lambda labels: [label == CONTENT for label in labels]  # noqa: E731
    precision, recall, f1, _ = precision_recall_fscore_support(
        is_content(reference), is_content(annotated), average="binary", zero_division=0)
    binary = sum(a == b for a, b in zip(is_content(reference), is_content(annotated))) / len(reference)
    eight_way = sum(a == b for a, b in zip(reference, annotated)) / len(reference)
    print(f"\nall {len(reference)} lines: content agreement {binary:.3f} (kappa "
          f"{cohen_kappa_score(is_content(reference), is_content(annotated)):.3f}), 8-way {eight_way:.3f} "
          f"(kappa {cohen_kappa_score(reference, annotated):.3f}); annotator content P {precision:.3f} "
          f"R {recall:.3f} F1 {f1:.3f} against the reference")


if __name__ == "__main__":
    main()
