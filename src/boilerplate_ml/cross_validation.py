"""Site-grouped cross-validation: every labelled real page scored by a model that never saw its site.

Dev pages were the yardstick of too many choices, and pages from unseen sites then scored far
below them. So choices are made here instead: pages are assigned to folds by registered domain
(a committed folds file), each fold is scored by a model trained on the others, and the pooled
out-of-fold decisions give micro line and char F1, the mean per-page line F1, and figures per
page kind and per label.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import torch

from boilerplate_ml.evaluation import LabelledLines, content_scores, label_scores, mean_page_f1
from boilerplate_ml.labels import CONTENT, LABELS
from boilerplate_ml.pages import Page, read_pages, write_pages

if TYPE_CHECKING:  # both need extras ([train], [data]); only the recipe's cross-validation uses them
    from boilerplate_ml.config import Config
    from boilerplate_ml.site_folds import SiteFolds

ProbabilityLists = list[list[torch.Tensor | None]]


class LineScorer(Protocol):
    def line_probabilities(self, pages: Sequence[Sequence[str]]) -> ProbabilityLists: ...


def out_of_fold(pages: Sequence[Page], folds: dict[str, int], fit: Callable[[list[Page]], LineScorer],
                extra_training: Sequence[Page] = (), train_filter: Callable[[Page], bool] = lambda page: True,
                ) -> ProbabilityLists:
    """Each page's line probabilities from a model fitted on the other folds' pages.

    ``extra_training`` (synthetic pages, say) joins every fold's training set and is never scored;
    ``train_filter`` leaves pages out of training (but not out of scoring), for instance one
    topic's pages, to see whether the model learnt the topic instead of the layout.
    """
    missing = [page.id for page in pages if page.id not in folds]
    if missing:
        raise ValueError(f"{len(missing)} pages have no fold, e.g. {', '.join(missing[:5])}")
    probabilities: ProbabilityLists = [[] for _ in pages]
    for fold in sorted({folds[page.id] for page in pages}):
        held_out = [i for i, page in enumerate(pages) if folds[page.id] == fold]
        training = [page for page in pages if folds[page.id] != fold and train_filter(page)] + list(extra_training)
        scorer = fit(training)
        for i, page_probs in zip(held_out, scorer.line_probabilities([pages[i].texts for i in held_out])):
            probabilities[i] = page_probs
    return probabilities


def decisions(probabilities: ProbabilityLists, threshold: float = 0.5) -> tuple[list[list[str | None]], list[list[bool]]]:
    """Per page, each line's top label and whether P(content) reaches ``threshold`` (blank lines: None, False)."""
    content = LABELS.index(CONTENT)
    labels = [[None if p is None else LABELS[int(p.argmax())] for p in page] for page in probabilities]
    kept = [[p is not None and float(p[content]) >= threshold for p in page] for page in probabilities]
    return labels, kept


def cv_report(pages: Sequence[Page], probabilities: ProbabilityLists, kinds: dict[str, str] | None = None,
              sources: dict[str, str] | None = None, threshold: float = 0.5) -> dict:
    """Pooled scores, the mean per-page line F1, per-label figures, and the same per page kind and per source.

    ``kinds`` and ``sources`` map page ids to a group (a page missing from one is in "unknown").
    """
    labels, kept = decisions(probabilities, threshold)
    lines = LabelledLines.from_pages(pages, labels, kept)
    report = {"pages": len(pages), "lines": len(lines.gold), **content_scores(lines),
              "mean_page_f1": mean_page_f1(pages, kept), "labels": label_scores(lines)}
    for name, groups in (("kinds", kinds), ("sources", sources)):
        if groups:
            report[name] = _group_scores(pages, labels, kept, groups)
    return report


def _group_scores(pages: Sequence[Page], labels: list[list[str | None]], kept: list[list[bool]],
                  groups: dict[str, str]) -> dict[str, dict]:
    members: dict[str, list[int]] = {}
    for i, page in enumerate(pages):
        members.setdefault(groups.get(page.id, "unknown"), []).append(i)
    scores_by_group = {}
    for group, indices in sorted(members.items()):
        group_pages = [pages[i] for i in indices]
        group_kept = [kept[i] for i in indices]
        group_lines = LabelledLines.from_pages(group_pages, [labels[i] for i in indices], group_kept)
        scores = content_scores(group_lines)
        has_content = CONTENT in group_lines.gold
        scores_by_group[group] = {
            "pages": len(indices), "lines": len(group_lines.gold),
            # F1 of keeping content is undefined where there is none to keep (directory, spam pages):
            # there the share of lines wrongly kept says how the group fares.
            "line_f1": scores["line_f1"] if has_content else None,
            "char_f1": scores["char_f1"] if has_content else None,
            "wrongly_kept": sum(k and g != CONTENT for g, k in zip(group_lines.gold, group_lines.kept)) / max(1, len(group_lines.gold)),
            "mean_page_f1": mean_page_f1(group_pages, group_kept)}
    return scores_by_group


def format_report(name: str, report: dict) -> str:
    """A few readable lines of a :func:`cv_report`."""
    out = [f"{name}: {report['pages']} pages, {report['lines']} lines | line F1 {report['line_f1']:.3f}  "
           f"char F1 {report['char_f1']:.3f}  mean page F1 {report['mean_page_f1']:.3f}"]
    for breakdown, title in (("kinds", "kind"), ("sources", "source")):
        for group, scores in report.get(breakdown, {}).items():
            f1 = ("line F1 -      char F1 -    " if scores["line_f1"] is None
                  else f"line F1 {scores['line_f1']:.3f}  char F1 {scores['char_f1']:.3f}")
            out.append(f"  {title} {group:<12} {scores['pages']:>4} pages {scores['lines']:>6} lines | {f1}  mean page F1 "
                       f"{scores['mean_page_f1']:.3f}  non-content kept {scores['wrongly_kept']:.3f}")
    out.append("  per label (P / R / F1, support): " + "; ".join(
        f"{label} {s['precision']:.2f}/{s['recall']:.2f}/{s['f1']:.2f} ({s['support']})"
        for label, s in report["labels"].items()))
    return "\n".join(out)


def recipe_fold_config(config: Config, folds: SiteFolds, fold: int, work: Path) -> Config:
    """The training recipe without fold ``fold``'s sites: each real source filtered (synthetic ones kept), built under ``work``.

    The whole stack is rebuilt this way, its own inner site folds for the refiner included, so that
    no stage of the model that scores a fold has seen any page of that fold's sites.
    """
    fold_dir = work / f"fold{fold}"
    fold_dir.mkdir(parents=True, exist_ok=True)
    sources = []
    for number, source in enumerate(config.data.train):
        if not source.synthetic:
            kept = [page for page in read_pages(source.path) if folds.fold_of(page.id, page.source) != fold]
            path = fold_dir / f"source{number}.jsonl"
            write_pages(kept, path)
            source = dataclasses.replace(source, path=str(path), about=f"{source.about} (without site fold {fold})")
        sources.append(source)
    return dataclasses.replace(config, name=f"{config.name}-cv{fold}", output_dir=str(fold_dir / "run"),
                               export_dir=str(fold_dir / "model"),
                               data=dataclasses.replace(config.data, train=sources, test=None))


def recipe_out_of_fold(config: Config, pages: Sequence[Page], folds: SiteFolds, work: Path,
                       reuse: bool = False) -> ProbabilityLists:
    """Each page's probabilities from the whole model built by ``config``'s recipe without its fold's sites.

    With ``reuse``, a fold whose model is already in ``work`` is not built again (a long run can stop
    between folds and go on).
    """
    from boilerplate_ml.predictor import Predictor
    from boilerplate_ml.recipe import build_model

    probabilities: ProbabilityLists = [[] for _ in pages]
    page_folds = [folds.fold_of(page.id, page.source) for page in pages]
    for fold in sorted(set(page_folds)):
        fold_config = recipe_fold_config(config, folds, fold, work)
        model_dir = Path(fold_config.export_dir)
        if not (reuse and model_dir.is_dir()):
            build_model(fold_config)
        held_out = [i for i, page_fold in enumerate(page_folds) if page_fold == fold]
        predictor = Predictor.from_pretrained(model_dir, device="cpu")
        for i, page_probs in zip(held_out, predictor.line_probabilities([pages[i].text for i in held_out])):
            probabilities[i] = page_probs
    return probabilities
