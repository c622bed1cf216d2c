"""A third line classifier: a tagger that reads what every line of a page says, all at once.

The window model reads 16 tokens of each line and the twenty or so lines around it; the n-gram
model reads five lines. This one reads the whole page: each line becomes the sum of learnt
vectors of its hashed character 1-3-grams and of its shape's (fastText's recipe: no vocabulary,
no pretrained base, cheap on a CPU), and a bidirectional GRU runs over the page's lines. It is
trained on the labels, not on another model's scores, so what it learns of a page's shape comes
from the text itself. The Predictor averages it with the refined first pass: it joins after
the refiner, which learnt from the other two alone. There, on sites held out from every model,
it raised line F1 from every seed tried, most as the mean of three (README, "Results").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sparse
import torch
from safetensors.numpy import load_file, save_file
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

from boilerplate_ml.jsonl import new_file_mode
from boilerplate_ml.labels import LABEL_TO_ID, LABELS
from boilerplate_ml.page_models import (
    LAYOUT_FEATURES,
    fit_page_by_page,
    hashing_vectorizers,
    layout_features,
    line_shape,
    score_in_batches,
)
from boilerplate_ml.pages import Page
from boilerplate_ml.quantization import loaded_state, storable_state
from boilerplate_ml.windows import non_blank_lines

TAGGER_WEIGHTS = "tagger.safetensors"
TAGGER_CONFIG = "tagger.json"
#: Around each line before hashing, so that a line's first and last characters are n-grams of their own.
LINE_START, LINE_END = "\x02", "\x03"


@dataclass(frozen=True)
class TaggerSpec:
    """The tagger's features and shape; saved with the weights."""

    #: 2^16 buckets of 32 int8s are 2.4 MB a member; 2^18 scored no better on held-out sites, at four times the size.
    hash_bits: int = 16
    shape_bits: int = 12
    max_ngram: int = 3
    #: Characters of a line that are read (its start); longer lines are prose whatever follows.
    line_chars: int = 300
    dimensions: int = 32
    hidden: int = 64
    layers: int = 2
    dropout: float = 0.3


@dataclass(frozen=True)
class PageInputs:
    """A page's non-blank lines as the tagger reads them: hashed n-grams in EmbeddingBag form, and layout."""

    ids: torch.Tensor
    offsets: torch.Tensor
    weights: torch.Tensor
    layout: torch.Tensor


class LineGRU(nn.Module):
    """One tagger: line vectors from hashed n-grams, a BiGRU over the page, and a label per line."""

    def __init__(self, spec: TaggerSpec) -> None:
        super().__init__()
        self.embeddings = nn.EmbeddingBag(2**spec.hash_bits + 2**spec.shape_bits, spec.dimensions, mode="sum")
        nn.init.normal_(self.embeddings.weight, std=0.1)
        self.dropout = nn.Dropout(spec.dropout)
        self.project = nn.Linear(spec.dimensions + len(LAYOUT_FEATURES), spec.hidden)
        self.gru = nn.GRU(spec.hidden, spec.hidden, num_layers=spec.layers, batch_first=True, bidirectional=True,
                          dropout=0.1 if spec.layers > 1 else 0.0)
        self.classify = nn.Linear(3 * spec.hidden, len(LABELS))

    def _line_states(self, page: PageInputs) -> torch.Tensor:
        vectors = self.dropout(self.embeddings(page.ids, page.offsets, per_sample_weights=page.weights))
        return torch.relu(self.project(torch.cat([vectors, page.layout], dim=-1)))

    def forward(self, pages: Sequence[PageInputs]) -> list[torch.Tensor]:
        """Per page, logits of shape (lines, labels). Pages are padded and packed, so a page scores the same alone or in a batch."""
        states = [self._line_states(page) for page in pages]
        lengths = torch.tensor([len(s) for s in states])
        padded = pad_sequence(states, batch_first=True)
        packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
        context, _ = pad_packed_sequence(self.gru(packed)[0], batch_first=True, total_length=padded.shape[1])
        logits = self.classify(torch.cat([context, padded], dim=-1))
        return [page_logits[:length] for page_logits, length in zip(logits, lengths)]


class PageTagger(nn.Module):
    """The mean of several :class:`LineGRU` taggers trained from consecutive seeds.

    Out of fold, one tagger's F1 swung by several points with its seed (README, "Results"), as the
    refiner's members do; the mean of a few is what can be relied on. They share the hashing, so
    a page is read once for all of them.
    """

    def __init__(self, spec: TaggerSpec = TaggerSpec(), members: int = 1) -> None:
        super().__init__()
        if members < 1:
            raise ValueError(f"a page tagger needs at least one member, got {members}")
        self.spec = spec
        self.members = nn.ModuleList(LineGRU(spec) for _ in range(members))
        self._text_vectorizer, self._shape_vectorizer = hashing_vectorizers(spec.max_ngram, spec.hash_bits, spec.shape_bits)

    def inputs(self, texts: Sequence[str]) -> tuple[list[int], PageInputs | None]:
        """The non-blank lines' indices and what the tagger reads of them (None for a page without any)."""
        indices = non_blank_lines(texts)
        if not indices:
            return indices, None
        lines = [LINE_START + texts[i].strip()[: self.spec.line_chars] + LINE_END for i in indices]
        hashed = sparse.hstack([self._text_vectorizer.transform(lines),
                                self._shape_vectorizer.transform([line_shape(line) for line in lines])]).tocsr()
        return indices, PageInputs(torch.from_numpy(hashed.indices.astype(np.int64)),
                                   torch.from_numpy(hashed.indptr[:-1].astype(np.int64)),
                                   torch.from_numpy(hashed.data.astype(np.float32)),
                                   layout_features(texts, indices))

    def forward(self, pages: Sequence[PageInputs]) -> list[torch.Tensor]:
        """Per page, the members' mean probabilities, of shape (lines, labels)."""
        per_member = [[logits.softmax(dim=-1) for logits in member(pages)] for member in self.members]
        return [torch.stack(page_probs).mean(dim=0) for page_probs in zip(*per_member)]

    @torch.inference_mode()
    def line_probabilities(self, pages: Sequence[Sequence[str]]) -> list[list[torch.Tensor | None]]:
        """Per page, each line's probabilities over LABELS (None for blank lines)."""
        self.eval()
        return score_in_batches([len(texts) for texts in pages], [self.inputs(texts) for texts in pages], self)

    @classmethod
    def fit(cls, pages: Sequence[Page], spec: TaggerSpec = TaggerSpec(), epochs: int = 8, seed: int = 0,
            learning_rate: float = 3e-3, members: int = 1) -> PageTagger:
        """Train on labelled pages; member k from seed + k, one page per step (AdamW), pages reshuffled each epoch."""
        tagger = cls(spec, members)
        examples = []
        for page in pages:
            indices, inputs = tagger.inputs(page.texts)
            if inputs is not None:
                examples.append((inputs, torch.tensor([LABEL_TO_ID[page.labels[i]] for i in indices])))
        if not examples:
            raise ValueError("the page tagger needs at least one labelled page with a non-blank line")
        tagger.members = nn.ModuleList(
            fit_page_by_page(lambda: LineGRU(spec), examples, lambda member, inputs: member([inputs])[0],
                             seed + k, epochs, learning_rate, weight_decay=0.0)
            for k in range(members))
        return tagger.eval()

    def save(self, model_dir: str | Path) -> None:
        # The embeddings, most of the file, in int8; the rest in float16.
        tensors = storable_state(self.state_dict(), int8_table=lambda name: name.endswith("embeddings.weight"))
        save_file(tensors, str(Path(model_dir) / TAGGER_WEIGHTS))
        (Path(model_dir) / TAGGER_WEIGHTS).chmod(new_file_mode())  # safetensors writes 0600
        config = {"spec": asdict(self.spec), "members": len(self.members),
                  "labels": list(LABELS), "layout_features": list(LAYOUT_FEATURES)}
        (Path(model_dir) / TAGGER_CONFIG).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, model_dir: str | Path) -> PageTagger | None:
        """The tagger saved in ``model_dir``, or None if the folder has none."""
        config_path = Path(model_dir) / TAGGER_CONFIG
        if not config_path.exists():
            return None
        config = json.loads(config_path.read_text(encoding="utf-8"))
        made_for = (config["labels"], config["layout_features"], "members" in config)
        if made_for != (list(LABELS), list(LAYOUT_FEATURES), True):
            raise ValueError(f"{config_path}: made for other labels or features than this version of boilerplate-ml")
        tagger = cls(TaggerSpec(**config["spec"]), config["members"])
        tagger.load_state_dict(loaded_state(load_file(str(Path(model_dir) / TAGGER_WEIGHTS))))
        return tagger.eval()
