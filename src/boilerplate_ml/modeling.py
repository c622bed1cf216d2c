"""Base checkpoints in, line classifiers out: one path for hub ids, local folders and our own BERT.

A checkpoint we build ourselves (:func:`create_base_checkpoint`) is written to disk in the
Hugging Face format first and then loaded exactly like ``hfl/rbt3`` would be, so the
fine-tuning code never knows which kind of base it got.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import (
    AutoModelForTokenClassification,
    AutoTokenizer,
    BertConfig,
    BertForMaskedLM,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)
from transformers.utils import logging as transformers_logging

from boilerplate_ml.jsonl import new_file_mode
from boilerplate_ml.labels import LABEL_TO_ID, LABELS
from boilerplate_ml.tokenizer import train_wordpiece_tokenizer
from boilerplate_ml.windows import WindowSpec, add_line_markers

#: Name of the config attribute that carries the :class:`WindowSpec` inside ``config.json``.
WINDOW_SPEC_KEY = "line_windows"


@dataclass(frozen=True)
class BertShape:
    """The size of a BERT we initialise ourselves."""

    layers: int = 4
    hidden: int = 256
    heads: int = 4
    intermediate: int | None = None  # None: 4 × hidden, as in BERT
    max_positions: int = 512

    def to_config(self, vocab_size: int, pad_token_id: int) -> BertConfig:
        return BertConfig(
            vocab_size=vocab_size,
            hidden_size=self.hidden,
            num_hidden_layers=self.layers,
            num_attention_heads=self.heads,
            intermediate_size=self.intermediate or 4 * self.hidden,
            max_position_embeddings=self.max_positions,
            pad_token_id=pad_token_id,
        )


def create_base_checkpoint(
    texts: Iterable[str], shape: BertShape, vocab_size: int, output_dir: str | Path, seed: int = 0
) -> Path:
    """Train a tokenizer on ``texts``, initialise a BERT of ``shape`` and save both as a checkpoint."""
    torch.manual_seed(seed)
    tokenizer = train_wordpiece_tokenizer(texts, vocab_size=vocab_size)
    model = BertForMaskedLM(shape.to_config(len(tokenizer), tokenizer.pad_token_id))
    output_dir = Path(output_dir)
    tokenizer.save_pretrained(output_dir)
    model.save_pretrained(output_dir)
    return output_dir


def load_for_line_classification(
    base: str | Path, spec: WindowSpec
) -> tuple[PreTrainedTokenizerBase, PreTrainedModel]:
    """Load any BERT-family checkpoint (hub id or folder) with a fresh 8-way token-classification head."""
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    model = AutoModelForTokenClassification.from_pretrained(
        str(base),
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id=dict(LABEL_TO_ID),
    )
    if add_line_markers(tokenizer):
        model.resize_token_embeddings(len(tokenizer))
    setattr(model.config, WINDOW_SPEC_KEY, spec.to_dict())
    return tokenizer, model


def load_line_classifier(path: str | Path) -> tuple[PreTrainedTokenizerBase, PreTrainedModel, WindowSpec]:
    """Load a fine-tuned line classifier and the window spec it was trained with."""
    with quiet_transformers():
        tokenizer = AutoTokenizer.from_pretrained(str(path))
        # Weights are stored in float16 (half the download) and computed in float32, which CPUs run fastest.
        model = AutoModelForTokenClassification.from_pretrained(str(path), dtype=torch.float32)
    spec_dict = getattr(model.config, WINDOW_SPEC_KEY, None)
    if spec_dict is None:
        raise ValueError(f"{path} is not a boilerplate-ml line classifier (config.json has no {WINDOW_SPEC_KEY!r})")
    if list(model.config.id2label.values()) != list(LABELS):
        raise ValueError(f"{path} predicts labels {list(model.config.id2label.values())}, not {list(LABELS)}")
    return tokenizer, model, WindowSpec(**spec_dict)


@contextmanager
def quiet_transformers() -> Iterator[None]:
    """Silence transformers' weight-loading bar and warnings for a load, then restore the caller's settings.

    Loading a finished model is not news to the user of the API or the CLI; a library that
    changed transformers' global verbosity for good would be a rude neighbour.
    """
    verbosity, bar = transformers_logging.get_verbosity(), transformers_logging.is_progress_bar_enabled()
    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()
    try:
        yield
    finally:
        transformers_logging.set_verbosity(verbosity)
        if bar:
            transformers_logging.enable_progress_bar()


@contextmanager
def staged_export(target: Path) -> Iterator[Path]:
    """A hidden sibling folder to write a model into; it replaces ``target`` only when the block completes.

    A run that fails late leaves the previous model whole and no half-written folder beside it;
    files of an older model (a stale refiner) do not survive a successful one.
    """
    staging = target.with_name(f".{target.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    replace_folder(target, staging)


def replace_folder(target: Path, finished: Path) -> None:
    """Put the folder ``finished`` where ``target`` is, whole: the old ``target`` is removed only once the new one is in place."""
    readable = new_file_mode()  # safetensors writes weights 0600, unreadable to other users
    for file in finished.rglob("*"):
        if file.is_file():
            file.chmod(readable)
    retired = target.with_name(f".{target.name}.old")
    shutil.rmtree(retired, ignore_errors=True)
    if target.exists():
        target.rename(retired)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(finished), str(target))  # a rename on one file system, a copy across two
    shutil.rmtree(retired, ignore_errors=True)
