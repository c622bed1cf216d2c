"""Labelled pages → a ``datasets.Dataset`` of token windows, every token of a line carrying the line's label."""

from __future__ import annotations

from boilerplate_ml.extras import require_extra

require_extra("train", "boilerplate_ml.dataset", "datasets")

import hashlib
import random
from collections.abc import Sequence

from datasets import Dataset
from transformers import PreTrainedTokenizerBase

from boilerplate_ml.labels import LABEL_TO_ID
from boilerplate_ml.pages import Page, site_of
from boilerplate_ml.windows import WindowSpec, build_windows, encode_lines, non_blank_lines

#: Label id that the loss and the metrics ignore (Hugging Face convention).
IGNORE = -100


def windows_dataset(
    pages: Sequence[Page], tokenizer: PreTrainedTokenizerBase, spec: WindowSpec, every_line: bool
) -> Dataset:
    """One row per window: ``input_ids`` and ``labels``.

    For training (``every_line``) every token of every line carries the line's label. For
    evaluation only the marker of each line's scoring window does, so that a line is counted
    once, in the window where the :class:`~boilerplate_ml.predictor.Predictor` reads it
    (the metrics in :func:`~boilerplate_ml.training.line_metrics` average over the rest of its span).
    """
    rows: dict[str, list] = {"input_ids": [], "labels": []}
    for page in pages:
        indices = non_blank_lines(page.texts)
        encoded = encode_lines([page.texts[i] for i in indices], tokenizer, spec)
        windows, owner = build_windows(encoded, tokenizer, spec)
        for w, window in enumerate(windows):
            labels = [IGNORE] * len(window.input_ids)
            for line, span in zip(window.line_indices, window.spans):
                label_id = LABEL_TO_ID[page.labels[indices[line]]]
                if every_line:
                    labels[span.start : span.stop] = [label_id] * len(span)
                elif owner[line] == w:
                    labels[span.start] = label_id
            rows["input_ids"].append(window.input_ids)
            rows["labels"].append(labels)
    return Dataset.from_dict(rows)


def split_by_site(pages: Sequence[Page], fraction: float, seed: int) -> tuple[set[str], list[Page]]:
    """Hold out a seeded ``fraction`` of the sites (at least one); return them and their pages."""
    sites = sorted({site_of(page) for page in pages})
    random.Random(seed).shuffle(sites)
    held_out = set(sites[: max(1, round(fraction * len(sites)))])
    return held_out, [page for page in pages if site_of(page) in held_out]


def weighted(pages: Sequence[Page], weight: float, seed: int) -> list[Page]:
    """Whole copies for the integer part of ``weight`` and a seeded sample for the fraction."""
    whole, fraction = int(weight), weight - int(weight)
    sample = random.Random(seed).sample(list(pages), round(fraction * len(pages)))
    return list(pages) * whole + sample


def site_fold(site: str, folds: int) -> int:
    """The fold (of ``folds``) a site's pages all go to: a hash of its name, the same on every run."""
    return hashlib.sha256(site.encode()).digest()[0] % folds
