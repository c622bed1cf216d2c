"""Training configuration: YAML in, validated dataclasses out, before any work starts.

As in nanoGPT, every default sits here with its reason, and an unknown key is an error.
"""

from __future__ import annotations

from boilerplate_ml.extras import require_extra

require_extra("train", "training configs", "yaml")

import dataclasses
import json
import typing
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from boilerplate_ml.modeling import BertShape
from boilerplate_ml.windows import WindowSpec


class ConfigError(ValueError):
    """A config that cannot run; raised before any data is read or model built."""


@dataclass
class SourceConfig:
    """One file of labelled pages and how much it counts."""

    path: str
    #: Copies of each page per epoch; a fraction samples that share of pages (seeded).
    weight: float = 1.0
    #: Whether this source's sites may be held out for validation (real pages only, not synthetic).
    validate: bool = False
    #: What the pages are and how they were made, for the model card (a file name says too little).
    about: str = ""
    #: Generated pages: added to every fold model's training as they are, never scored out of fold
    #: for the refiner (it must learn from the first pass on real pages).
    synthetic: bool = False


@dataclass
class DataConfig:
    train: list[SourceConfig]
    #: Share of the validating sources' sites held out to score checkpoints; split by site.
    validation_fraction: float = 0.15
    #: Pages scored once at the end and reported in metrics.json and the card (never trained on).
    test: str | None = None


@dataclass
class ModelConfig:
    #: Hub id or folder of a BERT-family checkpoint; None builds our own from ``shape``.
    base: str | None = None
    shape: BertShape = field(default_factory=BertShape)
    #: Tokenizer size when we build our own: covers common Simplified and Traditional characters.
    #: A target: the WordPiece trainer keeps every character it saw, so it can come out larger.
    vocab_size: int = 8000
    windows: WindowSpec = field(default_factory=WindowSpec)


@dataclass
class TrainingConfig:
    epochs: float = 8
    batch_size: int = 16
    learning_rate: float = 3e-4
    weight_decay: float = 0.01
    #: Fraction of steps spent warming up the learning rate.
    warmup_ratio: float = 0.06
    #: The validation figure that picks the best checkpoint: content F1 per line, the acceptance measure.
    metric_for_best_model: str = "line_f1"
    #: Export the checkpoint that scored best on the validation sites (True) or the last one.
    #: With few validation sites the score swings more between checkpoints than training moves it.
    select_best: bool = True
    logging_steps: int = 50
    #: Evaluate (and checkpoint) every this many steps; None: at the end of each epoch.
    eval_steps: int | None = None
    #: Positive: stop after this many optimiser steps (smoke runs, equal-budget comparisons).
    max_steps: int = -1
    #: Export the mean of the weights taken every ``average_every`` steps from this share of training
    #: on (0.5: the second half), instead of one checkpoint. A late checkpoint's verdict on new sites
    #: swings with the batches just before it; the mean evens that out. None: no averaging.
    average_from: float | None = None
    average_every: int = 50


@dataclass
class NgramStageConfig:
    """The character n-gram model, fitted on the line classifier's training pages."""

    seed: int = 0


@dataclass
class RefinerStageConfig:
    """The page-level refiner, fitted on out-of-fold first passes.

    The real (not synthetic) training pages are split into ``folds`` by site; for each fold a
    first pass (line classifier and n-gram model, trained as the main one but on the other folds
    and the synthetic pages, for ``fold_max_steps``) scores the fold's pages, which it never saw.
    """

    folds: int = 2
    fold_max_steps: int = 1000
    #: Share of a fold model's sites held out for its validation (watched only: the fold model is not chosen by it).
    fold_validation_fraction: float = 0.05
    epochs: int = 10
    #: Members trained from seed, seed + 1, ... and averaged: one member's verdict swings with its seed.
    members: int = 3
    seed: int = 0


@dataclass
class TaggerStageConfig:
    """The page tagger, fitted on the labels of the line classifier's training pages."""

    epochs: int = 8
    #: Members from seed, seed + 1, ...; six of 2^16 buckets is what fits the 30 MB folder.
    members: int = 6
    seed: int = 0
    hash_bits: int = 16
    #: More labelled pages for the tagger alone (pages of validation sites left out); the shipped tagger has none.
    extra_pages: list[str] = field(default_factory=list)


@dataclass
class StagesConfig:
    """The stages after the line classifier that ``scripts/train.py`` builds, in the shipped order; absent ones are not built."""

    ngrams: NgramStageConfig | None = None
    refiner: RefinerStageConfig | None = None
    tagger: TaggerStageConfig | None = None


class ExportsModel:
    """Where a run's model goes; shared by fine-tuning and pretraining configs."""

    output_dir: str
    export_dir: str | None

    def export_path(self) -> Path:
        """The exported model's folder: ``export_dir``, or ``model`` inside ``output_dir``."""
        return Path(self.export_dir) if self.export_dir else Path(self.output_dir) / "model"


@dataclass
class Config(ExportsModel):
    name: str
    data: DataConfig
    model: ModelConfig = field(default_factory=ModelConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    stages: StagesConfig = field(default_factory=StagesConfig)
    seed: int = 42
    #: Checkpoints, logs and the built base go here (ignored by git).
    output_dir: str = "runs/default"
    #: Where the model is exported with its card and metrics; None keeps it in output_dir.
    export_dir: str | None = None


def build_dataclass(cls: type, raw: object, where: str) -> object:
    """Construct dataclass ``cls`` from plain YAML data, rejecting unknown or missing keys."""
    if dataclasses.is_dataclass(cls):
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: expected a mapping, got {type(raw).__name__}")
        hints = typing.get_type_hints(cls)
        fields = dataclasses.fields(cls)
        known = {f.name for f in fields}
        unknown = set(raw) - known
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(known)}")
        no_default = dataclasses.MISSING
        missing = [f.name for f in fields if f.default is no_default and f.default_factory is no_default and f.name not in raw]
        if missing:
            raise ConfigError(f"{where}: missing key(s) {missing}")
        kwargs = {key: build_dataclass(hints[key], value, f"{where}.{key}") for key, value in raw.items()}
        try:
            return cls(**kwargs)
        except TypeError as error:
            raise ConfigError(f"{where}: {error}") from None
    origin, args = typing.get_origin(cls), typing.get_args(cls)
    if origin is list:
        if not isinstance(raw, list):
            raise ConfigError(f"{where}: expected a list")
        return [build_dataclass(args[0], item, f"{where}[{i}]") for i, item in enumerate(raw)]
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        if raw is None and type(None) in args:
            return None
        return build_dataclass(next(a for a in args if a is not type(None)), raw, where)
    if cls is float and isinstance(raw, (int, str)) and not isinstance(raw, bool):
        # PyYAML reads 1e-3 (no dot) as a string; accept any number spelled as one.
        try:
            return float(raw)
        except ValueError:
            raise ConfigError(f"{where}: expected float, got {raw!r}") from None
    if not isinstance(raw, cls) or (cls is int and isinstance(raw, bool)):
        raise ConfigError(f"{where}: expected {cls.__name__}, got {raw!r}")
    return raw


def read_yaml_config(cls: type, path: Path) -> tuple[dict, object]:
    """The YAML mapping of ``path`` and the dataclass ``cls`` built from it (types and keys checked)."""
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    with open(path, encoding="utf-8") as handle:
        try:
            raw = yaml.safe_load(handle)
        except yaml.YAMLError as error:
            raise ConfigError(f"{path}: not valid YAML ({error})") from None
    return raw, build_dataclass(cls, raw, path.name)


def load_config(path: str | Path) -> Config:
    """Read and validate a YAML config; relative data paths are resolved against the current directory."""
    _, config = read_yaml_config(Config, Path(path))
    check_data(config.data)
    check_windows_and_shape(config.model.windows, config.model.shape if config.model.base is None else None, "model.")
    check_training(config.training)
    check_stages(config)
    check_paths(config)
    return config


def check_stages(config: Config) -> None:
    """Stage settings in range, and a refiner that has what it needs: n-grams before it and real pages to fold."""
    stages = config.stages
    if stages.refiner is not None:
        refiner = stages.refiner
        check_rules([
            (stages.ngrams is not None, "refiner needs stages.ngrams: it learns from the first pass, line classifier and n-grams"),
            (refiner.folds >= 2, "refiner.folds must be at least 2"),
            (refiner.fold_max_steps >= 1, "refiner.fold_max_steps must be at least 1"),
            (0.0 < refiner.fold_validation_fraction < 1.0, "refiner.fold_validation_fraction must lie in (0, 1)"),
            (min(refiner.epochs, refiner.members) >= 1, "refiner.epochs and refiner.members must be at least 1"),
            (any(not source.synthetic for source in config.data.train), "refiner needs a data.train source that is not synthetic"),
        ], "stages.")
    if stages.tagger is not None:
        tagger = stages.tagger
        check_rules([
            (min(tagger.epochs, tagger.members) >= 1, "tagger.epochs and tagger.members must be at least 1"),
            (8 <= tagger.hash_bits <= 24, "tagger.hash_bits must lie in [8, 24]"),
        ], "stages.")
        for path in tagger.extra_pages:
            if not Path(path).is_file():
                raise ConfigError(f"stages.tagger.extra_pages: file not found: {path}")


#: What the Trainer's evaluation on the validation sites reports (``training.line_metrics``).
VALIDATION_METRICS = ("line_f1", "line_precision", "line_recall", "accuracy")


def check_rules(rules: list[tuple[bool, str]], prefix: str) -> None:
    """Raise on the first rule that does not hold, its text prefixed with where it applies."""
    for holds, rule in rules:
        if not holds:
            raise ConfigError(f"{prefix}{rule}")


def check_windows_and_shape(windows: WindowSpec, shape: BertShape | None, prefix: str) -> None:
    """Windows that can hold a line; a shape (when we build the base) that BERT can be built in."""
    check_rules([
        (windows.line_tokens >= 1, "windows.line_tokens must be at least 1"),
        (0 <= windows.tail_tokens < windows.line_tokens, "windows.tail_tokens must lie in [0, line_tokens)"),
        (windows.window_tokens >= windows.line_tokens + 3,
         "windows.window_tokens must hold one line with its marker, [CLS] and [SEP]: at least line_tokens + 3"),
        (0.0 < windows.stride <= 1.0, "windows.stride must lie in (0, 1]"),
    ], prefix)
    if shape is not None:
        check_rules([
            (min(shape.layers, shape.hidden, shape.heads) >= 1, "shape: layers, hidden and heads must be at least 1"),
            (shape.hidden % shape.heads == 0, "shape.hidden must be a multiple of shape.heads"),
            (windows.window_tokens <= shape.max_positions, "windows.window_tokens must not exceed shape.max_positions"),
        ], prefix)


def check_data(data: DataConfig) -> None:
    check_rules(
        [(source.weight > 0, f"train[{i}].weight must be positive") for i, source in enumerate(data.train)]
        + [(not (source.synthetic and source.validate), f"train[{i}]: synthetic pages cannot validate (held-out sites must be real)")
           for i, source in enumerate(data.train)]
        + [(0.0 < data.validation_fraction < 1.0, "validation_fraction must lie in (0, 1)")],
        "data.",
    )


def optimiser_rules(batch_size: int, learning_rate: float, warmup_ratio: float, weight_decay: float) -> list[tuple[bool, str]]:
    """The ranges that fine-tuning and pretraining share."""
    return [
        (batch_size >= 1, "batch_size must be at least 1"),
        (learning_rate > 0, "learning_rate must be positive"),
        (0.0 <= warmup_ratio < 1.0, "warmup_ratio must lie in [0, 1)"),
        (weight_decay >= 0, "weight_decay must not be negative"),
    ]


def check_training(training: TrainingConfig) -> None:
    """Values out of range, settings that contradict each other, averaging over an empty stretch."""
    check_rules([
        *optimiser_rules(training.batch_size, training.learning_rate, training.warmup_ratio, training.weight_decay),
        (training.max_steps == -1 or training.max_steps >= 1, "max_steps must be -1 (use epochs) or at least 1"),
        (training.max_steps >= 1 or training.epochs > 0, "epochs must be positive when max_steps is -1"),
        (training.eval_steps is None or training.eval_steps >= 1, "eval_steps must be at least 1 (or null: each epoch)"),
        (training.logging_steps >= 1, "logging_steps must be at least 1"),
        (training.metric_for_best_model in VALIDATION_METRICS,
         f"metric_for_best_model {training.metric_for_best_model!r} is not one of {list(VALIDATION_METRICS)}"),
    ], "training.")
    if training.average_from is not None:
        check_rules([
            (0.0 <= training.average_from < 1.0, f"average_from must lie in [0, 1), got {training.average_from}"),
            (training.average_every >= 1, f"average_every must be at least 1, got {training.average_every}"),
            (not training.select_best, "average_from exports averaged weights, so it needs select_best: false"),
        ], "training.")


def check_paths(config: Config) -> None:
    """Fail early on missing data files or a base folder that is not there."""
    files = [source.path for source in config.data.train] + ([config.data.test] if config.data.test else [])
    for file in files:
        if not Path(file).is_file():
            raise ConfigError(f"data file not found: {file}")
    if not config.data.train:
        raise ConfigError("data.train lists no source")
    if not any(source.validate for source in config.data.train):
        raise ConfigError("no data.train source has validate: true, so nothing can score checkpoints on held-out sites")
    check_checkpoint_folder(config.model.base, "model.base")
    check_export_folder(config.export_path())


def check_export_folder(export: Path) -> None:
    """The export replaces its folder whole, so that folder must be empty, absent or a model already."""
    if export.is_dir() and any(export.iterdir()) and not (export / "config.json").is_file():
        raise ConfigError(f"export_dir {export} holds files but no model (config.json); training would replace them")


def check_checkpoint_folder(checkpoint: str | None, key: str) -> None:
    """A checkpoint named by a path must be a folder that exists; a hub id is left to the hub.

    ``models/bpml-base-zh`` and ``hfl/rbt3`` look alike: a name under a local folder (``models``)
    is a path, since the hub would not be asked for it anyway.
    """
    if checkpoint is None:
        return
    path = Path(checkpoint).expanduser()
    under_local_folder = path.parent != Path(".") and path.parent.is_dir()
    looks_local = checkpoint.startswith((".", "/", "~")) or checkpoint.count("/") > 1 or under_local_folder
    if (looks_local or path.exists()) and not path.is_dir():
        raise ConfigError(f"{key} folder not found: {checkpoint}")


def config_to_dict(config: Config) -> dict:
    return dataclasses.asdict(config)


def config_of_model(model_dir: str | Path) -> Config:
    """The config a model folder was trained with (its training_config.json), checked as a YAML config is."""
    path = Path(model_dir) / "training_config.json"
    if not path.is_file():
        raise ConfigError(f"{path} not found: not a folder exported by scripts/train.py")
    return build_dataclass(Config, json.loads(path.read_text(encoding="utf-8")), str(path))
