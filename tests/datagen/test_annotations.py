"""Label files (line ranges, no text) applied to re-extracted HTML: round trip and every refusal."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from boilerplate_ml.cli import main
from boilerplate_ml.datagen.annotations import (
    AnnotationError,
    annotated_page,
    apply_label_ranges,
    build_annotated_pages,
    format_label_ranges,
    lines_digest,
)
from boilerplate_ml.datagen.html_extract import extract_lines
from boilerplate_ml.pages import read_pages

pytest.importorskip("html_text")

HTML = """<html><head><title>示例文章_某某网</title></head><body>
<ul><li>首页</li><li>新闻</li></ul>
<h1>示例文章</h1><p>这是正文的第一段，写得很长很长。</p><p>这是正文的第二段。</p>
<div>Copyright © 2024 某某网 版权所有</div></body></html>"""


def _labels_for(lines: list[str]) -> list[str | None]:
    """Content for the heading and paragraphs, footer for the copyright, navigation for the rest."""
    def label(line: str) -> str | None:
        if not line.strip():
            return None
        if "Copyright" in line:
            return "footer"
        return "content" if ("正文" in line or line.strip() == "示例文章") else "navigation"
    return [label(line) for line in lines]


def test_ranges_cover_blank_lines_and_round_trip() -> None:
    lines = ["菜单", "", "正文一", "正文二", "  ", "版权"]
    labels = ["navigation", None, "content", "content", None, "footer"]
    assert apply_label_ranges(lines, "1 navigation\n2-4 content  # a range may span blanks\n5-6 footer\n", "f") == labels
    text = format_label_ranges(labels, "html_text", "abc")
    assert text.splitlines()[2:] == ["1 navigation", "3-4 content", "6 footer"]
    assert apply_label_ranges(lines, text, "f") == labels


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        ("1 navigation\n3 content\n", "f: 1 non-blank page lines have no label: 2"),
        ("1-2 navigation\n2-3 content\n", "f:2: page line 2 is labelled twice"),
        ("1-3 boilerplate\n", "f:1: unknown label 'boilerplate'"),
        ("1-4 content\n", "f:1: line 4 is past the page's 3 lines"),
        ("first line: content\n", "f:1: expected 'N label' or 'N-M label'"),
        ("3-1 content\n", "f:1: bad range 3-1"),
    ],
)
def test_bad_label_files_name_the_file_and_line(ranges: str, message: str) -> None:
    with pytest.raises(AnnotationError, match=message.replace("(", r"\(")):
        apply_label_ranges(["一", "二", "三"], ranges, "f")


def test_a_page_rebuilt_from_html_gets_the_labels_byte_for_byte() -> None:
    lines = extract_lines(HTML, "html_text")
    text = format_label_ranges(_labels_for(lines), "html_text", lines_digest(lines))
    page = annotated_page("A1", HTML, text, "example.org", "A1.labels")
    assert page.texts == lines and page.labels == _labels_for(lines)
    assert page.extra == {"extractor": "html_text", "annotated": True}


def test_labels_made_on_other_text_are_refused() -> None:
    lines = extract_lines(HTML, "html_text")
    text = format_label_ranges(_labels_for(lines), "html_text", lines_digest(lines))
    with pytest.raises(AnnotationError, match="differs from the annotated one"):
        annotated_page("A1", HTML.replace("第二段", "第三段"), text, "", "A1.labels")
    with pytest.raises(AnnotationError, match="missing header"):
        annotated_page("A1", HTML, "1 content\n", "", "A1.labels")
    misnamed = text.replace("# extractor: html_text", "# extractor: html-text")
    with pytest.raises(AnnotationError, match="A1.labels: unknown extractor 'html-text'"):
        annotated_page("A1", HTML, misnamed, "", "A1.labels")


def _write_annotated_dir(tmp_path, extra_label_file: str | None = None):
    html_dir, labels_dir = tmp_path / "html", tmp_path / "labels"
    html_dir.mkdir()
    labels_dir.mkdir()
    (html_dir / "A1.html").write_text(HTML, encoding="utf-8")
    lines = extract_lines(HTML, "html_text")
    (labels_dir / "A1.labels").write_text(format_label_ranges(_labels_for(lines), "html_text", lines_digest(lines)))
    if extra_label_file is not None:
        (labels_dir / "A2.labels").write_text(extra_label_file)
    index = tmp_path / "index.jsonl"
    index.write_text(json.dumps({"id": "A1", "site": "news.example.org"}) + "\n")
    return html_dir, labels_dir, index


def test_apply_labels_command_writes_valid_pages(tmp_path) -> None:
    html_dir, labels_dir, index = _write_annotated_dir(tmp_path)
    out = tmp_path / "pages.jsonl"
    result = CliRunner().invoke(main, ["apply-labels", str(html_dir), "--labels", str(labels_dir), "--index", str(index), "-o", str(out)])
    assert result.exit_code == 0, result.output
    (page,) = read_pages(out)
    assert page.source == "news.example.org" and "content" in page.labels


def test_a_label_file_without_its_html_fails_and_writes_nothing(tmp_path) -> None:
    html_dir, labels_dir, index = _write_annotated_dir(tmp_path, extra_label_file="# extractor: html_text\n# digest: 0\n")
    out = tmp_path / "pages.jsonl"
    with pytest.raises(AnnotationError, match="A2.labels: no .*A2.html"):
        build_annotated_pages(html_dir, labels_dir, index, out)
    assert not out.exists()


def test_a_page_missing_from_the_index_or_a_label_file_not_in_utf8_is_named(tmp_path) -> None:
    html_dir, labels_dir, index = _write_annotated_dir(tmp_path)
    out = tmp_path / "pages.jsonl"
    (html_dir / "B1.html").write_text(HTML, encoding="utf-8")
    (labels_dir / "B1.labels").write_text((labels_dir / "A1.labels").read_text())
    with pytest.raises(AnnotationError, match="B1.labels: page B1 is not in .*index.jsonl"):
        build_annotated_pages(html_dir, labels_dir, index, out)
    (labels_dir / "B1.labels").unlink()
    (labels_dir / "A1.labels").write_bytes(b"\xff# extractor: html_text\n")
    with pytest.raises(AnnotationError, match="A1.labels: not UTF-8"):
        build_annotated_pages(html_dir, labels_dir, index, out)
    assert not out.exists()
