"""Train a model folder's character n-gram line model, on the pages its line classifier was trained on.

    python scripts/train_ngrams.py --model models/bpml-zh-small --test ../shared/data/pages/dev.jsonl

The folder's training_config.json gives the training pages: the same sources, weights, seed and
held-out validation sites as scripts/train.py used. The model is saved into the folder
(ngrams.safetensors, ngrams.json), where the Predictor and the CLI average it with the line
classifier; its figures on the validation sites and on ``--test`` go into metrics.json and the
card. A refiner already in the folder learnt from probabilities without the n-grams: train it
again afterwards (scripts/train_refiner.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from boilerplate_ml.card import comparison_rows, score_table, set_card_section, set_metrics_entry
from boilerplate_ml.config import ConfigError
from boilerplate_ml.evaluation import probability_scores
from boilerplate_ml.jsonl import InputError
from boilerplate_ml.modeling import load_line_classifier
from boilerplate_ml.ngrams import NgramLineModel
from boilerplate_ml.page_models import average_probabilities
from boilerplate_ml.pages import Page
from boilerplate_ml.pipeline import add_stage
from boilerplate_ml.predictor import Predictor
from boilerplate_ml.training import check_run_folder, run_pages

CARD_SECTION = "## Character n-gram model"
REFINER_SECTION = "## Page-level refiner"


def compare(predictor: Predictor, ngrams: NgramLineModel, pages: list[Page]) -> dict[str, dict[str, float]]:
    """Content scores of the line classifier alone, the n-gram model alone, and their average."""
    window = predictor.line_probabilities([page.text for page in pages])
    ngram = ngrams.line_probabilities([page.texts for page in pages])
    return {name: probability_scores(predictor.decide, pages, probabilities)
            for name, probabilities in (("line_classifier", window), ("ngrams", ngram), ("averaged", average_probabilities(window, ngram)))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True, help="a model folder exported by scripts/train.py")
    parser.add_argument("--test", type=Path, help="labelled pages to score with and without the n-gram model")
    parser.add_argument("--seed", type=int, default=0, help="seed of the SGD fit")
    args = parser.parse_args(argv)
    check_run_folder(parser, args.model, args.test)
    try:
        train_pages, validation_pages, test_pages = run_pages(args.model, args.test)
    except (ConfigError, InputError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    ngrams = NgramLineModel.fit(train_pages, seed=args.seed)
    tokenizer, line_classifier, spec = load_line_classifier(args.model)
    # The line classifier alone: an n-gram model or refiner already in the folder is about to be stale.
    predictor = Predictor(line_classifier, tokenizer, spec)
    report: dict = {"spec": asdict(ngrams.spec), "seed": args.seed, "training_pages": len(train_pages),
                    "validation": compare(predictor, ngrams, validation_pages)}
    if test_pages:
        report["test"] = compare(predictor, ngrams, test_pages)
        report["test_path"] = str(args.test)
    print(json.dumps(report, indent=2))

    ngrams.save(args.model)
    add_stage(args.model, "ngrams")
    set_metrics_entry(args.model, "ngrams", report)
    write_card_section(args.model, report, len(validation_pages))
    if (args.model / "refiner.json").is_file():
        print(f"note: {args.model} has a refiner trained without the n-grams; train it again (scripts/train_refiner.py)",
              file=sys.stderr)
    return 0


def write_card_section(model_dir: Path, report: dict, validation_pages: int) -> None:
    spec = report["spec"]
    parts = (("line classifier alone", "line_classifier"), ("n-gram model alone", "ngrams"), ("averaged", "averaged"))
    rows = comparison_rows(report, parts, validation_pages)
    set_card_section(model_dir, CARD_SECTION, f"""
A linear model (ngrams.safetensors; scikit-learn SGD, log loss, one-vs-rest, seed {report['seed']}) over the
character 1-{spec['max_ngram']}-grams of each line and of the {spec['reach']} non-blank lines on each side, hashed
into 2^{spec['hash_bits']} buckets each, and of the same lines' shapes (digits, Latin letters and Han characters
each folded into one), hashed into 2^{spec['shape_bits']}; trained on the line classifier's own
{report['training_pages']} training pages (validation sites held out). Its probabilities are averaged with the line classifier's; that mean is the first pass.

{score_table(rows)}
""", before=REFINER_SECTION)


if __name__ == "__main__":
    sys.exit(main())
