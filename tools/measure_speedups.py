"""What a speed option changes in the shipped model's decisions, on labelled pages.

    python tools/measure_speedups.py ../shared/data/pages/train.jsonl data/annotated_html.jsonl --quantize

For each pages file: the share of non-blank lines whose keep decision is the same with and
without the option, and content line/char F1 of both against the labels. Never run it on
dev.jsonl to choose an option: dev is the measure, not a tuning set.
"""

from __future__ import annotations

import argparse
import sys

import torch

from boilerplate_ml.evaluation import LabelledLines, content_scores
from boilerplate_ml.jsonl import InputError
from boilerplate_ml.pages import read_pages
from boilerplate_ml.predictor import Predictor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages_files", nargs="+", help="labelled pages (LABELS.md JSON Lines)")
    parser.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    parser.add_argument("--quantize", action="store_true", help="compare Predictor(quantize=True) with the float model")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    if not args.quantize:
        parser.error("name an option to measure (--quantize)")
    torch.set_num_threads(args.threads)
    baseline = Predictor.from_pretrained(args.model, device="cpu")
    variant = Predictor.from_pretrained(args.model, device="cpu", quantize=args.quantize)
    print("file                              lines  same keep | base line F1  char F1 | option line F1  char F1")
    for path in args.pages_files:
        try:
            pages = list(read_pages(path))
        except (InputError, OSError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        texts = [page.text for page in pages]
        base = LabelledLines.from_predictions(pages, baseline.predict_batch(texts))
        option = LabelledLines.from_predictions(pages, variant.predict_batch(texts))
        same = sum(a == b for a, b in zip(base.kept, option.kept)) / len(base.kept)
        b, o = content_scores(base), content_scores(option)
        print(f"{path[-32:]:<32} {len(base.kept):6d} {same:10.4f} | {b['line_f1']:12.4f} {b['char_f1']:8.4f} |"
              f" {o['line_f1']:14.4f} {o['char_f1']:8.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
