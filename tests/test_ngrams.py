"""The character n-gram line model: features, fitting, saving, and its place in the Predictor."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch

from boilerplate_ml.jsonl import current_umask
from boilerplate_ml.labels import LABELS
from boilerplate_ml.ngrams import NgramLineModel, NgramSpec
from boilerplate_ml.page_models import average_probabilities, line_shape
from boilerplate_ml.pages import Page
from boilerplate_ml.pipeline import add_stage
from boilerplate_ml.predictor import Predictor
from sample_data import generated_pages, handwritten_page

SMALL = NgramSpec(hash_bits=10)


def test_one_row_per_non_blank_line_and_a_distribution_per_line() -> None:
    model = NgramLineModel.fit(generated_pages(12, seed=1), SMALL)
    pages = [handwritten_page().texts, [], [""], ["\u3000", "只有一行"]]
    assert model.features(pages).shape == (9 + 0 + 0 + 1, 5 * (2**10 + 2**12) + 2) == (10, SMALL.feature_count())
    probabilities = model.line_probabilities(pages)
    assert [len(page) for page in probabilities] == [len(page) for page in pages]
    for page, page_probs in zip(pages, probabilities):
        assert [p is None for p in page_probs] == [not line.strip() for line in page]
        for p in filter(lambda p: p is not None, page_probs):
            assert p.shape == (len(LABELS),) and abs(float(p.sum()) - 1.0) < 1e-5


def test_it_reads_the_neighbours_not_just_the_line() -> None:
    """The same line, once between article paragraphs and once in a menu, gets two labels."""
    article = ["今天的新闻讲了公园的新步道。", "天气", "市民说步道很方便，周末常来散步。"]
    menu = ["首页", "天气", "体育"]
    pages = [Page(f"p{i}", "site.test", article if i % 2 else menu, ["content"] * 3 if i % 2 else ["navigation"] * 3)
             for i in range(20)]
    model = NgramLineModel.fit(pages, SMALL)
    in_article, in_menu = (probs[1] for probs in model.line_probabilities([article, menu]))
    assert LABELS[int(in_article.argmax())] == "content" and LABELS[int(in_menu.argmax())] == "navigation"


def test_a_label_never_seen_in_training_gets_no_probability() -> None:
    pages = [Page("a", "s.test", ["正文写得很长很长。", "首页"], ["content", "navigation"])] * 4
    probs = NgramLineModel.fit(pages, SMALL).line_probabilities([["正文写得很长很长。"]])[0][0]
    assert float(probs[LABELS.index("spam")]) < 1e-6
    assert float(probs[LABELS.index("content")]) > 0.5, "two labels seen: scikit-learn fits one score, both are read from it"


def test_saved_model_reloads_with_the_same_probabilities(tmp_path) -> None:
    assert NgramLineModel.load(tmp_path) is None, "a folder without one has none"
    model = NgramLineModel.fit(generated_pages(8, seed=2), SMALL, seed=3)
    model.save(tmp_path)
    assert (tmp_path / "ngrams.safetensors").stat().st_mode & 0o777 == 0o666 & ~current_umask(), "not safetensors' 0600"
    loaded = NgramLineModel.load(tmp_path)
    assert loaded.spec == SMALL
    page = [handwritten_page().texts]
    for a, b in zip(model.line_probabilities(page)[0], loaded.line_probabilities(page)[0]):
        assert (a is None and b is None) or torch.allclose(a, b, atol=1e-2)  # int8 tables


def test_a_model_made_for_other_labels_is_refused(tmp_path) -> None:
    NgramLineModel.fit(generated_pages(4, seed=2), SMALL).save(tmp_path)
    config = json.loads((tmp_path / "ngrams.json").read_text())
    config["labels"][-1] = "other"
    (tmp_path / "ngrams.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="other labels"):
        NgramLineModel.load(tmp_path)


def test_the_predictor_averages_the_line_classifier_with_the_ngram_model(tiny_model_dir, tmp_path) -> None:
    model_dir = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model_dir)
    page = generated_pages(1, seed=5)[0].text
    alone = Predictor.from_pretrained(model_dir, device="cpu")
    assert alone.ngrams is None
    ngrams = NgramLineModel.fit(generated_pages(8, seed=4), SMALL)
    ngrams.save(model_dir)
    add_stage(model_dir, "ngrams")
    both = Predictor.from_pretrained(model_dir, device="cpu")
    assert both.ngrams is not None

    expected = average_probabilities(alone.line_probabilities([page]), both.ngrams.line_probabilities([page.split("\n")]))[0]
    got = both.line_probabilities([page])[0]
    assert [p is None for p in got] == [p is None for p in expected]
    assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(got, expected) if a is not None)
    first = alone.line_probabilities([page])[0]
    assert any(not torch.allclose(a, b, atol=1e-3) for a, b in zip(got, first) if a is not None)
    assert [p.text for p in both.predict(page)] == page.split("\n")


def test_average_keeps_blank_lines_blank() -> None:
    a, b = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0])
    averaged = average_probabilities([[None, a]], [[None, b]])[0]
    assert averaged[0] is None and np.allclose(averaged[1].numpy(), [0.5, 0.5])


def test_pages_of_one_label_are_refused_in_words() -> None:
    with pytest.raises(ValueError, match="at least two labels"):
        NgramLineModel.fit([Page("a", "s.test", ["正文。", "又一段正文。"], ["content", "content"])], SMALL)


def test_a_line_shape_keeps_punctuation_and_spaces_and_folds_the_rest() -> None:
    assert line_shape("05-23 821") == "00-00 000"
    assert line_shape("weixin_55561616的博客：Ｖ２") == "aaaaaa_00000000中中中：a0"


def test_weights_that_do_not_fit_the_features_are_refused(tmp_path) -> None:
    NgramLineModel.fit(generated_pages(4, seed=2), SMALL).save(tmp_path)
    config = json.loads((tmp_path / "ngrams.json").read_text())
    config["spec"]["shape_bits"] = 8
    (tmp_path / "ngrams.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="do not fit its features"):
        NgramLineModel.load(tmp_path)
