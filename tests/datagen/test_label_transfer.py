"""Labels carried from one extractor's lines to the other's: how lines are matched, and every refusal."""

from __future__ import annotations

import importlib.util

import pytest
from click.testing import CliRunner

from boilerplate_ml.cli import main
from boilerplate_ml.datagen.html_extract import extract_lines
from boilerplate_ml.datagen.label_transfer import TransferError, other_extraction, transfer_labels
from boilerplate_ml.pages import Page, read_pages, write_pages

SOURCE = ["首页 新闻 体育频道", "", "示例文章的标题", "这是正文的第一段，写得很长很长。", "这是正文的第二段。", "|", "Copyright © 2024 某某网"]
LABELS = ["navigation", None, "content", "content", "content", "navigation", "footer"]


def test_lines_cut_joined_or_marked_otherwise_take_the_labels_of_what_they_repeat() -> None:
    target = ["  • 首页", "  • 新闻", "  • 体育频道", "", "示例文章的标题 这是正文的第一段，", "写得很长很长。",
              "  1. 这是正文的第二段。", "|", "", "COPYRIGHT © 2024 某某網"]
    assert transfer_labels(SOURCE, LABELS, target) == [
        "navigation", "navigation", "navigation", None, "content", "content", "content", "navigation", None, "footer"]


def test_the_browser_title_on_top_is_navigation_and_extra_text_inside_a_block_takes_its_label() -> None:
    target = ["示例文章_某某网", "首页 新闻 体育频道", "搜索", "示例文章的标题", "现场照片", "这是正文的第一段，写得很长很长。",
              "这是正文的第二段。", "Copyright © 2024 某某网"]
    labels = transfer_labels(["首页 新闻 体育频道", "更多", *SOURCE[2:]], ["navigation", "navigation", *LABELS[2:]],
                             target, title="示例文章_某某网")
    assert labels == ["navigation", "navigation", "navigation", "content", "content", "content", "content", "footer"]


def test_a_block_one_extractor_puts_elsewhere_is_still_found() -> None:
    target = ["Copyright © 2024 某某网", "首页 新闻 体育频道", "示例文章的标题"]
    assert transfer_labels(SOURCE, LABELS, target) == ["footer", "navigation", "content"]


@pytest.mark.parametrize("target, reason", [
    (["首页 新闻 体育频道 示例文章的标题"], "mixes article and other text"),
    (["首页 新闻 体育频道", "一段只有这个抽取器才有的很长的文字说明", "示例文章的标题"], "neighbours do not tell"),
    (["这是正文的第二段。", "只在一个抽取器里出现的一行较长文字", "Copyright © 2024 某某网"], "neighbours do not tell"),
])
def test_a_line_that_cannot_be_labelled_without_guessing_fails_the_page(target, reason) -> None:
    with pytest.raises(TransferError, match=reason):
        transfer_labels(SOURCE, LABELS, target)


def test_short_widget_text_at_the_edge_of_the_article_takes_the_boilerplate_label() -> None:
    assert transfer_labels(SOURCE, LABELS, ["首页 新闻 体育频道", "Menu", "示例文章的标题"]) == ["navigation", "navigation", "content"]


requires_extractors = pytest.mark.skipif(
    not all(importlib.util.find_spec(name) for name in ("html_text", "resiliparse")), reason="the data extra is not installed")

HTML = """<html><head><title>示例文章_某某网</title></head><body>
<ul><li>首页</li><li>新闻</li><li>体育频道</li></ul>
<h1>示例文章</h1><p>这是正文的第一段，写得很长很长。</p><p>这是正文的第二段。</p>
<img alt="现场照片" src="a.jpg"><p>这是正文的第三段，比较长的一段话。</p>
<ol><li>第一项内容说明</li><li>第二项内容说明</li></ol>
<div>Copyright © 2024 某某网 版权所有</div></body></html>"""


def _labelled(extractor: str) -> Page:
    def label(line: str) -> str | None:
        if not line.strip():
            return None
        if "Copyright" in line:
            return "footer"
        return "content" if any(word in line for word in ("正文", "内容", "照片")) or line.strip() == "示例文章" else "navigation"
    lines = extract_lines(HTML, extractor)
    return Page("P1", "example.com", lines, [label(line) for line in lines], {"extractor": extractor})


@requires_extractors
@pytest.mark.parametrize("made_with, other", [("html_text", "resiliparse"), ("resiliparse", "html_text")])
def test_a_page_seen_through_the_other_extractor_keeps_what_each_line_is(made_with, other) -> None:
    page = _labelled(made_with)
    seen = other_extraction(page, HTML)
    assert (seen.id, seen.source, seen.extra) == (f"P1@{other}", "example.com", {"extractor": other, "labels_from": made_with})
    assert seen.texts == extract_lines(HTML, other) != page.texts
    assert seen.labels == _labelled(other).labels


@requires_extractors
def test_the_extractor_of_a_page_without_one_named_is_the_one_that_gives_its_lines() -> None:
    page = _labelled("resiliparse")
    page.extra.clear()
    assert other_extraction(page, HTML).extra == {"extractor": "html_text", "labels_from": "resiliparse"}


@requires_extractors
def test_the_command_writes_the_other_views_and_names_the_pages_it_skips(tmp_path) -> None:
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "P1.html").write_text(HTML, encoding="utf-8")
    unmatched = Page("P2", "other.org", ["没有网页的页面"], ["content"])
    write_pages([_labelled("html_text"), unmatched], tmp_path / "pages.jsonl")
    out = tmp_path / "views.jsonl"
    result = CliRunner().invoke(main, ["transfer-labels", str(tmp_path / "pages.jsonl"), "--html", str(tmp_path / "html"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [page.id for page in read_pages(out)] == ["P1@resiliparse"]
    assert "skipped P2: no " in result.output and "1 pages written" in result.output

    result = CliRunner().invoke(main, ["transfer-labels", str(tmp_path / "pages.jsonl"), "--html", str(tmp_path / "nowhere"), "-o", str(tmp_path / "x.jsonl")])
    assert result.exit_code != 0 and "nowhere: no such folder" in result.output
    assert not (tmp_path / "x.jsonl").exists()

    (tmp_path / "html" / "P1.html").write_bytes(b"\xff\xfe<html>")
    result = CliRunner().invoke(main, ["transfer-labels", str(tmp_path / "pages.jsonl"), "--html", str(tmp_path / "html"), "-o", str(tmp_path / "x.jsonl")])
    assert result.exit_code != 0 and f"{tmp_path / 'html' / 'P1.html'}: not UTF-8" in result.output
    assert not (tmp_path / "x.jsonl").exists()
