"""Print the label distribution of a generated synthetic set, to compare with the real train split.

    python tools/measure_synth.py --pages 500 --articles 3000 --seed 0 [--out synth.jsonl] [--show 2]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from boilerplate_ml.datagen.synth import SynthConfig, load_articles, synthesize_pages
from boilerplate_ml.labels import LABELS
from boilerplate_ml.pages import write_pages

DEFAULT_ARTICLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "articles"


def at_least_one(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=at_least_one, default=500)
    parser.add_argument("--articles", type=at_least_one, default=3000, help="articles to sample from the corpus")
    parser.add_argument("--articles-dir", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="also write the pages as JSON Lines")
    parser.add_argument("--show", type=int, default=0, help="print this many pages, line by line")
    args = parser.parse_args(argv)
    files = sorted(args.articles_dir.glob("*.jsonl.gz"))
    if not files:
        parser.error(f"--articles-dir {args.articles_dir}: no *.jsonl.gz article file")
    if args.out and not args.out.parent.is_dir():
        parser.error(f"--out {args.out}: its folder does not exist")

    articles = load_articles(files, args.articles, args.seed)
    pages = list(synthesize_pages(articles, SynthConfig(num_pages=args.pages, seed=args.seed)))
    lines = Counter(label for page in pages for label in page.labels if label)
    chars = Counter()
    for page in pages:
        for text, label in zip(page.texts, page.labels):
            if label:
                chars[label] += len(text.strip())
    total_lines, total_chars = sum(lines.values()), sum(chars.values())
    print(f"{len(pages)} pages from {len({p.source for p in pages})} sites, {total_lines} non-blank lines")
    print(f"page kinds: {dict(Counter(p.extra['kind'] for p in pages).most_common())}")
    print(f"{'label':<12}{'lines':>8}{'share':>8}{'chars':>10}{'share':>8}")
    for label in LABELS:
        print(f"{label:<12}{lines[label]:>8}{lines[label] / total_lines:>8.1%}{chars[label]:>10}{chars[label] / total_chars:>8.1%}")
    for page in pages[: args.show]:
        print(f"===== {page.id} {page.source} {page.extra['kind']}")
        for text, label in zip(page.texts, page.labels):
            print(f"{(label or '')[:5]:<6}{text[:100]!r}")
    if args.out:
        write_pages(pages, args.out)


if __name__ == "__main__":
    main()
