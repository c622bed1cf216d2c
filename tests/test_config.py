"""Config validation: every mistake is reported before any work starts."""

from __future__ import annotations

import pytest

from boilerplate_ml.config import ConfigError, load_config


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
    assert config.model.windows.window_tokens == 512


@pytest.mark.parametrize(
    "change, message",
    [
        (("training: {", "training: {epoch: 3, "), "unknown key(s) ['epoch']"),
        (("shape: {", "shape: {depth: 3, "), "model.shape: unknown key(s) ['depth']"),
        (("name: t\n", ""), "missing 1 required positional argument: 'name'"),
        (("epochs: 2", "epochs: two"), "training.epochs: expected float"),
        (("PAGES", "/no/such/pages.jsonl"), "data file not found: /no/such/pages.jsonl"),
        (("validate: true", "validate: false"), "nothing can pick the best epoch"),
        (("model:\n", "model:\n  base: ./no-such-checkpoint\n"), "model.base folder not found"),
        (("training: {", "training: {average_from: 0.5, "), "needs select_best: false"),
        (("training: {", "training: {select_best: false, average_from: 1.0, "), "average_from must lie in [0, 1)"),
        (("training: {", "training: {select_best: false, average_from: 0.5, average_every: 0, "), "average_every must be at least 1"),
    ],
)
def test_mistakes_are_named(tmp_path, change, message):
    with pytest.raises(ConfigError) as caught:
        load_config(_config(tmp_path, GOOD.replace(*change)))
    assert message in str(caught.value)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "none.yaml")
