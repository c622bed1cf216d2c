"""Predictor: one prediction per line in order, byte-identical kept lines, settable keep rules."""

from __future__ import annotations

import pytest

from boilerplate_ml.predictor import LinePrediction, Predictor, join_kept
from sample_data import generated_pages, handwritten_page


@pytest.fixture(scope="module")
def predictor(tiny_model_dir) -> Predictor:
    return Predictor.from_pretrained(tiny_model_dir, device="cpu")


@pytest.mark.parametrize(
    "text",
    ["", "\n\n\n", "  \n\u3000\n", "单独一行", "\n".join(f"第{i}行" for i in range(300)), "很长" * 50_000 + "\n尾行"],
    ids=["empty", "blank-only", "whitespace-only", "one-line", "longer-than-window", "100k-char-line"],
)
def test_one_prediction_per_line_in_order(predictor, text):
    predictions = predictor.predict(text)
    assert [p.text for p in predictions] == text.split("\n")
    for p in predictions:
        if p.text.strip():
            assert p.label is not None and 0.0 < p.score <= 1.0
        else:
            assert p.label is None and p.score is None and not p.keep


def test_batch_equals_one_by_one(predictor):
    texts = [page.text for page in generated_pages(6)] + ["", handwritten_page().text]
    batch = predictor.predict_batch(texts)
    single = [predictor.predict(text) for text in texts]
    # Padding in a shared batch changes float rounding only: same lines, same scores to 1e-4.
    for page_batch, page_single in zip(batch, single, strict=True):
        assert [p.text for p in page_batch] == [p.text for p in page_single]
        for a, b in zip(page_batch, page_single):
            assert (a.score is None) == (b.score is None)
            if a.score is not None:
                assert abs(a.score - b.score) < 1e-4 and (a.label == b.label or abs(a.score - b.score) < 1e-6)


def test_threshold_zero_keeps_every_line_byte_for_byte(tiny_model_dir):
    keep_all = Predictor.from_pretrained(tiny_model_dir, device="cpu", threshold=0.0)
    page = handwritten_page()
    cleaned = keep_all.clean(page.text)
    non_blank = [t for t in page.texts if t.strip()]
    assert [line for line in cleaned.split("\n") if line] == non_blank
    assert "\r" in cleaned and "\u3000\u3000本周一" in cleaned, "whitespace and CR kept as they came"


def test_keep_set_decides(tiny_model_dir):
    every_label = Predictor.from_pretrained(
        tiny_model_dir, device="cpu", keep_labels=["content", "navigation", "metadata", "footer",
                                                    "interaction", "comment", "spam", "noise"], threshold=1.0 - 1e-6
    )
    assert all(p.keep for p in every_label.predict(handwritten_page().text) if p.text.strip())


def test_bad_settings_are_refused(tiny_model_dir):
    with pytest.raises(ValueError, match="unknown labels"):
        Predictor.from_pretrained(tiny_model_dir, keep_labels=["article"])
    with pytest.raises(ValueError, match="threshold"):
        Predictor.from_pretrained(tiny_model_dir, threshold=1.5)
    with pytest.raises(FileNotFoundError):
        Predictor.from_pretrained("/nonexistent/model")
    with pytest.raises(ValueError, match="keep_labels is empty"):
        Predictor.from_pretrained(tiny_model_dir, keep_labels=[])
    with pytest.raises(ValueError, match="batch_size"):
        Predictor.from_pretrained(tiny_model_dir, batch_size=0)
    with pytest.raises(ValueError, match="batch_size must be an integer"):
        Predictor.from_pretrained(tiny_model_dir, batch_size=2.5)
    with pytest.raises(ValueError, match="threshold must be a number"):
        Predictor.from_pretrained(tiny_model_dir, threshold="0.7")
    with pytest.raises(ValueError, match="keep_labels must be a label or a list"):
        Predictor.from_pretrained(tiny_model_dir, keep_labels=None)


def test_batches_take_any_iterable_of_pages_but_not_one_string(predictor):
    texts = [page.text for page in generated_pages(3)]
    expected = predictor.clean_batch(texts)
    assert predictor.clean_batch(text for text in texts) == expected, "a generator is read once, not twice"
    assert predictor.clean_batch(map(str, texts)) == expected
    with pytest.raises(TypeError, match="got one str"):
        predictor.clean_batch(texts[0])
    with pytest.raises(TypeError, match="page 1 is bytes"):
        predictor.predict_batch([texts[0], texts[1].encode()])


def test_a_lone_surrogate_is_named_not_a_tokenizer_traceback(predictor):
    with pytest.raises(ValueError, match=r"page 0, line 2: lone surrogate"):
        predictor.predict("正文。\n坏\ud800行")


def test_one_label_as_a_string_is_that_label(tiny_model_dir):
    predictor = Predictor.from_pretrained(tiny_model_dir, device="cpu", keep_labels="comment")
    assert predictor.keep_labels == {"comment"}


def _p(text: str, keep: bool) -> LinePrediction:
    return LinePrediction(text, None if not text.strip() else "content", None, keep)


def test_join_kept_collapses_blank_runs_between_kept_lines_only():
    lines = [_p("", False), _p("A ", True), _p("", False), _p("  ", False), _p("menu", False), _p("", False),
             _p("B\r", True), _p("C", True), _p("", False), _p("footer", False)]
    assert join_kept(lines) == "A \n\nB\r\nC"
    assert join_kept([_p("menu", False)]) == ""


def test_join_kept_keeps_a_crlf_page_crlf():
    lines = [_p("A\r", True), _p("\r", False), _p("\r", False), _p("B\r", True)]
    assert join_kept(lines) == "A\r\n\r\nB\r"


@pytest.mark.parametrize(
    "keep_labels, threshold",
    [(("content",), 0.125), (("content",), 0.0), (("content", "navigation", "metadata"), 0.375), (("spam", "noise"), 0.25)],
)
def test_label_never_contradicts_keep(tiny_model_dir, keep_labels, threshold):
    """A kept line has the most probable kept label, a dropped one the most probable dropped label."""
    from boilerplate_ml.labels import LABELS

    predictor = Predictor.from_pretrained(tiny_model_dir, device="cpu", keep_labels=keep_labels, threshold=threshold)
    texts = [page.text for page in generated_pages(4)]
    verdicts = set()
    for page, probs in zip(predictor.predict_batch(texts), predictor.line_probabilities(texts)):
        for prediction, line_probs in zip(page, probs):
            if line_probs is None:
                continue
            side = [i for i, label in enumerate(LABELS) if (label in keep_labels) == prediction.keep]
            best = max(side, key=lambda i: float(line_probs[i]))
            assert (prediction.label in keep_labels) == prediction.keep
            assert prediction.label == LABELS[best] and prediction.score == pytest.approx(float(line_probs[best]))
            verdicts.add(prediction.keep)
    if threshold > 0:
        assert verdicts == {True, False}, "both verdicts must occur, or the rule is not tested on both sides"


def test_loading_prints_nothing_and_leaves_transformers_settings_alone(tiny_model_dir, capfd):
    from transformers.utils import logging as transformers_logging

    before = (transformers_logging.get_verbosity(), transformers_logging.is_progress_bar_enabled())
    Predictor.from_pretrained(tiny_model_dir, device="cpu")
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == "", "no weight-loading bar or warning"
    assert (transformers_logging.get_verbosity(), transformers_logging.is_progress_bar_enabled()) == before
