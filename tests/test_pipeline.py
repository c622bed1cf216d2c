"""A model folder's pipeline.json decides which stages run and in which order; files it does not list are not run."""

from __future__ import annotations

import json
import shutil

import pytest
import torch

from boilerplate_ml.ngrams import NgramLineModel, NgramSpec
from boilerplate_ml.page_models import average_probabilities
from boilerplate_ml.pipeline import PIPELINE_FILE, SHIPPED_ORDER, add_stage, read_pipeline, write_pipeline
from boilerplate_ml.predictor import Predictor
from boilerplate_ml.refiner import PageRefiner
from sample_data import generated_pages

SMALL = NgramSpec(hash_bits=10, shape_bits=6)


@pytest.fixture()
def staged_dir(tiny_model_dir, tmp_path):
    """The tiny line classifier with an n-gram model and a refiner beside it, and no manifest yet."""
    model_dir = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model_dir)
    NgramLineModel.fit(generated_pages(8, seed=4), SMALL).save(model_dir)
    torch.manual_seed(0)
    PageRefiner.untrained(hidden=8, layers=1).save(model_dir)
    return model_dir


def _close(got, expected) -> bool:
    return all((a is None and b is None) or torch.allclose(a, b, atol=1e-6) for a, b in zip(got, expected))


def test_the_stages_run_in_the_order_the_manifest_lists(staged_dir):
    page = generated_pages(1, seed=5)[0]
    write_pipeline(staged_dir, ["line_classifier"])
    alone = Predictor.from_pretrained(staged_dir, device="cpu")
    assert alone.ngrams is None and alone.refiner is None, "files the manifest does not list are not loaded"
    first = alone.line_probabilities([page.text])[0]

    write_pipeline(staged_dir, ["line_classifier", "ngrams", "refiner"])
    shipped_order = Predictor.from_pretrained(staged_dir, device="cpu")
    ngrams, refiner = shipped_order.ngrams, shipped_order.refiner
    averaged = average_probabilities([first], ngrams.line_probabilities([page.texts]))[0]
    assert _close(shipped_order.line_probabilities([page.text])[0], refiner.refine(page.texts, averaged))

    write_pipeline(staged_dir, ["line_classifier", "refiner", "ngrams"])
    other_order = Predictor.from_pretrained(staged_dir, device="cpu")
    refined_first = average_probabilities([refiner.refine(page.texts, first)], ngrams.line_probabilities([page.texts]))[0]
    assert _close(other_order.line_probabilities([page.text])[0], refined_first)
    assert not _close(refined_first, refiner.refine(page.texts, averaged)), "the two orders differ, so the test can tell them apart"


def test_a_listed_stage_without_its_files_is_an_error(tiny_model_dir, tmp_path):
    model_dir = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model_dir)
    write_pipeline(model_dir, ["line_classifier", "tagger"])
    with pytest.raises(FileNotFoundError, match="lists the stage 'tagger', but its files are not in the folder"):
        Predictor.from_pretrained(model_dir, device="cpu")


def test_a_folder_without_a_manifest_runs_its_line_classifier_alone(tiny_model_dir):
    assert read_pipeline(tiny_model_dir) == ["line_classifier"]


def test_a_folder_with_stages_but_no_manifest_is_refused_with_the_manifest_to_write(staged_dir):
    with pytest.raises(ValueError, match="holds ngrams, refiner but no pipeline.json") as error:
        Predictor.from_pretrained(staged_dir, device="cpu")
    suggested = json.loads(str(error.value).split("write: ", 1)[1])
    (staged_dir / PIPELINE_FILE).write_text(json.dumps(suggested), encoding="utf-8")
    assert read_pipeline(staged_dir) == ["line_classifier", "ngrams", "refiner"]


@pytest.mark.parametrize("stages, message", [
    ([{"stage": "ngrams", "combine": "mean"}], "the first stage must be 'line_classifier'"),
    ([{"stage": "line_classifier"}, {"stage": "crf", "combine": "mean"}], "unknown stage 'crf'"),
    ([{"stage": "line_classifier"}, {"stage": "refiner", "combine": "mean"}], "stage 'refiner' combines by 'refine', not 'mean'"),
    ([{"stage": "line_classifier"}, {"stage": "tagger", "combine": "mean"}, {"stage": "tagger", "combine": "mean"}], "listed twice"),
])
def test_a_manifest_that_cannot_be_run_is_refused_naming_the_file(stages, message, tmp_path):
    (tmp_path / PIPELINE_FILE).write_text(json.dumps({"stages": stages}), encoding="utf-8")
    with pytest.raises(ValueError, match=message) as error:
        read_pipeline(tmp_path)
    assert str(tmp_path / PIPELINE_FILE) in str(error.value)


def test_a_stage_script_adds_its_stage_in_the_shipped_place(tmp_path):
    add_stage(tmp_path, "tagger")
    add_stage(tmp_path, "ngrams")
    add_stage(tmp_path, "refiner")
    add_stage(tmp_path, "refiner")
    assert read_pipeline(tmp_path) == list(SHIPPED_ORDER)


def test_the_shipped_folder_lists_all_four_stages():
    from pathlib import Path

    shipped = Path(__file__).resolve().parents[1] / "models" / "bpml-zh-small"
    assert read_pipeline(shipped) == list(SHIPPED_ORDER)
