"""Properties of the Predictor that hold for any page: generated text of every kind, not chosen examples.

Run against the tiny untrained model (fast; its verdicts are near random, which exercises both
sides of every rule) and, for a few examples, the shipped model with its whole pipeline.
``HYPOTHESIS_PROFILE=slow`` runs many more examples (tests/conftest.py).
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from boilerplate_ml.labels import LABELS, is_blank
from boilerplate_ml.predictor import Predictor, join_kept

#: Characters that have broken text tools before: BOM, NUL, zero-width ones, NEL, line and paragraph separators, ideographic space.
AWKWARD = "\ufeff\x00\u200b\u200c\u200d\u2060\x85\u2028\u2029\u3000\xa0\t\x0b\x0c\x1c\r"
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
CHARACTER = st.one_of(CJK, st.sampled_from(AWKWARD), st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"))
LINE = st.one_of(
    st.text(CHARACTER, max_size=40),
    st.builds(lambda line: line + "\r", st.text(CHARACTER, max_size=20)),  # CRLF page lines
    st.sampled_from(["", " ", "\u3000\u3000", "\r", "\ufeff"]),
)
PAGE = st.lists(LINE, max_size=30).map("\n".join)
#: For the costlier properties, a share of the profile's examples (tests/conftest.py).
FEWER = settings(max_examples=max(5, settings.default.max_examples // 4))
FEWEST = settings(max_examples=max(5, settings.default.max_examples // 8))

LONG_LINE = "很" * 100_000 + "。"
MANY_LINES = "\n".join(f"第{i}行，一些正文。" if i % 7 else "" for i in range(20_000))


def check_page(predictor: Predictor, text: str) -> None:
    predictions = predictor.predict(text)
    lines = text.split("\n")
    assert [p.text for p in predictions] == lines, "one prediction per line, in order, byte for byte"
    for p in predictions:
        if is_blank(p.text):
            assert (p.label, p.score, p.keep) == (None, None, False)
        else:
            assert p.label in LABELS and 0.0 < p.score <= 1.0
            assert (p.label in predictor.keep_labels) == p.keep, "label and keep never contradict"
    cleaned = predictor.clean(text)
    assert cleaned == join_kept(predictions)
    kept = [p.text for p in predictions if p.keep]
    out = cleaned.split("\n") if cleaned else []
    assert [line for line in out if not is_blank(line)] == kept, "the kept lines and nothing else that is not blank"
    assert all(line in ("", "\r") for line in out if is_blank(line)), "between them, only one paragraph break"
    position = 0
    for line in kept:  # kept lines are a subsequence of the page's lines
        position = lines.index(line, position) + 1


@pytest.fixture(scope="module")
def tiny(tiny_model_dir) -> Predictor:
    # About 1/8 per label untrained: at 0.125 content is kept on some lines and dropped on others.
    return Predictor.from_pretrained(tiny_model_dir, device="cpu", threshold=0.125)


@given(text=PAGE)
@example(text="")
@example(text="\n\n\n")
@example(text=" \n\u3000\n\r\n\t")
@example(text="\ufeff标题\r\n正文。\r\n\r\n\x00\u200b\r")
@example(text="\r第一行\r第二行\r")  # lone CRs are inside lines, not line breaks
@example(text=LONG_LINE + "\n尾行")
def test_any_page_tiny_model(tiny, text):
    check_page(tiny, text)


def test_a_twenty_thousand_line_page(tiny):
    check_page(tiny, MANY_LINES)


@given(pages=st.lists(PAGE, max_size=5), keep=st.sets(st.sampled_from(LABELS), min_size=1), threshold=st.floats(0, 1))
@FEWER
def test_any_keep_rule_any_batch(tiny_model_dir, pages, keep, threshold):
    predictor = Predictor.from_pretrained(tiny_model_dir, device="cpu", keep_labels=keep, threshold=threshold)
    batch = predictor.predict_batch(pages)
    assert [[p.text for p in page] for page in batch] == [text.split("\n") for text in pages]
    for page in batch:
        for p in page:
            assert p.label is None or (p.label in keep) == p.keep


@given(text=PAGE, at=st.integers(min_value=0), surrogate=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF))
@FEWER
def test_the_only_error_for_a_str_page_is_a_named_lone_surrogate(tiny, text, at, surrogate):
    at %= len(text) + 1
    broken = text[:at] + surrogate + text[at:]
    with pytest.raises(ValueError, match=rf"page 0, line {broken.count(chr(10), 0, at) + 1}: lone surrogate"):
        tiny.predict(broken)


@pytest.fixture(scope="module")
def shipped() -> Predictor:
    return Predictor.from_pretrained(device="cpu")


@given(text=PAGE)
@FEWEST
@example(text="首页 新闻 体育\n\ufeff河边新建的自行车道本周开放。\r\n\x00\u200b\n" + "正文很长。" * 2000)
def test_any_page_shipped_model(shipped, text):
    check_page(shipped, text)
