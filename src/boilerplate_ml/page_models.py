"""What the page-level models share: the features they read of a line, how pages are batched and fitted, how probabilities combine.

The n-gram model, the refiner and the page tagger each read a page's lines; these are the pieces
they have in common, so that a change to how a line's shape or layout is read reaches all of
them at once.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from typing import TypeVar

import torch
from sklearn.feature_extraction.text import HashingVectorizer
from torch import nn

from boilerplate_ml.labels import is_blank

_SENTENCE_END = re.compile(r"[。！？!?…」”』）)\.：:；;]\s*$")
#: Pages scored in one padded pass by the refiner and the page tagger (score_in_batches).
PAGES_PER_BATCH = 64
#: What :func:`layout_features` gives of each line (the refiner reads them after the first pass's probabilities).
LAYOUT_FEATURES = ("sqrt_length", "sentence_end", "digit_share", "blank_before", "blank_after", "position")


def layout_features(texts: Sequence[str], indices: Sequence[int]) -> torch.Tensor:
    """One row of LAYOUT_FEATURES for each of the lines ``indices`` (non-blank) of a page."""
    rows = []
    for k, i in enumerate(indices):
        text = texts[i].strip()
        rows.append([
            min(len(text), 400) ** 0.5 / 20,
            float(bool(_SENTENCE_END.search(text))),
            sum(c.isdigit() for c in text) / len(text),
            float(i > 0 and is_blank(texts[i - 1])),
            float(i + 1 < len(texts) and is_blank(texts[i + 1])),
            k / max(1, len(indices) - 1),
        ])
    return torch.tensor(rows, dtype=torch.float).reshape(len(indices), len(LAYOUT_FEATURES))


_DIGITS, _LATIN, _HAN = re.compile(r"[0-9０-９]"), re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]"), re.compile(r"[\u3400-\u9fff]")


def hashing_vectorizers(max_ngram: int, hash_bits: int, shape_bits: int) -> tuple[HashingVectorizer, HashingVectorizer]:
    """Character 1-``max_ngram``-gram counts, L2-normalised, of lines' text and of their :func:`line_shape`, each hashed into its own buckets."""
    return tuple(HashingVectorizer(analyzer="char", ngram_range=(1, max_ngram), n_features=2**bits,
                                   alternate_sign=False, norm="l2") for bits in (hash_bits, shape_bits))


def line_shape(line: str) -> str:
    """Digits as 0, Latin letters as a, Han characters as 中; punctuation and spaces as they are."""
    return _HAN.sub("中", _LATIN.sub("a", _DIGITS.sub("0", line)))


Item = TypeVar("Item")


def score_in_batches(
    line_counts: Sequence[int],
    pages: Sequence[tuple[Sequence[int], Item]],
    score_batch: Callable[[list[Item]], Sequence[torch.Tensor]],
) -> list[list[torch.Tensor | None]]:
    """Per page of ``line_counts[p]`` lines, the rows ``score_batch`` gives for its scored lines
    (``pages[p]``: their indices and what the model reads of them), None for the other lines.

    Pages go PAGES_PER_BATCH to a call, sorted by length so that padding stays small; pages
    without a scored line are not sent.
    """
    results: list[list[torch.Tensor | None]] = [[None] * count for count in line_counts]
    scored = sorted((page for page, (indices, _) in enumerate(pages) if indices), key=lambda page: len(pages[page][0]))
    for start in range(0, len(scored), PAGES_PER_BATCH):
        batch = scored[start : start + PAGES_PER_BATCH]
        for page, rows in zip(batch, score_batch([pages[page][1] for page in batch])):
            for i, row in zip(pages[page][0], rows):
                results[page][i] = row
    return results


Model = TypeVar("Model", bound=nn.Module)
Example = TypeVar("Example")


def fit_page_by_page(
    build: Callable[[], Model],
    examples: Sequence[tuple[Example, torch.Tensor]],
    logits: Callable[[Model, Example], torch.Tensor],
    seed: int,
    epochs: int,
    learning_rate: float,
    weight_decay: float,
) -> Model:
    """Train one page model, one page per step (AdamW), pages reshuffled each epoch.

    The seed is set before the model is built, and the model shuffles its own copy of the pages,
    so that member k of an ensemble is the same whatever was trained before it.
    """
    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = build()
    optimizer = torch.optim.AdamW(model.parameters(), lr=learning_rate, weight_decay=weight_decay)
    model.train()
    order = list(examples)
    for _ in range(epochs):
        rng.shuffle(order)
        for inputs, targets in order:
            loss = nn.functional.cross_entropy(logits(model, inputs), targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model.eval()


def average_probabilities(*models: Sequence[Sequence[torch.Tensor | None]]) -> list[list[torch.Tensor | None]]:
    """Per page and line, the mean of several models' probabilities (None stays None for blank lines)."""
    return [[None if lines[0] is None else sum(lines) / len(lines) for lines in zip(*pages, strict=True)]
            for pages in zip(*models, strict=True)]
