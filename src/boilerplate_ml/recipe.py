"""One config in, the whole model folder out: every stage in the shipped order, resumable stage by stage.

The order: the line classifier, its n-gram model, a first pass per site fold (for the refiner's
out-of-fold scores), the refiner, the page tagger. Everything is built in ``output_dir``; the
export folder is replaced only when the last stage is done, so a run that fails leaves the
previous model whole. ``build_state.json`` in ``output_dir`` records the stages done and the
config they were done with; ``resume`` skips those and refuses a config that has changed.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from boilerplate_ml.config import Config, ConfigError, DataConfig, SourceConfig, StagesConfig, config_to_dict
from boilerplate_ml.dataset import site_fold
from boilerplate_ml.modeling import replace_folder
from boilerplate_ml.pages import read_pages, site_of, write_pages
from boilerplate_ml.stage_training import train_ngram_stage, train_refiner_stage, train_tagger_stage
from boilerplate_ml.training import train

logger = logging.getLogger(__name__)

STATE_FILE = "build_state.json"


def build_model(config: Config, resume: bool = False) -> Path:
    """Build every stage the config names into ``output_dir``, then put the folder at the export path."""
    work = Path(config.output_dir)
    building = work / "model.building"
    state_path = work / STATE_FILE
    recorded = json.loads(json.dumps(config_to_dict(config)))  # as it reads back from the file
    if resume:
        if not state_path.is_file():
            raise ConfigError(f"--resume: {state_path} not found: no interrupted build of this config in {work}")
        state = json.loads(state_path.read_text(encoding="utf-8"))
        if state["config"] != recorded:
            raise ConfigError(f"--resume: the config differs from the one the interrupted build in {work} used; "
                              "run without --resume to build afresh")
    else:
        state = {"config": recorded, "done": []}
        shutil.rmtree(building, ignore_errors=True)
        work.mkdir(parents=True, exist_ok=True)
    for name, step in build_steps(config, building):
        if name in state["done"]:
            logger.info("stage %s: done in the interrupted build, skipped", name)
            continue
        logger.info("stage %s", name)
        step()
        state["done"].append(name)
        state_path.write_text(json.dumps(state, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    export = config.export_path()
    replace_folder(export, building)
    state_path.unlink()
    return export


def build_steps(config: Config, building: Path) -> list[tuple[str, Callable[[], object]]]:
    """The stages to run, in order, each a name (as build_state.json records it) and what runs it."""
    stages = config.stages
    test = Path(config.data.test) if config.data.test else None
    steps: list[tuple[str, Callable[[], object]]] = [("line_classifier", lambda: train(config, export_dir=building))]
    if stages.ngrams is not None:
        steps.append(("ngrams", lambda: train_ngram_stage(building, test, seed=stages.ngrams.seed)))
    if stages.refiner is not None:
        refiner = stages.refiner
        work = Path(config.output_dir)
        folds = [(work / f"fold{k}" / "model", work / "folds" / f"fold{k}_heldout.jsonl") for k in range(refiner.folds)]
        steps.append(("site_folds", lambda: write_site_folds(config, work / "folds")))
        for k in range(refiner.folds):
            steps.append((f"fold{k}", lambda k=k: train_fold_model(config, k, work)))
        steps.append(("refiner", lambda: train_refiner_stage(building, folds, test, epochs=refiner.epochs,
                                                             seed=refiner.seed, members=refiner.members)))
    if stages.tagger is not None:
        tagger = stages.tagger
        steps.append(("tagger", lambda: train_tagger_stage(
            building, test, epochs=tagger.epochs, seed=tagger.seed, members=tagger.members,
            hash_bits=tagger.hash_bits, extra_pages=tuple(Path(path) for path in tagger.extra_pages))))
    return steps


def write_site_folds(config: Config, folds_dir: Path) -> None:
    """Every page of the real (not synthetic) sources, split by site into ``fold<k>_train`` and ``fold<k>_heldout``."""
    count = config.stages.refiner.folds
    pages = [page for source in config.data.train if not source.synthetic for page in read_pages(source.path)]
    folds = [site_fold(site_of(page), count) for page in pages]
    folds_dir.mkdir(parents=True, exist_ok=True)
    for k in range(count):
        write_pages([page for page, fold in zip(pages, folds) if fold != k], folds_dir / f"fold{k}_train.jsonl")
        write_pages([page for page, fold in zip(pages, folds) if fold == k], folds_dir / f"fold{k}_heldout.jsonl")


def fold_config(config: Config, k: int, work: Path) -> Config:
    """The main recipe for a first pass trained without fold ``k``'s sites (and evaluated once, at its end)."""
    refiner = config.stages.refiner
    sources = [SourceConfig(path=str(work / "folds" / f"fold{k}_train.jsonl"), validate=True,
                            about=f"real training pages outside site fold {k}")]
    sources += [source for source in config.data.train if source.synthetic]
    return dataclasses.replace(
        config, name=f"{config.name}-fold{k}", output_dir=str(work / f"fold{k}"), export_dir=str(work / f"fold{k}" / "model"),
        data=DataConfig(train=sources, validation_fraction=refiner.fold_validation_fraction, test=None),
        training=dataclasses.replace(config.training, max_steps=refiner.fold_max_steps, eval_steps=refiner.fold_max_steps),
        stages=StagesConfig(),
    )


def train_fold_model(config: Config, k: int, work: Path) -> None:
    """Fold ``k``'s first pass: a line classifier and its n-gram model, as the main model's but without the fold's sites."""
    model_dir = train(fold_config(config, k, work))
    train_ngram_stage(model_dir, seed=config.stages.ngrams.seed)
