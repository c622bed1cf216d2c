"""Derive small bases from a pretrained encoder: its first k layers, and the vocabulary our text uses.

Counts token frequencies over the corpus given (labelled pages, article files, raw HTML pages),
keeps the ids that cover ``--coverage`` of all tokens plus every special token, and writes one
ordinary transformers folder per ``--layers`` value (``{layers}`` in OUTPUT is replaced by it).
Point ``model.base`` of a config at the folder. Never commit the folders: rebuild them with

    python scripts/derive_base.py ~/.cache/boilerplate-ml/weights/multilingual-e5-small \\
        '~/.cache/boilerplate-ml/bases/e5-zh-k{layers}' --layers 2 4 6 \\
        --pages ../shared/data/pages/train.jsonl --html ../shared/data/html/more \\
        --articles ../shared/data/articles/*.jsonl.gz
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from transformers import AutoTokenizer

from boilerplate_ml.datagen.html_extract import extract_html_text, utf8_text
from boilerplate_ml.datagen.synth import load_articles
from boilerplate_ml.derive_base import choose_vocabulary, derive_base, required_ids, token_counts
from boilerplate_ml.jsonl import InputError
from boilerplate_ml.pages import read_pages


def page_texts(paths: list[str]) -> Iterator[str]:
    for path in paths:
        for page in read_pages(path):
            yield from page.texts


def article_texts(paths: list[str], per_file: int, seed: int) -> Iterator[str]:
    for article in load_articles(paths, per_file * len(paths), seed):
        yield article.title
        yield from article.paragraphs


def html_texts(folders: list[str]) -> Iterator[str]:
    for folder in folders:
        for path in sorted(Path(folder).glob("*.html")):
            yield from extract_html_text(utf8_text(path, InputError)).split("\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="folder of the pretrained encoder (config, weights, tokenizer.json)")
    parser.add_argument("output", help="folder to write; '{layers}' in it is replaced by each --layers value")
    parser.add_argument("--layers", type=int, nargs="+", required=True, help="how many of the first layers to keep")
    parser.add_argument("--coverage", type=float, default=0.999, help="share of corpus tokens the kept ids must cover")
    parser.add_argument("--pages", nargs="*", default=[], help="labelled page files (LABELS.md JSON Lines)")
    parser.add_argument("--articles", nargs="*", default=[], help="article files (JSON Lines with text, may be .gz)")
    parser.add_argument("--articles-per-file", type=int, default=400, help="articles sampled from each article file")
    parser.add_argument("--html", nargs="*", default=[], help="folders of raw <id>.html pages (their visible text)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the article sample")
    args = parser.parse_args(argv)
    if len(args.layers) > 1 and "{layers}" not in args.output:
        parser.error("several --layers values need '{layers}' in OUTPUT")
    if not (args.pages or args.articles or args.html):
        parser.error("give a corpus: --pages, --articles and/or --html")
    if not 0.0 < args.coverage <= 1.0:
        parser.error(f"--coverage must lie in (0, 1], got {args.coverage}")

    tokenizer = AutoTokenizer.from_pretrained(args.source)
    corpus = chain(page_texts(args.pages), article_texts(args.articles, args.articles_per_file, args.seed), html_texts(args.html))
    try:
        counts = token_counts((text for text in corpus if text.strip()), tokenizer)
    except (InputError, OSError) as error:
        parser.exit(2, f"error: {error}\n")
    kept = choose_vocabulary(counts, args.coverage, required_ids(tokenizer))
    covered = counts[kept].sum() / counts.sum()
    print(f"corpus: {counts.sum():,} tokens over {int((counts > 0).sum()):,} distinct ids; "
          f"keeping {len(kept):,} of {len(tokenizer):,} ids, covering {covered:.4%} of tokens")
    for layers in args.layers:
        folder = derive_base(args.source, Path(args.output.format(layers=layers)).expanduser(), layers, kept)
        print(f"{folder}: {layers} layers, vocabulary {len(kept):,}")


if __name__ == "__main__":
    main()
