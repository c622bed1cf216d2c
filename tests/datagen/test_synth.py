"""Synthetic page generator: determinism, label coverage and the LABELS.md invariants."""

from __future__ import annotations

import gzip
import json

import pytest

from boilerplate_ml.datagen.synth import SynthConfig, load_articles, synthesize_pages
from boilerplate_ml.labels import LABELS, is_blank
from boilerplate_ml.pages import page_from_record
from sample_data import ARTICLES, LONG_PARAGRAPH


def generate(**overrides) -> list:
    config = SynthConfig(**{"num_pages": 40, "seed": 7, **overrides})
    return list(synthesize_pages(ARTICLES, config))


def test_same_seed_gives_same_pages_and_other_seed_differs():
    first, second = generate(), generate()
    assert [p.to_record() for p in first] == [p.to_record() for p in second]
    assert [p.texts for p in generate(seed=8)] != [p.texts for p in first]


def test_every_label_appears_over_200_pages():
    labels = {label for page in generate(num_pages=200) for label in page.labels}
    assert labels - {None} == set(LABELS)


@pytest.mark.parametrize("kind", ["list", "archive"])
def test_pages_without_article_have_no_content(kind):
    pages = generate(num_pages=30, kind_weights={kind: 1.0})
    assert all("content" not in page.labels for page in pages)
    assert all(page.texts for page in pages)


def test_archive_pages_list_whole_excerpt_paragraphs_as_navigation():
    """Archive entries carry articles' own paragraphs, so prose alone cannot tell them from a body."""
    paragraphs = {p for article in ARTICLES for p in article.paragraphs}
    excerpts = [label for page in generate(num_pages=20, kind_weights={"archive": 1.0})
                for text, label in zip(page.texts, page.labels) if text in paragraphs]
    assert excerpts and set(excerpts) == {"navigation"}


def test_body_lists_put_runs_of_short_content_lines_inside_the_body():
    def longest_short_content_run(page) -> int:
        best = run = 0
        for text, label in zip(page.texts, page.labels):
            if label is None:
                continue
            run = run + 1 if label == "content" and len(text.strip()) <= 24 else 0
            best = max(best, run)
        return best

    with_lists = generate(num_pages=20, kind_weights={"news": 1.0}, body_list_rate=1.0)
    without = generate(num_pages=20, kind_weights={"news": 1.0}, body_list_rate=0.0)
    assert sum(longest_short_content_run(p) >= 5 for p in with_lists) >= 10
    assert sum(longest_short_content_run(p) >= 5 for p in without) <= 1


def test_article_pages_have_content():
    for kind in ("news", "epaper", "forum", "blog", "gov", "repost"):
        assert all("content" in p.labels for p in generate(num_pages=5, kind_weights={kind: 1.0})), kind


def test_pages_round_trip_and_blank_lines_have_no_label():
    for page in generate(num_pages=100):
        assert page.text.split("\n") == page.texts
        for text, label in zip(page.texts, page.labels):
            assert (label is None) == is_blank(text)
            assert label is None or label in LABELS
        assert page_from_record(json.loads(json.dumps(page.to_record()))).labels == page.labels
        assert page.source


def test_traditional_rate_one_converts_boilerplate_and_body():
    pages = generate(num_pages=20, traditional_rate=1.0, kind_weights={"news": 1.0})
    text = "\n".join(p.text for p in pages)
    assert "園" in text or "書館" in text or "學校" in text
    assert "学校" not in text and "图书馆" not in text


def test_hard_wrapped_paragraphs_stay_content():
    pages = generate(num_pages=30, wrap_rate=1.0, kind_weights={"news": 1.0})
    pieces = [
        (text.strip(), label)
        for page in pages
        for text, label in zip(page.texts, page.labels)
        if text.strip() and text.strip() in LONG_PARAGRAPH and len(text.strip()) < len(LONG_PARAGRAPH)
    ]
    assert pieces, "the long paragraph was never wrapped"
    assert all(label == "content" for _, label in pieces)


def test_rates_outside_zero_one_are_rejected():
    with pytest.raises(ValueError, match="body_list_rate"):
        SynthConfig(body_list_rate=1.5)


def test_unknown_kind_is_rejected():
    with pytest.raises(ValueError, match="unknown page kinds"):
        SynthConfig(kind_weights={"news": 1.0, "wiki": 1.0})


def test_load_articles_samples_and_splits_untitled_text(tmp_path):
    path = tmp_path / "tiny.jsonl.gz"
    records = [
        {"id": "1", "title": "有标题的文章", "text": "第一段写了一些事情，内容足够长。\n第二段接着写，同样足够长，好让它被保留下来。" * 3},
        {"id": "2", "title": "", "text": "没有标题也没有分段的文章。它有好几句话。每句话都很短。但合起来很长。" * 10},
        {"id": "3", "title": "太短", "text": "太短了"},
    ]
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    articles = load_articles([path], max_articles=10, seed=0)
    assert {a.id for a in articles} == {"1", "2"}
    untitled = next(a for a in articles if a.id == "2")
    assert untitled.title == "没有标题也没有分段的文章" and len(untitled.paragraphs) > 1
    assert load_articles([path], 10, seed=0) == articles


def test_blog_pages_carry_recommendation_feeds_of_article_prose_labelled_navigation():
    """A feed entry is another article's title then a teaser of its opening prose: both navigation."""
    titles = {article.title for article in ARTICLES}
    openings = {"".join(article.paragraphs)[:40] for article in ARTICLES}
    teaser_labels = []
    for page in generate(num_pages=40, kind_weights={"blog": 1.0}):
        lines = [(text, label) for text, label in zip(page.texts, page.labels) if label]
        for (text, label), (next_text, next_label) in zip(lines, lines[1:]):
            if label == "navigation" and text in titles and next_text[:40] in openings:
                teaser_labels.append(next_label)
    assert teaser_labels, "no recommendation feed in 40 blog pages"
    assert set(teaser_labels) == {"navigation"}


def test_recommendation_feeds_carry_entry_details_as_navigation():
    """Feed entries may bring author, date-and-views or reading-count lines: navigation, like the entry."""
    details = [label for page in generate(num_pages=60, kind_weights={"blog": 1.0})
               for text, label in zip(page.texts, page.labels)
               if label and (text.endswith(("的博客", "的专栏")) or text.startswith("赞同 ") or " · 点赞 " in text)]
    assert details and set(details) == {"navigation"}
