"""Measure prepare-html's labelling (gold alignment + line rules) against human labels.

For every labelled page that has a gold text, the alignment and rules run on the human
page's own lines (so lines correspond 1:1 whichever extractor made the page), with the page's
gold and HTML ``<title>``. Prints binary content agreement and 8-way label agreement over
non-blank lines, and how many pages had gold and how many were skipped. ``--rules-only``
prints the rules' per-label agreement on the human non-content lines instead.

    python tools/measure_prepare_html.py --split dev
    python tools/measure_prepare_html.py --split train --rules-only
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from boilerplate_ml.datagen.gold_align import MIN_GOLD_COVERAGE
from boilerplate_ml.datagen.html_extract import html_title
from boilerplate_ml.datagen.html_pages import label_lines, read_index
from boilerplate_ml.datagen.line_rules import label_line
from boilerplate_ml.labels import CONTENT, LABELS
from boilerplate_ml.pages import read_pages

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    parser.add_argument("--split", choices=("dev", "train"), default="dev")
    parser.add_argument("--min-coverage", type=share, default=MIN_GOLD_COVERAGE, help="in [0, 1]")
    parser.add_argument("--rules-only", action="store_true", help="agreement of line rules only")
    parser.add_argument("--per-page", action="store_true", help="print each page's figures")
    args = parser.parse_args(argv)
    if not (args.data / "pages" / f"{args.split}.jsonl").is_file():
        parser.error(f"--data {args.data}: no pages/{args.split}.jsonl; give the shared data folder")
    return args


def share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}")
    return value


def per_label_table(pairs: Counter[tuple[str, str]]) -> None:
    """Print recall and precision of each label from (human, predicted) counts."""
    for label in LABELS:
        human = sum(n for (h, _), n in pairs.items() if h == label)
        predicted = sum(n for (_, p), n in pairs.items() if p == label)
        if human or predicted:
            hit = pairs[(label, label)]
            print(f"  {label:12s} n={human:6d}  recall {hit / max(human, 1):.3f}"
                  f"  precision {hit / max(predicted, 1):.3f}")


def measure_rules(args: argparse.Namespace) -> None:
    """Per-label agreement of the line rules on the human non-content lines of a split."""
    pairs: Counter[tuple[str, str]] = Counter()
    for page in read_pages(args.data / "pages" / f"{args.split}.jsonl"):
        for text, label in zip(page.texts, page.labels):
            if label is not None and label != CONTENT:
                pairs[(label, label_line(text))] += 1
    total = sum(pairs.values())
    agree = sum(n for (h, p), n in pairs.items() if h == p)
    print(f"line rules on {args.split} non-content lines: {agree / total:.4f} agreement ({total} lines)")
    per_label_table(pairs)


def measure_labelling(args: argparse.Namespace) -> None:
    """Binary and 8-way agreement of alignment + rules with the human labels of a split."""
    index = read_index(args.data / "html" / "index.jsonl")
    html_dir = args.data / "html" / args.split
    pages = list(read_pages(args.data / "pages" / f"{args.split}.jsonl"))
    with_gold = skipped = 0
    binary = exact = lines = 0
    pairs: Counter[tuple[str, str]] = Counter()
    for page in pages:
        if not index.get(page.id, {}).get("has_gold"):
            continue
        with_gold += 1
        gold = (html_dir / f"{page.id}.gold.txt").read_text(encoding="utf-8", errors="replace")
        html = (html_dir / f"{page.id}.html").read_text(encoding="utf-8", errors="replace")
        labels, coverage = label_lines(page.texts, gold, html_title(html))
        if coverage < args.min_coverage:
            skipped += 1
            print(f"skipped {page.id}: gold coverage {coverage:.3f} < {args.min_coverage}")
            continue
        page_binary = page_lines = 0
        for human, predicted in zip(page.labels, labels):
            if human is None:
                continue
            page_lines += 1
            page_binary += (human == CONTENT) == (predicted == CONTENT)
            exact += human == predicted
            pairs[(human, predicted)] += 1
        binary += page_binary
        lines += page_lines
        if args.per_page:
            print(f"{page.id} coverage {coverage:.3f} binary {page_binary / page_lines:.3f}")
    print(f"{args.split}: {len(pages)} labelled pages, {with_gold} with gold, {skipped} skipped "
          f"(coverage < {args.min_coverage}), {lines} non-blank lines measured")
    print(f"binary content agreement: {binary / max(lines, 1):.4f}")
    print(f"8-way label agreement:    {exact / max(lines, 1):.4f}")
    per_label_table(pairs)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    (measure_rules if args.rules_only else measure_labelling)(args)


if __name__ == "__main__":
    main()
