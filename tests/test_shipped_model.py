"""The model in models/ loads by default, cleans a page losslessly and holds its quality floor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from boilerplate_ml import Predictor
from boilerplate_ml.evaluation import LabelledLines, content_scores
from sample_data import generated_pages, handwritten_page

SHIPPED_DIR = Path(__file__).resolve().parents[1] / "models" / "bpml-zh-small"
FLOORS = json.loads((Path(__file__).parent / "quality_floor.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def shipped() -> Predictor:
    return Predictor.from_pretrained(device="cpu")


def test_shipped_model_is_small_enough_for_a_laptop():
    size = sum(f.stat().st_size for f in SHIPPED_DIR.iterdir())
    assert size <= 30_000_000, "at most 30 MB on disk (issue #2); float16 and int8 weights are what make it fit"
    assert (SHIPPED_DIR / "README.md").is_file() and (SHIPPED_DIR / "metrics.json").is_file()


def test_shipped_model_carries_its_whole_pipeline(shipped):
    """The figures in the README are those of all four parts; a file left out of a commit would lose one silently."""
    assert shipped.ngrams is not None and shipped.refiner is not None and shipped.tagger is not None
    assert {"ngrams", "refiner", "tagger"} <= set(json.loads((SHIPPED_DIR / "metrics.json").read_text(encoding="utf-8")))


def test_shipped_model_cleans_a_page_keeping_lines_byte_for_byte(shipped):
    page = handwritten_page()
    cleaned = shipped.clean(page.text)
    kept = [line for line in cleaned.split("\n") if line]
    assert kept, "the article's body paragraphs should survive"
    assert all(line in page.texts for line in kept), "kept lines come out exactly as they came in"
    assert "Copyright © 2024 示例网 版权所有 京ICP备00000000号" not in kept
    assert "首页 新闻 体育 财经 科技 房产 汽车" not in kept


@pytest.mark.slow
def test_quality_floor_on_generated_pages(shipped):
    pages = generated_pages(40, seed=11)
    scores = content_scores(LabelledLines.from_predictions(pages, shipped.predict_batch([p.text for p in pages])))
    assert scores["line_f1"] >= FLOORS["line_f1"], scores
    assert scores["char_f1"] >= FLOORS["char_f1"], scores
