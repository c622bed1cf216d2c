"""Scores of a line labelling against gold pages: content kept vs not, and the 8-way report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import classification_report, confusion_matrix, precision_recall_fscore_support

from boilerplate_ml.labels import CONTENT, LABELS
from boilerplate_ml.pages import Page

if TYPE_CHECKING:  # the predictor imports the model stack; scoring needs only its records
    import torch

    from boilerplate_ml.predictor import LinePrediction

#: Sentence-final punctuation of the punctuation baseline; with this set it reproduces the 0.61
#: line F1 that ../shared/data/README.md quotes for it (adding "." or ";" lowers it).
SENTENCE_END = tuple('。！？…!?」』”"')
PUNCTUATION_MIN_CHARS = 10


@dataclass
class LabelledLines:
    """Gold labels of every non-blank line of a page set, with a system's labels, keep decisions and the lines' lengths."""

    gold: list[str]
    predicted: list[str]
    kept: list[bool]
    chars: list[int]

    @classmethod
    def from_pages(
        cls, pages: Sequence[Page], predicted: Sequence[Sequence[str | None]], kept: Sequence[Sequence[bool]] | None = None
    ) -> LabelledLines:
        """Without ``kept``, a line counts as kept when its label is ``content``."""
        if kept is None:
            kept = [[label == CONTENT for label in labels] for labels in predicted]
        lines = cls([], [], [], [])
        for page, labels, keeps in zip(pages, predicted, kept, strict=True):
            for text, gold_label, label, keep in zip(page.texts, page.labels, labels, keeps, strict=True):
                if gold_label is None:
                    continue
                lines.gold.append(gold_label)
                lines.predicted.append(label or "")
                lines.kept.append(keep)
                lines.chars.append(len(text.strip()))
        return lines

    @classmethod
    def from_predictions(cls, pages: Sequence[Page], predictions: Sequence[Sequence[LinePrediction]]) -> LabelledLines:
        """Score what the Predictor keeps (its ``keep``), not just its top label."""
        return cls.from_pages(
            pages, [[p.label for p in page] for page in predictions], [[p.keep for p in page] for page in predictions]
        )


def probability_scores(
    decide: Callable[[Sequence[str], Sequence[torch.Tensor | None]], list[LinePrediction]],
    pages: Sequence[Page],
    probabilities: Sequence[Sequence[torch.Tensor | None]],
) -> dict[str, float]:
    """:func:`content_scores` of the keep decisions ``decide`` (a ``Predictor.decide``) makes from each page's line probabilities."""
    predictions = [decide(page.texts, page_probs) for page, page_probs in zip(pages, probabilities, strict=True)]
    return content_scores(LabelledLines.from_predictions(pages, predictions))


def content_scores(lines: LabelledLines) -> dict[str, float]:
    """Precision, recall and F1 of keeping content, per line and weighted by characters."""
    gold = np.array([g == CONTENT for g in lines.gold])
    kept = np.array(lines.kept)
    scores = {}
    for prefix, weights in (("line", None), ("char", np.array(lines.chars, dtype=float))):
        p, r, f, _ = precision_recall_fscore_support(
            gold, kept, average="binary", sample_weight=weights, zero_division=0.0
        )
        scores.update({f"{prefix}_precision": float(p), f"{prefix}_recall": float(r), f"{prefix}_f1": float(f)})
    return scores


def label_scores(lines: LabelledLines) -> dict[str, dict[str, float]]:
    """Per label, precision, recall, F1 and support of the predicted label against gold (8-way)."""
    p, r, f, support = precision_recall_fscore_support(
        lines.gold, lines.predicted, labels=list(LABELS), zero_division=0.0)
    return {label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(support[i])}
            for i, label in enumerate(LABELS)}


@dataclass(frozen=True)
class PageErrors:
    """How a page's keep decisions went wrong: where to look first when a score disappoints."""

    id: str
    source: str
    lines: int
    content: int
    kept_other: int
    dropped_content: int

    @property
    def errors(self) -> int:
        return self.kept_other + self.dropped_content

    @property
    def line_f1(self) -> float:
        """Line F1 of keeping content on this page; a page with no content that keeps nothing scores 1."""
        kept_content = self.content - self.dropped_content
        kept = kept_content + self.kept_other
        if self.content == 0 and kept == 0:
            return 1.0
        return 2 * kept_content / (self.content + kept)


def keep_errors(page: Page, kept: Sequence[bool]) -> PageErrors:
    """A page's non-blank and content lines, non-content lines kept and content lines dropped."""
    scored = [(gold, keep) for gold, keep in zip(page.labels, kept, strict=True) if gold is not None]
    return PageErrors(page.id, page.source, len(scored), sum(gold == CONTENT for gold, _ in scored),
                      sum(keep and gold != CONTENT for gold, keep in scored),
                      sum(not keep and gold == CONTENT for gold, keep in scored))


def page_errors(pages: Sequence[Page], predictions: Sequence[Sequence[LinePrediction]]) -> list[PageErrors]:
    """:func:`keep_errors` of each page, from the Predictor's keep decisions."""
    return [keep_errors(page, [p.keep for p in page_predictions]) for page, page_predictions in zip(pages, predictions, strict=True)]


def mean_page_f1(pages: Sequence[Page], kept: Sequence[Sequence[bool]]) -> float:
    """The mean over pages of each page's :attr:`PageErrors.line_f1`; ``kept`` holds each page's keep decisions.

    The figure one long page cannot decide: a 2,000-line list page weighs as much as a 40-line article.
    """
    scores = [keep_errors(page, page_kept).line_f1 for page, page_kept in zip(pages, kept, strict=True)]
    return float(np.mean(scores)) if scores else 0.0


def worst_pages_table(errors: Sequence[PageErrors], count: int) -> str:
    """The ``count`` pages with the most wrong keep decisions, most first (ties in file order)."""
    worst = sorted((e for e in errors if e.errors), key=lambda e: -e.errors)[:count]
    rows = [f"{e.id:<16} {e.source[:28]:<28} {e.lines:>6} {e.content:>8} {e.kept_other:>17} {e.dropped_content:>16}" for e in worst]
    header = f"{'page':<16} {'source':<28} {'lines':>6} {'content':>8} {'non-content kept':>17} {'content dropped':>16}"
    return "\n".join([header, *rows]) if rows else "no page has a wrong keep decision"


def label_report(lines: LabelledLines) -> str:
    """scikit-learn's per-label report and the confusion matrix, as text."""
    report = classification_report(lines.gold, lines.predicted, labels=list(LABELS), zero_division=0.0, digits=3)
    matrix = confusion_matrix(lines.gold, lines.predicted, labels=list(LABELS))
    width = max(len(label) for label in LABELS)
    header = " " * (width + 2) + " ".join(f"{label[:5]:>6}" for label in LABELS)
    rows = [f"{label:>{width}}  " + " ".join(f"{n:>6}" for n in row) for label, row in zip(LABELS, matrix)]
    return f"{report}\nconfusion matrix (rows: gold, columns: predicted)\n{header}\n" + "\n".join(rows)


def keep_every_line(text: str) -> str:
    """Baseline: everything is content."""
    return CONTENT


def punctuation_rule(text: str) -> str:
    """Baseline: a line of at least 10 characters ending in sentence-final punctuation is content."""
    stripped = text.strip()
    return CONTENT if len(stripped) >= PUNCTUATION_MIN_CHARS and stripped.endswith(SENTENCE_END) else "navigation"


BASELINES: dict[str, Callable[[str], str]] = {
    "keep every line": keep_every_line,
    "punctuation rule": punctuation_rule,
}


def baseline_labels(pages: Sequence[Page], rule: Callable[[str], str]) -> list[list[str | None]]:
    return [[None if label is None else rule(text) for text, label in zip(page.texts, page.labels)] for page in pages]
