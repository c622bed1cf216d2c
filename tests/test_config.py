"""Config validation: every mistake is reported before any work starts."""

from __future__ import annotations

import json

import pytest

from boilerplate_ml.config import ConfigError, config_of_model, config_to_dict, load_config


def _config(tmp_path, body: str):
    (tmp_path / "pages.jsonl").write_text("", encoding="utf-8")
    path = tmp_path / "c.yaml"
    path.write_text(body.replace("PAGES", str(tmp_path / "pages.jsonl")), encoding="utf-8")
    return path


GOOD = """
name: t
data:
  train: [{path: PAGES, validate: true}]
model:
  shape: {layers: 1, hidden: 32, heads: 2}
training: {epochs: 2, learning_rate: 1e-3}
"""


def test_good_config_loads_with_defaults(tmp_path):
    config = load_config(_config(tmp_path, GOOD))
    assert config.model.shape.layers == 1 and config.training.epochs == 2.0 and config.seed == 42
    assert config.model.windows.window_tokens == 256, "the default is the shipped model's window"


def test_the_config_saved_beside_a_model_reads_back_as_it_was(tmp_path):
    config = load_config(_config(tmp_path, GOOD))
    with pytest.raises(ConfigError, match="training_config.json not found"):
        config_of_model(tmp_path)
    (tmp_path / "training_config.json").write_text(json.dumps(config_to_dict(config)), encoding="utf-8")
    assert config_of_model(tmp_path) == config


@pytest.mark.parametrize(
    "change, message",
    [
        (("training: {", "training: {epoch: 3, "), "unknown key(s) ['epoch']"),
        (("shape: {", "shape: {depth: 3, "), "model.shape: unknown key(s) ['depth']"),
        (("name: t\n", ""), "missing key(s) ['name']"),
        (("training: {", "training: {weight_decay: -5, "), "training.weight_decay must not be negative"),
        (("epochs: 2", "epochs: two"), "training.epochs: expected float"),
        (("PAGES", "/no/such/pages.jsonl"), "data file not found: /no/such/pages.jsonl"),
        (("validate: true", "validate: false"), "nothing can score checkpoints on held-out sites"),
        (("model:\n", "model:\n  base: ./no-such-checkpoint\n"), "model.base folder not found"),
        (("training: {", "training: {average_from: 0.5, "), "needs select_best: false"),
        (("training: {", "training: {select_best: false, average_from: 1.0, "), "average_from must lie in [0, 1)"),
        (("training: {", "training: {select_best: false, average_from: 0.5, average_every: 0, "), "average_every must be at least 1"),
        (("training: {", "training: {batch_size: 0, "), "batch_size must be at least 1"),
        (("training: {", "training: {warmup_ratio: 3, "), "warmup_ratio must lie in [0, 1)"),
        (("epochs: 2", "epochs: -1"), "epochs must be positive"),
        (("training: {", "training: {max_steps: 0, "), "max_steps must be -1"),
        (("name: t\n", "name: t\nstages: {tagger: {epochs: 1, layers: 3}}\n"), "stages.tagger: unknown key(s) ['layers']"),
        (("name: t\n", "name: t\nstages: {crf: {}}\n"), "stages: unknown key(s) ['crf']"),
        (("name: t\n", "name: t\nstages: {refiner: {}}\n"), "refiner needs stages.ngrams"),
        (("name: t\n", "name: t\nstages: {ngrams: {}, refiner: {folds: 1}}\n"), "stages.refiner.folds must be at least 2"),
        (("name: t\n", "name: t\nstages: {tagger: {hash_bits: 30}}\n"), "stages.tagger.hash_bits must lie in [8, 24]"),
        (("name: t\n", "name: t\nstages: {tagger: {extra_pages: [/no/views.jsonl]}}\n"), "extra_pages: file not found: /no/views.jsonl"),
        (("validate: true", "validate: true, synthetic: true"), "synthetic pages cannot validate"),
        (("training: {", "training: {metric_for_best_model: line_f2, "), "'line_f2' is not one of"),
        (("validate: true", "validate: true, weight: -0.5"), "data.train[0].weight must be positive"),
        (("  train:", "  validation_fraction: 1.5\n  train:"), "data.validation_fraction must lie in (0, 1)"),
        (("shape: {", "windows: {line_tokens: 4, tail_tokens: 4}\n  shape: {"), "model.windows.tail_tokens must lie in [0, line_tokens)"),
        (("shape: {", "windows: {stride: 0}\n  shape: {"), "model.windows.stride must lie in (0, 1]"),
        (("shape: {", "windows: {window_tokens: 1024}\n  shape: {"), "window_tokens must not exceed shape.max_positions"),
        (("hidden: 32", "hidden: 33"), "model.shape.hidden must be a multiple of shape.heads"),
    ],
)
def test_mistakes_are_named(tmp_path, change, message):
    with pytest.raises(ConfigError) as caught:
        load_config(_config(tmp_path, GOOD.replace(*change)))
    assert message in str(caught.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "none.yaml")


def test_a_base_under_a_local_folder_is_a_path_and_a_hub_id_is_left_to_the_hub(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "models").mkdir()
    with pytest.raises(ConfigError, match="model.base folder not found: models/no-such-base"):
        load_config(_config(tmp_path, GOOD.replace("model:\n", "model:\n  base: models/no-such-base\n")))
    config = load_config(_config(tmp_path, GOOD.replace("model:\n", "model:\n  base: hfl/rbt3\n")))
    assert config.model.base == "hfl/rbt3"


def test_every_validation_metric_is_one_the_trainer_reports(tiny_model_dir):
    import numpy as np
    from transformers import AutoTokenizer, EvalPrediction

    from boilerplate_ml.config import VALIDATION_METRICS
    from boilerplate_ml.training import line_metrics

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    marker = tokenizer.convert_tokens_to_ids("[L3]")
    inputs = np.array([[tokenizer.cls_token_id, marker, 5, 6, tokenizer.sep_token_id]])
    labels = np.array([[-100, 0, 0, 0, -100]])
    probabilities = np.full((1, 5, 8), 1 / 8)
    scores = line_metrics(tokenizer)(EvalPrediction(predictions=probabilities, label_ids=labels, inputs=inputs))
    assert set(scores) == set(VALIDATION_METRICS)


def test_an_export_dir_holding_something_else_than_a_model_is_refused(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "notes.txt").write_text("not a model", encoding="utf-8")
    body = GOOD.replace("name: t\n", f"name: t\nexport_dir: {tmp_path / 'models'}\n")
    with pytest.raises(ConfigError, match="holds files but no model"):
        load_config(_config(tmp_path, body))


def test_a_file_that_is_not_yaml_is_named(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: t\ndata: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="broken.yaml: not valid YAML"):
        load_config(path)
