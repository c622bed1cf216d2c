"""Windowing: every non-blank line gets exactly one scoring window, in order, whatever the page."""

from __future__ import annotations

import pytest
from transformers import AutoTokenizer

from boilerplate_ml.windows import (
    CHARS_PER_TOKEN,
    LINE_MARKERS,
    WindowSpec,
    assign_lines,
    build_windows,
    non_blank_lines,
    encode_lines,
    length_bucket,
    plan_windows,
)
from conftest import TINY_SPEC


@pytest.fixture(scope="module")
def tokenizer(tiny_model_dir):
    return AutoTokenizer.from_pretrained(tiny_model_dir)


def test_length_buckets_are_log2_of_stripped_characters():
    assert [length_bucket(s) for s in ["a", "ab", "abcd", " abcd ", "x" * 127, "x" * 128, "x" * 10**5]] == [1, 2, 3, 3, 7, 8, 8]


def test_every_line_is_encoded_behind_its_marker_and_cut(tokenizer):
    lines = ["首页 新闻", "正文" * 100, "x" * 100_000]
    encoded = encode_lines(lines, tokenizer, TINY_SPEC)
    markers = tokenizer.convert_tokens_to_ids(list(LINE_MARKERS))
    assert [ids[0] for ids in encoded] == [markers[length_bucket(line) - 1] for line in lines]
    assert all(len(ids) <= 1 + TINY_SPEC.line_tokens for ids in encoded)


def test_long_line_keeps_its_tail(tokenizer):
    (ids,) = encode_lines(["开头" * 50 + "结尾。"], tokenizer, TINY_SPEC)
    assert tokenizer.convert_ids_to_tokens(ids[-1]) == "。"


def test_without_a_tail_only_the_head_of_a_long_line_is_tokenized(tokenizer):
    seen: list[int] = []

    def counting_tokenizer(texts, **kwargs):
        seen.extend(len(text) for text in texts)
        return tokenizer(texts, **kwargs)

    counting_tokenizer.convert_tokens_to_ids = tokenizer.convert_tokens_to_ids
    spec = WindowSpec(line_tokens=8, tail_tokens=0, window_tokens=64)
    (ids,) = encode_lines(["x" * 100_000], counting_tokenizer, spec)
    assert len(ids) <= 1 + spec.line_tokens and max(seen) <= CHARS_PER_TOKEN * spec.line_tokens


def test_literal_special_tokens_in_text_are_not_special(tokenizer):
    (ids,) = encode_lines(["[SEP] [CLS] [L3] [PAD]"], tokenizer, TINY_SPEC)
    special = set(tokenizer.all_special_ids)
    assert not special & set(ids[1:])


@pytest.mark.parametrize("lengths", [[], [5], [5] * 3, [9] * 40, [1, 30, 2, 30, 30, 1] * 7])
def test_windows_cover_every_line_and_assignment_is_unique(lengths):
    plan = plan_windows(lengths, budget=62, stride=0.5)
    owner = assign_lines(plan, len(lengths))
    assert len(owner) == len(lengths)
    for line, window in enumerate(owner):
        assert line in plan[window]
    for window in plan:
        assert sum(lengths[i] for i in window) <= 62
        assert list(window) == sorted(window)
    assert [w.start for w in plan] == sorted({w.start for w in plan})


def test_line_gets_the_window_where_it_is_most_central():
    plan = plan_windows([1] * 10, budget=4, stride=0.5)
    owner = assign_lines(plan, 10)
    # Line 3 sits at the edge of window 0 (0-3) and in the middle of window 1 (2-5).
    assert plan[owner[3]] == range(2, 6)


def test_line_too_long_for_a_window_is_an_error():
    with pytest.raises(ValueError, match="does not fit"):
        plan_windows([100], budget=10, stride=0.5)


def test_windows_hold_lines_in_page_order_with_markers_in_place(tokenizer):
    lines = [f"第{i}行 内容" for i in range(60)]
    encoded = encode_lines(lines, tokenizer, TINY_SPEC)
    windows, owner = build_windows(encoded, tokenizer, TINY_SPEC)
    assert len(windows) > 3, "the page must span several windows for this test to mean anything"
    for window in windows:
        assert window.input_ids[0] == tokenizer.cls_token_id and window.input_ids[-1] == tokenizer.sep_token_id
        assert len(window.input_ids) <= TINY_SPEC.window_tokens
        for line, span in zip(window.line_indices, window.spans):
            assert window.input_ids[span.start : span.stop] == encoded[line]
    assert len(owner) == 60 and owner == sorted(owner), "owners follow page order"


def test_blank_lines_are_not_windowed():
    assert non_blank_lines(["", "  ", "\u3000", "\u00a0", "正文", "\t"]) == [4]
