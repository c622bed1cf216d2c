"""The stages trained after the line classifier, each into a model folder that holds one already.

Each trains on the pages that folder's line classifier was trained on (its training_config.json:
same sources, weights, seed and held-out validation sites), saves its files, lists itself in
pipeline.json, and puts its figures (the folder's model before and after it) into metrics.json
and a section of the card. ``recipe.build_model`` runs them in the shipped order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from boilerplate_ml.card import comparison_rows, score_table, set_card_section, set_metrics_entry
from boilerplate_ml.dataset import split_by_site
from boilerplate_ml.evaluation import probability_scores
from boilerplate_ml.modeling import load_line_classifier
from boilerplate_ml.ngrams import NgramLineModel
from boilerplate_ml.page_models import average_probabilities
from boilerplate_ml.page_tagger import PageTagger, TaggerSpec
from boilerplate_ml.pages import Page, read_pages, site_of
from boilerplate_ml.pipeline import add_stage
from boilerplate_ml.predictor import Predictor
from boilerplate_ml.refiner import PageRefiner, train_refiner
from boilerplate_ml.training import run_pages

NGRAM_SECTION = "## Character n-gram model"
REFINER_SECTION = "## Page-level refiner"
TAGGER_SECTION = "## Page tagger"


def _scores(predictor: Predictor, pages: list[Page], named: dict[str, list]) -> dict[str, dict[str, float]]:
    return {name: probability_scores(predictor.decide, pages, probabilities) for name, probabilities in named.items()}


def _averaged_comparison(predictor: Predictor, stage: NgramLineModel | PageTagger, names: tuple[str, str, str],
                         progress: bool = False) -> Callable[[list[Page]], dict[str, dict[str, float]]]:
    """Scores on pages of what ``predictor`` gives, of the stage alone, and of their mean (what the Predictor keeps)."""
    before, alone, averaged = names

    def compare(pages: list[Page]) -> dict[str, dict[str, float]]:
        rest = predictor.line_probabilities([page.text for page in pages], progress=progress)
        own = stage.line_probabilities([page.texts for page in pages])
        return _scores(predictor, pages, {before: rest, alone: own, averaged: average_probabilities(rest, own)})

    return compare


def _add_stage_to_folder(model_dir: Path, name: str, stage: NgramLineModel | PageRefiner | PageTagger, report: dict) -> None:
    """Save the stage's files, list it in pipeline.json and put its figures into metrics.json (its card section is its own)."""
    stage.save(model_dir)
    add_stage(model_dir, name)
    set_metrics_entry(model_dir, name, report)


def train_ngram_stage(model_dir: Path, test: Path | None = None, seed: int = 0) -> dict:
    """Fit the character n-gram model (scikit-learn SGD, ``seed``) and add it to ``model_dir``."""
    train_pages, validation_pages, test_pages = run_pages(model_dir, test)
    ngrams = NgramLineModel.fit(train_pages, seed=seed)
    tokenizer, line_classifier, spec = load_line_classifier(model_dir)
    predictor = Predictor(line_classifier, tokenizer, spec)  # the line classifier alone, whatever else the folder holds
    compare = _averaged_comparison(predictor, ngrams, ("line_classifier", "ngrams", "averaged"))

    report: dict = {"spec": asdict(ngrams.spec), "seed": seed, "training_pages": len(train_pages), "validation": compare(validation_pages)}
    if test_pages:
        report["test"], report["test_path"] = compare(test_pages), str(test)
    _add_stage_to_folder(model_dir, "ngrams", ngrams, report)
    spec = report["spec"]
    rows = comparison_rows(report, (("line classifier alone", "line_classifier"), ("n-gram model alone", "ngrams"),
                                    ("averaged", "averaged")), len(validation_pages))
    set_card_section(model_dir, NGRAM_SECTION, f"""
A linear model (ngrams.safetensors; scikit-learn SGD, log loss, one-vs-rest, seed {seed}) over the
character 1-{spec['max_ngram']}-grams of each line and of the {spec['reach']} non-blank lines on each side, hashed
into 2^{spec['hash_bits']} buckets each, and of the same lines' shapes (digits, Latin letters and Han characters
each folded into one), hashed into 2^{spec['shape_bits']}; trained on the line classifier's own
{report['training_pages']} training pages (validation sites held out). Its probabilities are averaged with the line classifier's; that mean is the first pass.

{score_table(rows)}
""", before=REFINER_SECTION)
    return report


def first_pass_probabilities(model_dir: Path, pages: list[Page]) -> list[tuple[Page, list]]:
    """What the refiner reads: the line classifier and n-gram model of ``model_dir`` (a tagger joins after the refiner)."""
    predictor = Predictor.from_pretrained(model_dir, device="cpu")
    predictor.refiner = predictor.tagger = None
    return list(zip(pages, predictor.line_probabilities([page.text for page in pages], progress=True)))


def train_refiner_stage(model_dir: Path, folds: list[tuple[Path, Path]], test: Path | None = None,
                        epochs: int = 10, seed: int = 0, members: int = 3) -> dict:
    """Fit the refiner on out-of-fold first passes and add it to ``model_dir``.

    Each of ``folds`` is a first-pass model folder and the labelled pages of the sites it was
    trained without. A seeded eighth of those sites is held out of the refiner's training to
    measure its gain.
    """
    examples = []  # (page, out-of-fold probabilities)
    for fold_model, held_out_pages in folds:
        examples += first_pass_probabilities(fold_model, list(read_pages(held_out_pages)))
    held_out_sites, _ = split_by_site([page for page, _ in examples], 0.125, seed)
    train = [(p.texts, p.labels, probs) for p, probs in examples if site_of(p) not in held_out_sites]
    refiner = train_refiner(train, epochs=epochs, seed=seed, members=members)

    decide = Predictor.from_pretrained(model_dir, device="cpu").decide

    def compare(scored: list[tuple[Page, list]]) -> tuple[dict, dict]:
        pages = [page for page, _ in scored]
        return (probability_scores(decide, pages, [probs for _, probs in scored]),
                probability_scores(decide, pages, [refiner.refine(page.texts, probs) for page, probs in scored]))

    report: dict = {"epochs": epochs, "seed": seed, "members": members, "folds": [[str(m), str(p)] for m, p in folds],
                    "training_pages": len(train), "held_out_sites": sorted(held_out_sites)}
    report["held_out_first_pass"], report["held_out_refined"] = compare(
        [(page, probs) for page, probs in examples if site_of(page) in held_out_sites])
    rows = [("held-out training sites, first pass", report["held_out_first_pass"]),
            ("held-out training sites, refined", report["held_out_refined"])]
    if test:
        report["test_first_pass"], report["test_refined"] = compare(first_pass_probabilities(model_dir, list(read_pages(test))))
        report["test_path"] = str(test)
        rows += [(f"test {test}, first pass", report["test_first_pass"]), (f"test {test}, refined", report["test_refined"])]
    _add_stage_to_folder(model_dir, "refiner", refiner, report)
    set_card_section(model_dir, REFINER_SECTION, f"""
{members} bidirectional GRUs over all of a page's lines (refiner.safetensors), trained from seeds
{seed} to {seed + members - 1}, read the first pass's probabilities and layout features; the mean of their
outputs is the refined probabilities (averaged with a page tagger's where the folder has one). Each was trained for {epochs} epochs on out-of-fold predictions: {report['training_pages']} pages, each scored by a first pass
trained without its site ({', '.join(str(m) for m, _ in folds)}). The sites
{', '.join(report['held_out_sites'])} were held out of its training to measure it.

{score_table(rows)}
""", before=TAGGER_SECTION)
    return report


def train_tagger_stage(model_dir: Path, test: Path | None = None, epochs: int = 8, seed: int = 0, members: int = 6,
                       hash_bits: int = TaggerSpec.hash_bits, extra_pages: tuple[Path, ...] = ()) -> dict:
    """Fit the page tagger on the labels (member k from seed + k) and add it to ``model_dir``.

    ``extra_pages`` are labelled pages the tagger alone learns from, less those of the validation sites.
    """
    train_pages, validation_pages, test_pages = run_pages(model_dir, test)
    validation_sites = {site_of(page) for page in validation_pages}
    extra = [page for path in extra_pages for page in read_pages(path) if site_of(page) not in validation_sites]
    tagger = PageTagger.fit(train_pages + extra, TaggerSpec(hash_bits=hash_bits), epochs=epochs, seed=seed, members=members)
    # The rest of the model as the folder holds it now, without a tagger it may hold already.
    predictor = Predictor.from_pretrained(model_dir, device="cpu")
    predictor.tagger = None
    compare = _averaged_comparison(predictor, tagger, ("without_tagger", "tagger", "averaged"), progress=True)

    report: dict = {"spec": asdict(tagger.spec), "epochs": epochs, "seed": seed, "members": members,
                    "training_pages": len(train_pages),
                    "extra_pages": {"files": [str(path) for path in extra_pages], "pages": len(extra)},
                    "validation": compare(validation_pages)}
    if test_pages:
        report["test"], report["test_path"] = compare(test_pages), str(test)
    _add_stage_to_folder(model_dir, "tagger", tagger, report)
    spec = report["spec"]
    rows = comparison_rows(report, (("without the tagger", "without_tagger"), ("tagger alone", "tagger"),
                                    ("averaged (what ships)", "averaged")), len(validation_pages))
    seeds = f"seed {seed}" if members == 1 else f"the mean of {members} taggers from seeds {seed}-{seed + members - 1}"
    also = f", and {len(extra)} more pages from {', '.join(str(p) for p in extra_pages)}" if extra else ""
    set_card_section(model_dir, TAGGER_SECTION, f"""
A bidirectional GRU ({spec['layers']} layers, {spec['hidden']} units) over all of a page's lines
(tagger.safetensors), each line read as the sum of learnt {spec['dimensions']}-dimensional vectors of its
character 1-{spec['max_ngram']}-grams (hashed into 2^{spec['hash_bits']} buckets) and its shape's (2^{spec['shape_bits']}),
plus layout features; trained on the labels of the line classifier's own {report['training_pages']}
training pages{also} (validation sites held out), {epochs} epochs, {seeds}. Its probabilities
are averaged with those of the rest of the model (the refined first pass); that mean decides.
A refiner that learnt from out-of-fold scores of the validation sites' pages (as the shipped
one did) flatters the validation rows without and with the tagger; the tagger never saw them.

{score_table(rows)}
""")
    return report
