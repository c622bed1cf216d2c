"""Train the page-level refiner on out-of-fold first-pass predictions and attach it to a model.

Each ``--fold MODEL PAGES`` pair is a first-pass model and the labelled pages of the sites it was
trained without (scripts/make_site_folds.py, configs/refiner-fold*.yaml). A seeded eighth of
those sites is held out to report the refiner's gain; the refiner is then saved into ``--model``
(refiner.safetensors, refiner.json), where the Predictor and the CLI pick it up, and its figures
go into that model's metrics.json and card.

    python scripts/train_refiner.py --model models/bpml-zh-small \\
        --fold runs/refiner-fold0/model data/folds/fold0_heldout.jsonl \\
        --fold runs/refiner-fold1/model data/folds/fold1_heldout.jsonl \\
        --test ../shared/data/pages/dev.jsonl
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from boilerplate_ml.card import score_table, set_card_section, set_metrics_entry
from boilerplate_ml.dataset import split_by_site
from boilerplate_ml.evaluation import probability_scores
from boilerplate_ml.pages import Page, read_pages, site_of
from boilerplate_ml.pipeline import add_stage
from boilerplate_ml.predictor import Predictor
from boilerplate_ml.refiner import PageRefiner, train_refiner

CARD_SECTION = "## Page-level refiner"


def compare(predictor: Predictor, examples: list[tuple[Page, list]], refiner: PageRefiner) -> tuple[dict, dict]:
    """Content scores of the first-pass probabilities as they are, and after the refiner."""
    pages = [page for page, _ in examples]
    first_pass = probability_scores(predictor.decide, pages, [probs for _, probs in examples])
    refined = probability_scores(predictor.decide, pages, [refiner.refine(page.texts, probs) for page, probs in examples])
    return first_pass, refined  # unrounded: the card rounds once


def first_pass_probabilities(predictor: Predictor, pages: list[Page]) -> list[tuple[Page, list]]:
    """What the refiner reads: the line classifier and n-gram model only (a page tagger joins after the refiner)."""
    predictor.refiner = predictor.tagger = None
    return list(zip(pages, predictor.line_probabilities([page.text for page in pages], progress=True)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True, help="the model folder to attach the refiner to")
    parser.add_argument("--fold", nargs=2, action="append", required=True, metavar=("MODEL", "PAGES"))
    parser.add_argument("--test", type=Path, help="labelled pages to score with and without the refiner")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--members", type=int, default=3, help="refiners trained from seeds seed, seed+1, ... and averaged")
    args = parser.parse_args(argv)
    metrics_path, card_path = args.model / "metrics.json", args.model / "README.md"
    for needed in (metrics_path, card_path):  # checked first: nothing is written into a folder that lacks them
        if not needed.is_file():
            parser.error(f"{needed} not found: --model must be a folder exported by scripts/train.py")
    if args.members < 1 or args.epochs < 1:
        parser.error("--members and --epochs must be at least 1")
    for model_dir, pages_path in args.fold:  # all inputs checked before 25 minutes of work
        if not (Path(model_dir) / "config.json").is_file():
            parser.error(f"--fold {model_dir}: not a model folder (no config.json)")
        if not Path(pages_path).is_file():
            parser.error(f"--fold … {pages_path}: no such pages file")
    if args.test and not args.test.is_file():
        parser.error(f"--test {args.test}: no such pages file")

    examples = []  # (page, out-of-fold probabilities)
    for model_dir, pages_path in args.fold:
        examples += first_pass_probabilities(Predictor.from_pretrained(model_dir, device="cpu"), list(read_pages(pages_path)))
    held_out_sites, _ = split_by_site([page for page, _ in examples], 0.125, args.seed)
    train = [(p.texts, p.labels, probs) for p, probs in examples if site_of(p) not in held_out_sites]
    refiner = train_refiner(train, epochs=args.epochs, seed=args.seed, members=args.members)

    # The model's own first pass, without any refiner or tagger it may already carry.
    predictor = Predictor.from_pretrained(args.model, device="cpu")
    held_out = [(page, probs) for page, probs in examples if site_of(page) in held_out_sites]
    report: dict = {"epochs": args.epochs, "seed": args.seed, "members": args.members, "folds": [list(f) for f in args.fold],
                    "training_pages": len(train), "held_out_sites": sorted(held_out_sites)}
    report["held_out_first_pass"], report["held_out_refined"] = compare(predictor, held_out, refiner)
    if args.test:
        test = first_pass_probabilities(predictor, list(read_pages(args.test)))
        report["test_first_pass"], report["test_refined"] = compare(predictor, test, refiner)
        report["test_path"] = str(args.test)
    print(json.dumps(report, indent=2))

    refiner.save(args.model)
    add_stage(args.model, "refiner")
    set_metrics_entry(args.model, "refiner", report)
    write_card_section(args.model, report)


def write_card_section(model_dir: Path, report: dict) -> None:
    """Replace the card's refiner section (if any) with this run's figures."""
    rows = [("held-out training sites, first pass", report["held_out_first_pass"]),
            ("held-out training sites, refined", report["held_out_refined"])]
    if "test_refined" in report:
        rows += [(f"test {report['test_path']}, first pass", report["test_first_pass"]),
                 (f"test {report['test_path']}, refined", report["test_refined"])]
    set_card_section(model_dir, CARD_SECTION, f"""
{report['members']} bidirectional GRUs over all of a page's lines (refiner.safetensors), trained from seeds
{report['seed']} to {report['seed'] + report['members'] - 1}, read the first pass's probabilities and layout features; the mean of their
outputs is the refined probabilities (averaged with a page tagger's where the folder has one). Each was trained for {report['epochs']} epochs on out-of-fold predictions: {report['training_pages']} pages, each scored by a first pass
trained without its site ({', '.join(m for m, _ in report['folds'])}). The sites
{', '.join(report['held_out_sites'])} were held out of its training to measure it.

{score_table(rows)}
""")


if __name__ == "__main__":
    main()
