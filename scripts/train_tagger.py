"""Train a model folder's page tagger, on the pages its line classifier was trained on.

    python scripts/train_tagger.py --model models/bpml-zh-small --test ../shared/data/pages/dev.jsonl

The folder's training_config.json gives the training pages: the same sources, weights, seed and
held-out validation sites as scripts/train.py used. ``--extra-pages`` adds pages that the tagger
alone learns from (such as the training pages seen through the other extractor, from
``boilerplate-ml transfer-labels``), less those of the validation sites; the shipped tagger has none
(README, "Results"). The tagger is saved into the folder
(tagger.safetensors, tagger.json), where the Predictor and the CLI average its probabilities
with what the rest of the model gives (after the refiner, if there is one); its figures on the
validation sites and on ``--test`` go into metrics.json and the card. It depends on no other
part of the folder, so the n-gram model and the refiner can be retrained without it and it
without them.
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
from boilerplate_ml.page_tagger import PageTagger, TaggerSpec
from boilerplate_ml.pages import Page, read_pages, site_of
from boilerplate_ml.pipeline import add_stage
from boilerplate_ml.predictor import Predictor
from boilerplate_ml.refiner import PageRefiner
from boilerplate_ml.training import check_run_folder, run_pages

CARD_SECTION = "## Page tagger"


def compare(predictor: Predictor, tagger: PageTagger, pages: list[Page]) -> dict[str, dict[str, float]]:
    """Content scores of the rest of the model, the tagger alone, and their average (what the Predictor keeps)."""
    rest = predictor.line_probabilities([page.text for page in pages], progress=True)
    tagged = tagger.line_probabilities([page.texts for page in pages])
    return {name: probability_scores(predictor.decide, pages, probabilities)
            for name, probabilities in (("without_tagger", rest), ("tagger", tagged), ("averaged", average_probabilities(rest, tagged)))}


def rest_of_model(model_dir: Path) -> Predictor:
    """The folder's model without a tagger it may hold (about to be replaced; maybe from another version)."""
    tokenizer, line_classifier, spec = load_line_classifier(model_dir)
    return Predictor(line_classifier, tokenizer, spec, refiner=PageRefiner.load(model_dir), ngrams=NgramLineModel.load(model_dir))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True, help="a model folder exported by scripts/train.py")
    parser.add_argument("--test", type=Path, help="labelled pages to score with and without the tagger")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0, help="member k is trained from seed + k")
    parser.add_argument("--members", type=int, default=6, help="taggers from consecutive seeds, averaged")
    parser.add_argument("--extra-pages", type=Path, action="append", default=[],
                        help="more labelled pages for the tagger alone (repeatable); pages of validation sites are left out")
    parser.add_argument("--hash-bits", type=int, default=TaggerSpec.hash_bits,
                        help="2^N n-gram buckets per member; each bit less halves most of a member's size")
    args = parser.parse_args(argv)
    if args.epochs < 1 or args.members < 1:
        parser.error("--epochs and --members must be at least 1")
    if not 8 <= args.hash_bits <= 24:
        parser.error("--hash-bits must be between 8 and 24")
    check_run_folder(parser, args.model, args.test)
    for path in args.extra_pages:
        if not path.is_file():
            parser.error(f"--extra-pages {path}: no such pages file")
    try:
        train_pages, validation_pages, test_pages = run_pages(args.model, args.test)
        validation_sites = {site_of(page) for page in validation_pages}
        extra_pages = [page for path in args.extra_pages for page in read_pages(path) if site_of(page) not in validation_sites]
    except (ConfigError, InputError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    rest_of_model(args.model)  # a folder it cannot load fails now, not after half an hour of training
    tagger = PageTagger.fit(train_pages + extra_pages, TaggerSpec(hash_bits=args.hash_bits),
                            epochs=args.epochs, seed=args.seed, members=args.members)
    # Loaded again: a refiner trained meanwhile (the tagger depends on it in no way) is part of what ships.
    predictor = rest_of_model(args.model)
    report: dict = {"spec": asdict(tagger.spec), "epochs": args.epochs, "seed": args.seed, "members": args.members,
                    "training_pages": len(train_pages),
                    "extra_pages": {"files": [str(path) for path in args.extra_pages], "pages": len(extra_pages)},
                    "validation": compare(predictor, tagger, validation_pages)}
    if test_pages:
        report["test"] = compare(predictor, tagger, test_pages)
        report["test_path"] = str(args.test)
    print(json.dumps(report, indent=2))

    tagger.save(args.model)
    add_stage(args.model, "tagger")
    set_metrics_entry(args.model, "tagger", report)
    write_card_section(args.model, report, len(validation_pages))
    return 0


def write_card_section(model_dir: Path, report: dict, validation_pages: int) -> None:
    spec = report["spec"]
    parts = (("without the tagger", "without_tagger"), ("tagger alone", "tagger"), ("averaged (what ships)", "averaged"))
    rows = comparison_rows(report, parts, validation_pages)
    first, members = report["seed"], report["members"]
    seeds = f"seed {first}" if members == 1 else f"the mean of {members} taggers from seeds {first}-{first + members - 1}"
    extra = report["extra_pages"]
    also = f", and {extra['pages']} more pages from {', '.join(extra['files'])}" if extra["pages"] else ""
    set_card_section(model_dir, CARD_SECTION, f"""
A bidirectional GRU ({spec['layers']} layers, {spec['hidden']} units) over all of a page's lines
(tagger.safetensors), each line read as the sum of learnt {spec['dimensions']}-dimensional vectors of its
character 1-{spec['max_ngram']}-grams (hashed into 2^{spec['hash_bits']} buckets) and its shape's (2^{spec['shape_bits']}),
plus layout features; trained on the labels of the line classifier's own {report['training_pages']}
training pages{also} (validation sites held out), {report['epochs']} epochs, {seeds}. Its probabilities
are averaged with those of the rest of the model (the refined first pass); that mean decides.
A refiner that learnt from out-of-fold scores of the validation sites' pages (as the shipped
one did) flatters the validation rows without and with the tagger; the tagger never saw them.

{score_table(rows)}
""")


if __name__ == "__main__":
    sys.exit(main())
