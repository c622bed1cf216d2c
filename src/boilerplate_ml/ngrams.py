"""A second line classifier, of another kind: a linear model over hashed character n-grams.

The window model reads each line's first tokens through a small BERT pretrained on a CPU. This
model reads every character of a line and of the two lines on each side, as bags of character
1-3-grams and of the lines' shapes (``05-23 821`` reads ``00-00 000``), and so errs on other
lines. The Predictor averages the two models' probabilities before the page-level refiner. Hashing keeps the model a fixed matrix: no vocabulary to store,
nothing pickled, and one safetensors file of a few megabytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sparse
import torch
from safetensors.numpy import load_file, save_file
from scipy.special import expit
from sklearn.linear_model import SGDClassifier

from boilerplate_ml.jsonl import new_file_mode
from boilerplate_ml.labels import LABEL_TO_ID, LABELS
from boilerplate_ml.page_models import hashing_vectorizers, line_shape
from boilerplate_ml.pages import Page
from boilerplate_ml.quantization import dequantize, quantize_rows
from boilerplate_ml.windows import non_blank_lines

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import HashingVectorizer

NGRAM_WEIGHTS = "ngrams.safetensors"
NGRAM_CONFIG = "ngrams.json"
#: Stand-ins for the lines before a page's first line and after its last.
PAGE_START, PAGE_END = "\x02", "\x03"


@dataclass(frozen=True)
class NgramSpec:
    """What the features are; saved with the weights, since the same hashing must read new pages."""

    #: Each line's n-grams are hashed into 2**hash_bits buckets (2**16: as good as 2**18 out of fold, a quarter the size).
    hash_bits: int = 16
    max_ngram: int = 3
    #: Non-blank lines read on each side of a line (2 beat 1 out of fold: line F1 0.790 vs 0.773 alone).
    reach: int = 2
    #: A neighbour's n-grams count this much, divided by its distance; the line itself counts 1.
    neighbour_weight: float = 0.5
    #: Each line's shape (:func:`line_shape`) is hashed too, into 2**shape_bits buckets: feeds' dates,
    #: counts and user names look alike in shape whatever their characters.
    shape_bits: int = 12

    def vectorizers(self) -> tuple[HashingVectorizer, HashingVectorizer]:
        """For the lines' text and for their shapes."""
        return hashing_vectorizers(self.max_ngram, self.hash_bits, self.shape_bits)

    def feature_count(self) -> int:
        """Text and shape buckets for the line and each neighbour, then position and length."""
        return (2 * self.reach + 1) * (2**self.hash_bits + 2**self.shape_bits) + 2


class NgramLineModel:
    """One-vs-rest logistic regression over the hashed n-grams of a line and its neighbours, and two layout figures."""

    def __init__(self, spec: NgramSpec, weights: np.ndarray, bias: np.ndarray) -> None:
        self.spec = spec
        self.weights = weights  # (features, labels)
        self.bias = bias  # (labels,)
        self._text_vectorizer, self._shape_vectorizer = spec.vectorizers()

    def features(self, pages: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """One row per non-blank line of each page, in order."""
        lines: list[str] = []
        neighbours: list[list[int]] = []  # per line, the line index read at each distance; -1: before the page, -2: after
        layout: list[list[float]] = []
        for page in pages:
            indices = non_blank_lines(page)
            first = len(lines)
            lines.extend(page[i].strip() for i in indices)
            for k in range(len(indices)):
                neighbours.append([first + k + d if 0 <= k + d < len(indices) else (-1 if d < 0 else -2)
                                   for d in range(-self.spec.reach, self.spec.reach + 1)])
                layout.append([k / max(1, len(indices) - 1), min(len(lines[first + k]), 400) ** 0.5 / 20])
        texts = lines + [PAGE_START, PAGE_END]
        hashed = sparse.hstack([self._text_vectorizer.transform(texts),
                                self._shape_vectorizer.transform([line_shape(text) for text in texts])]).tocsr()
        rows = np.array(neighbours, dtype=np.int64).reshape(len(lines), 2 * self.spec.reach + 1)
        rows[rows == -1], rows[rows == -2] = len(lines), len(lines) + 1
        blocks = []
        for column, distance in enumerate(range(-self.spec.reach, self.spec.reach + 1)):
            scale = 1.0 if distance == 0 else self.spec.neighbour_weight / abs(distance)
            blocks.append(hashed[rows[:, column]] * scale)
        return sparse.hstack(blocks + [sparse.csr_matrix(np.array(layout, dtype=np.float64).reshape(-1, 2))]).tocsr()

    @classmethod
    def fit(cls, pages: Sequence[Page], spec: NgramSpec = NgramSpec(), seed: int = 0) -> NgramLineModel:
        """Train on labelled pages (scikit-learn's SGD, log loss, a fixed number of epochs)."""
        # A label never seen in training keeps these: weight 0, bias -30, probability ~0.
        model = cls(spec, np.zeros((spec.feature_count(), len(LABELS)), dtype=np.float32), np.full(len(LABELS), -30.0, dtype=np.float32))
        features = model.features([page.texts for page in pages])
        targets = np.array([LABEL_TO_ID[page.labels[i]] for page in pages for i in non_blank_lines(page.texts)])
        if len(set(targets.tolist())) < 2:
            raise ValueError("the n-gram model needs training lines of at least two labels")
        classifier = SGDClassifier(loss="log_loss", alpha=2e-6, max_iter=30, tol=None, random_state=seed)
        classifier.fit(features, targets)
        coef, intercept = classifier.coef_, classifier.intercept_
        if len(classifier.classes_) == 2:  # scikit-learn fits one score for the second class; the first is its negative
            coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
        model.weights[:, classifier.classes_] = coef.T
        model.bias[classifier.classes_] = intercept
        return model

    def line_probabilities(self, pages: Sequence[Sequence[str]]) -> list[list[torch.Tensor | None]]:
        """Per page, each line's probabilities over LABELS (None for blank lines)."""
        scores = self.features(pages) @ self.weights + self.bias
        # One-vs-rest: each label's own sigmoid, normalised to sum to one (as scikit-learn's predict_proba).
        probabilities = torch.from_numpy(expit(scores)).float()
        probabilities /= probabilities.sum(dim=1, keepdim=True)
        results, row = [], 0
        for page in pages:
            page_probs: list[torch.Tensor | None] = [None] * len(page)
            for i in non_blank_lines(page):
                page_probs[i] = probabilities[row]
                row += 1
            results.append(page_probs)
        return results

    def save(self, model_dir: str | Path) -> None:
        # int8 weights (quantization.py) keep the shipped folder under 30 MB.
        save_file({**quantize_rows("weights", self.weights), "bias": self.bias}, str(Path(model_dir) / NGRAM_WEIGHTS))
        (Path(model_dir) / NGRAM_WEIGHTS).chmod(new_file_mode())  # safetensors writes 0600
        config = {"spec": asdict(self.spec), "labels": list(LABELS)}
        (Path(model_dir) / NGRAM_CONFIG).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, model_dir: str | Path) -> NgramLineModel | None:
        """The n-gram model saved in ``model_dir``, or None if the folder has none."""
        config_path = Path(model_dir) / NGRAM_CONFIG
        if not config_path.exists():
            return None
        config = json.loads(config_path.read_text(encoding="utf-8"))
        if config["labels"] != list(LABELS):
            raise ValueError(f"{config_path}: made for other labels than this version of boilerplate-ml")
        spec = NgramSpec(**config["spec"])
        tensors = dequantize(load_file(str(Path(model_dir) / NGRAM_WEIGHTS)))
        if tensors["weights"].shape != (spec.feature_count(), len(LABELS)):
            raise ValueError(f"{config_path}: its weights do not fit its features; made by another version of boilerplate-ml")
        return cls(spec, tensors["weights"], tensors["bias"])


