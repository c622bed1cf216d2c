"""scripts/train.py builds every stage from one config, replaces the export only at the end, and resumes after a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import boilerplate_ml.recipe as recipe
from boilerplate_ml.config import Config, ConfigError, load_config, read_yaml_config
from boilerplate_ml.pages import read_pages, write_pages
from boilerplate_ml.pipeline import SHIPPED_ORDER, read_pipeline
from boilerplate_ml.predictor import Predictor
from conftest import load_script
from sample_data import generated_pages

TINY_STAGES = """
stages:
  ngrams: {seed: 0}
  refiner: {folds: 2, fold_max_steps: 2, fold_validation_fraction: 0.3, epochs: 1, members: 1}
  tagger: {epochs: 1, members: 1, hash_bits: 8}
"""


def _recipe(tmp_path) -> str:
    """Real-looking pages of many sites, generated pages beside them, a tiny model built from scratch, every stage."""
    pages = generated_pages(30, seed=3)
    write_pages(pages[:20], tmp_path / "train.jsonl")
    write_pages(pages[20:24], tmp_path / "synth.jsonl")
    write_pages(pages[24:], tmp_path / "test.jsonl")
    path = tmp_path / "recipe.yaml"
    path.write_text(f"""
name: tiny
seed: 1
output_dir: {tmp_path}/run
export_dir: {tmp_path}/model
data:
  train:
    - {{path: {tmp_path}/train.jsonl, validate: true}}
    - {{path: {tmp_path}/synth.jsonl, weight: 0.5, synthetic: true}}
  validation_fraction: 0.3
  test: {tmp_path}/test.jsonl
model:
  base: null
  shape: {{layers: 1, hidden: 32, heads: 2, intermediate: 64, max_positions: 64}}
  vocab_size: 600
  windows: {{line_tokens: 8, tail_tokens: 2, window_tokens: 64, stride: 0.5}}
training: {{max_steps: 2, eval_steps: 2, batch_size: 8, logging_steps: 1, select_best: false}}
""" + TINY_STAGES, encoding="utf-8")
    return str(path)


def test_one_command_builds_every_stage_then_a_crash_leaves_the_old_model_and_resume_finishes(tmp_path, monkeypatch, capsys):
    config = _recipe(tmp_path)
    train_main = load_script("train").main
    assert train_main(["--config", config]) == 0
    model_dir = tmp_path / "model"
    assert read_pipeline(model_dir) == list(SHIPPED_ORDER)
    predictor = Predictor.from_pretrained(model_dir, device="cpu")
    assert predictor.ngrams and predictor.refiner and predictor.tagger
    metrics = json.loads((model_dir / "metrics.json").read_text())
    assert {"test", "ngrams", "refiner", "tagger"} <= set(metrics)
    assert [fold for fold, _ in metrics["refiner"]["folds"]] == [f"{tmp_path}/run/fold{k}/model" for k in range(2)]
    assert read_pipeline(tmp_path / "run" / "fold0" / "model") == ["line_classifier", "ngrams"], "each fold's first pass has its n-grams"
    card = (model_dir / "README.md").read_text()
    assert all(section in card for section in ("## Character n-gram model", "## Page-level refiner", "## Page tagger"))
    assert not (tmp_path / "run" / "model.building").exists() and not (tmp_path / "run" / "build_state.json").exists()
    fold_pages = {page.id for k in range(2) for page in _pages(tmp_path / "run" / "folds" / f"fold{k}_heldout.jsonl")}
    assert fold_pages == {page.id for page in _pages(tmp_path / "train.jsonl")}, "every real page scored out of fold, no generated one"

    # A crash in the last stage: the previous model stays whole; --resume runs only what was left.
    first_weights = (model_dir / "model.safetensors").read_bytes()
    monkeypatch.setattr(recipe, "train_tagger_stage", _raise)
    with pytest.raises(RuntimeError, match="stage crashed"):
        train_main(["--config", config])
    assert (model_dir / "model.safetensors").read_bytes() == first_weights and (model_dir / "tagger.safetensors").is_file()
    done = json.loads((tmp_path / "run" / "build_state.json").read_text())["done"]
    assert done == ["line_classifier", "ngrams", "site_folds", "fold0", "fold1", "refiner"]

    monkeypatch.undo()
    monkeypatch.setattr(recipe, "train", _raise)  # no line classifier is trained again
    monkeypatch.setattr(recipe, "train_ngram_stage", _raise)
    assert train_main(["--config", config, "--resume"]) == 0
    assert (model_dir / "model.safetensors").read_bytes() != first_weights, "the new build replaced the old one"
    assert read_pipeline(model_dir) == list(SHIPPED_ORDER)
    assert "tagger" in json.loads((model_dir / "metrics.json").read_text())


def test_resume_refuses_a_changed_config_and_a_build_that_never_started(tmp_path, capsys):
    config = _recipe(tmp_path)
    with pytest.raises(ConfigError, match="build_state.json not found"):
        recipe.build_model(load_config(config), resume=True)
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "build_state.json").write_text(json.dumps({"config": {"name": "other"}, "done": ["line_classifier"]}))
    assert load_script("train").main(["--config", config, "--resume"]) == 2
    assert "the config differs from the one the interrupted build" in capsys.readouterr().err


def test_the_shipped_recipe_names_every_stage():
    _, config = read_yaml_config(Config, Path(__file__).resolve().parents[1] / "configs" / "bpml-zh-small.yaml")
    assert config.stages.ngrams and config.stages.refiner and config.stages.tagger
    assert [source.synthetic for source in config.data.train] == [False, False, False, True]


def _pages(path):
    return list(read_pages(path))


def _raise(*args, **kwargs):
    raise RuntimeError("stage crashed")
