"""A page-level second pass over the line classifier's probabilities.

The window model sees about twenty lines. Some decisions need the whole page: a 500-line price
list inside an article looks like a menu from the middle of it, and a feed of teasers after a
blog post reads like the post. The refiner is a small bidirectional GRU that runs over every
non-blank line of a page, reading the first pass's label probabilities plus a few layout
features, and outputs new probabilities. It must be trained on *out-of-fold* first-pass
predictions (pages the first pass never trained on), or it learns to trust over-confident
scores; ``recipe.build_model`` (``scripts/train.py``) does that.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import torch
from safetensors.numpy import load_file, save_file
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

from boilerplate_ml.jsonl import new_file_mode
from boilerplate_ml.labels import LABELS, LABEL_TO_ID
from boilerplate_ml.page_models import LAYOUT_FEATURES, fit_page_by_page, layout_features, score_in_batches
from boilerplate_ml.quantization import loaded_state, storable_state

REFINER_WEIGHTS = "refiner.safetensors"
REFINER_CONFIG = "refiner.json"


def line_features(texts: Sequence[str], probs: Sequence[torch.Tensor | None]) -> tuple[list[int], torch.Tensor]:
    """Indices of the scored (non-blank) lines and one feature row for each: probabilities, then layout."""
    indices = [i for i, p in enumerate(probs) if p is not None]
    scored = torch.stack([probs[i] for i in indices]).float() if indices else torch.zeros(0, len(LABELS))
    return indices, torch.cat([scored, layout_features(texts, indices)], dim=1)


class BiGRUTagger(nn.Module):
    """BiGRU over a page's line features; a skip connection lets it keep the first pass where that is right."""

    def __init__(self, hidden: int, layers: int) -> None:
        super().__init__()
        self.hidden, self.layers = hidden, layers
        features = len(LABELS) + len(LAYOUT_FEATURES)
        self.project = nn.Linear(features, hidden)
        self.gru = nn.GRU(hidden, hidden, num_layers=layers, batch_first=True, bidirectional=True,
                          dropout=0.1 if layers > 1 else 0.0)
        self.classify = nn.Linear(2 * hidden + features, len(LABELS))

    def forward(self, features: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """Logits for ``features`` of shape (pages, lines, features); ``lengths``: each page's lines, when padded.

        Padded pages are packed, so that the backward direction starts at a page's own last line
        and a page scores the same alone or in a batch.
        """
        projected = torch.relu(self.project(features))
        if lengths is None:
            states, _ = self.gru(projected)
        else:
            packed = pack_padded_sequence(projected, lengths, batch_first=True, enforce_sorted=False)
            states, _ = pad_packed_sequence(self.gru(packed)[0], batch_first=True, total_length=features.shape[1])
        return self.classify(torch.cat([states, features], dim=-1))


class PageRefiner(nn.Module):
    """The mean of several BiGRU taggers trained from different seeds.

    Trained on a few hundred pages, one tagger's verdict on a new site swings by several F1
    points with its seed; averaging the members' probabilities evens that out at little cost
    (the taggers are tiny next to the line classifier).
    """

    def __init__(self, members: Sequence[BiGRUTagger]) -> None:
        super().__init__()
        if not members or len({(m.hidden, m.layers) for m in members}) != 1:
            raise ValueError("a refiner needs at least one tagger, all of one shape")
        self.members = nn.ModuleList(members)

    @property
    def hidden(self) -> int:
        return self.members[0].hidden

    @property
    def layers(self) -> int:
        return self.members[0].layers

    @classmethod
    def untrained(cls, hidden: int = 64, layers: int = 2, members: int = 1) -> PageRefiner:
        """Randomly initialised members: the shape that saved weights are loaded into."""
        return cls([BiGRUTagger(hidden, layers) for _ in range(members)])

    def forward(self, features: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """Mean probabilities over the members for ``features`` of shape (pages, lines, features)."""
        return torch.stack([member(features, lengths).softmax(dim=-1) for member in self.members]).mean(dim=0)

    def refine(self, texts: Sequence[str], probs: Sequence[torch.Tensor | None]) -> list[torch.Tensor | None]:
        """New probabilities for one page's lines (None stays None for blank lines)."""
        return self.refine_batch([(texts, probs)])[0]

    @torch.inference_mode()
    def refine_batch(
        self, pages: Sequence[tuple[Sequence[str], Sequence[torch.Tensor | None]]]
    ) -> list[list[torch.Tensor | None]]:
        """:meth:`refine` for many pages, in padded batches of pages of similar length.

        Many small pages cost a call per batch, not per page; sorting by length keeps padding small.
        """
        featured = [line_features(texts, probs) for texts, probs in pages]
        return score_in_batches([len(probs) for _, probs in pages], featured, self._score_padded)

    def _score_padded(self, features: list[torch.Tensor]) -> list[torch.Tensor]:
        lengths = torch.tensor([len(page) for page in features])
        probs = self(pad_sequence(features, batch_first=True), lengths)
        return [page_probs[:length] for page_probs, length in zip(probs, lengths)]

    def save(self, model_dir: str | Path) -> None:
        # float16 halves the file; probabilities move by about 1e-3.
        save_file(storable_state(self.state_dict()), str(Path(model_dir) / REFINER_WEIGHTS))
        (Path(model_dir) / REFINER_WEIGHTS).chmod(new_file_mode())  # safetensors writes 0600
        config = {"hidden": self.hidden, "layers": self.layers, "members": len(self.members),
                  "labels": list(LABELS), "layout_features": list(LAYOUT_FEATURES)}
        (Path(model_dir) / REFINER_CONFIG).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, model_dir: str | Path) -> PageRefiner | None:
        """The refiner saved in ``model_dir``, or None if the model has none."""
        config_path = Path(model_dir) / REFINER_CONFIG
        if not config_path.exists():
            return None
        config = json.loads(config_path.read_text(encoding="utf-8"))
        if config["labels"] != list(LABELS) or config["layout_features"] != list(LAYOUT_FEATURES):
            raise ValueError(f"{config_path}: made for other labels or features than this version of boilerplate-ml")
        refiner = cls.untrained(config["hidden"], config["layers"], config["members"])
        refiner.load_state_dict(loaded_state(load_file(str(Path(model_dir) / REFINER_WEIGHTS))))
        return refiner.eval()


def train_refiner(
    pages: Sequence[tuple[Sequence[str], Sequence[str | None], Sequence[torch.Tensor | None]]],
    epochs: int = 10,
    seed: int = 0,
    hidden: int = 64,
    learning_rate: float = 2e-3,
    members: int = 1,
    layers: int = 2,
) -> PageRefiner:
    """Fit on (texts, gold labels, out-of-fold probabilities) per page, one page per step; member k uses seed + k."""
    examples = []
    for texts, labels, probs in pages:
        indices, features = line_features(texts, probs)
        if indices:
            examples.append((features, torch.tensor([LABEL_TO_ID[labels[i]] for i in indices])))
    taggers = [fit_page_by_page(lambda: BiGRUTagger(hidden, layers), examples, lambda tagger, features: tagger(features[None])[0],
                                seed + k, epochs, learning_rate, weight_decay=0.01) for k in range(members)]
    return PageRefiner(taggers).eval()


