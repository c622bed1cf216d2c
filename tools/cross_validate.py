"""Score a recipe by site-grouped cross-validation over every person-labelled real page.

    python tools/cross_validate.py --stage ngrams --folds annotations/folds.json \\
        --kinds annotations/kinds.tsv annotations/html annotations/html-nju annotations/more \\
        ../shared/data/pages/train.jsonl data/annotated_html.jsonl data/annotated_nju.jsonl data/annotated_more.jsonl

Each fold is scored by a model fitted on the other folds' pages (plus ``--extra`` pages, such as
synthetic ones, in every fold's training and never scored). ``--stage`` picks what is fitted: the
character n-gram model, the page tagger, or their mean (cheap enough to refit five times on two
CPU cores), or ``recipe``: the whole model, every stage, built by ``--config``'s training recipe
once per fold with that fold's sites taken out of every real source (hours per fold on a CPU;
``--reuse`` keeps the fold models already built in ``--work``). ``--shipped`` scores the shipped model as it is on the same
pages, for reference: its training pages overlap these, so that row is not out of fold.
``--train-without-repo REPO --index INDEX`` leaves the pages that INDEX says came from REPO out of
training (but not out of scoring): with the one-topic archive of html/more it shows whether
those pages teach the model their topic instead of layout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from boilerplate_ml.cross_validation import LineScorer, ProbabilityLists, cv_report, format_report, out_of_fold
from boilerplate_ml.datagen.annotations import page_kinds
from boilerplate_ml.datagen.html_pages import read_index
from boilerplate_ml.ngrams import NgramLineModel
from boilerplate_ml.page_models import average_probabilities
from boilerplate_ml.page_tagger import PageTagger
from boilerplate_ml.pages import Page, read_pages
from boilerplate_ml.site_folds import SiteFolds


class MeanOf:
    """Several fitted scorers whose probabilities are averaged, as the Predictor averages stages."""

    def __init__(self, *scorers: LineScorer) -> None:
        self.scorers = scorers

    def line_probabilities(self, pages: Sequence[Sequence[str]]) -> ProbabilityLists:
        return average_probabilities(*(scorer.line_probabilities(pages) for scorer in self.scorers))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="+", type=Path, help="labelled real pages (LABELS.md JSON Lines)")
    parser.add_argument("--folds", type=Path, required=True, help="the committed folds file (tools/assign_site_folds.py)")
    parser.add_argument("--kinds", type=Path, nargs="+", default=[],
                        help="folders of label files and id<TAB>kind files that give the pages' kinds")
    parser.add_argument("--stage", choices=["ngrams", "tagger", "ngrams+tagger", "recipe", "none"], default="ngrams",
                        help="what is fitted per fold; recipe: the whole model by --config's recipe; none: only --shipped")
    parser.add_argument("--config", type=Path, help="with --stage recipe: the training config (scripts/train.py's)")
    parser.add_argument("--work", type=Path, default=Path("runs/cv-recipe"), help="with --stage recipe: where fold models are built")
    parser.add_argument("--reuse", action="store_true", help="with --stage recipe: keep fold models already built in --work")
    parser.add_argument("--tagger-members", type=int, default=1)
    parser.add_argument("--tagger-epochs", type=int, default=8)
    parser.add_argument("--extra", type=Path, action="append", default=[], help="pages added to every fold's training")
    parser.add_argument("--train-without-repo", default=None, help="leave the pages of this source repository out of training")
    parser.add_argument("--index", type=Path, help="index.jsonl giving pages' source repositories: scores per source, "
                        "and what --train-without-repo leaves out (pages not in it count as 'unknown')")
    parser.add_argument("--shipped", action="store_true", help="also score the shipped model as it is (not out of fold)")
    parser.add_argument("--json", type=Path, help="write the reports here")
    args = parser.parse_args(argv)

    pages = [page for path in args.pages for page in read_pages(path)]
    extra = [page for path in args.extra for page in read_pages(path)]
    site_folds = SiteFolds.load(args.folds)
    folds = site_folds.pages
    if args.stage == "recipe" and not args.config:
        parser.error("--stage recipe needs --config")
    kinds = page_kinds(args.kinds) if args.kinds else None

    def fit(training: list[Page]) -> LineScorer:
        scorers = []
        if args.stage in ("ngrams", "ngrams+tagger"):
            scorers.append(NgramLineModel.fit(training, seed=0))
        if args.stage in ("tagger", "ngrams+tagger"):
            scorers.append(PageTagger.fit(training, epochs=args.tagger_epochs, members=args.tagger_members))
        print(f"  fitted on {len(training)} pages", file=sys.stderr)
        return MeanOf(*scorers)

    if args.train_without_repo and not args.index:
        parser.error("--train-without-repo needs --index")
    index = read_index(args.index) if args.index else {}
    sources = {page_id: record.get("repo", "unknown") for page_id, record in index.items()} or None
    left_out = {page_id for page_id, repo in (sources or {}).items() if repo == args.train_without_repo}
    keep_in_training = lambda page: page.id not in left_out  # noqa: E731
    reports = {}
    if args.stage == "recipe":
        from boilerplate_ml.config import load_config
        from boilerplate_ml.cross_validation import recipe_out_of_fold

        reports[f"recipe {args.config}"] = cv_report(
            pages, recipe_out_of_fold(load_config(args.config), pages, site_folds, args.work, args.reuse), kinds, sources)
    elif args.stage != "none":
        name = args.stage + (f" (training without the {len(left_out)} pages of {args.train_without_repo})" if left_out else "")
        reports[name] = cv_report(pages, out_of_fold(pages, folds, fit, extra, keep_in_training), kinds, sources)
    if args.shipped:
        from boilerplate_ml.predictor import Predictor

        predictor = Predictor.from_pretrained()
        reports["shipped model (not out of fold)"] = cv_report(
            pages, predictor.line_probabilities([page.text for page in pages]), kinds, sources)
    for report_name, report in reports.items():
        print(format_report(report_name, report))
    if args.json:
        args.json.write_text(json.dumps(reports, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
