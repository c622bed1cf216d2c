"""Which model folder is loaded when none is named: $BOILERPLATE_ML_MODEL, then the cache, then the packaged copy."""

from __future__ import annotations

from pathlib import Path

import pytest

from boilerplate_ml import model_location
from boilerplate_ml.model_location import MODEL_ENV_VAR, cache_model_dir, resolve_model_dir


def _model(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{}", encoding="utf-8")
    return folder


@pytest.fixture()
def places(tmp_path, monkeypatch) -> dict[str, Path]:
    """An empty cache and a packaged copy of our own, and no variable set."""
    monkeypatch.delenv(MODEL_ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    packaged = tmp_path / "site-packages" / "boilerplate_ml" / "models" / "bpml-zh-small"
    monkeypatch.setattr(model_location, "packaged_model_dirs", lambda: [packaged])
    return {"cache": tmp_path / "cache" / "boilerplate-ml" / "models" / "bpml-zh-small", "packaged": packaged}


def test_the_cache_follows_xdg_cache_home(places):
    assert cache_model_dir() == places["cache"]


def test_the_packaged_copy_is_the_last_resort(places):
    _model(places["packaged"])
    assert resolve_model_dir() == places["packaged"]


def test_a_model_in_the_cache_wins_over_the_packaged_copy(places):
    _model(places["packaged"])
    _model(places["cache"])
    assert resolve_model_dir() == places["cache"]


def test_the_variable_wins_over_the_cache_and_a_path_over_the_variable(places, tmp_path, monkeypatch):
    _model(places["cache"])
    monkeypatch.setenv(MODEL_ENV_VAR, str(_model(tmp_path / "mine")))
    assert resolve_model_dir() == tmp_path / "mine"
    assert resolve_model_dir(tmp_path / "other") == tmp_path / "other"


def test_a_variable_naming_no_folder_is_an_error_not_a_fallback(places, tmp_path, monkeypatch):
    _model(places["packaged"])
    monkeypatch.setenv(MODEL_ENV_VAR, str(tmp_path / "typo"))
    with pytest.raises(FileNotFoundError, match=f"{MODEL_ENV_VAR}={tmp_path / 'typo'}: model folder not found"):
        resolve_model_dir()


def test_no_model_anywhere_names_every_place_tried(places):
    places["cache"].mkdir(parents=True)  # a folder without a model in it does not count
    with pytest.raises(FileNotFoundError) as error:
        resolve_model_dir()
    message = str(error.value)
    assert MODEL_ENV_VAR in message and str(places["cache"]) in message and str(places["packaged"]) in message


def test_a_source_checkout_finds_the_repositorys_models_folder():
    repository_copy = Path(__file__).resolve().parents[1] / "models" / "bpml-zh-small"
    assert repository_copy in model_location.packaged_model_dirs()
