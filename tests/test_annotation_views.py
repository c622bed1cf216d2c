"""tools/annotation_views.py: numbered views whose header makes a label file that apply-labels accepts."""

from __future__ import annotations

import json

from conftest import load_script

from boilerplate_ml.datagen.annotations import build_annotated_pages
from boilerplate_ml.datagen.html_extract import choose_extractor, extract_lines
from boilerplate_ml.pages import Page, write_pages

HTML = "<html><body><div>首页 新闻</div><h1>河边的自行车道开放</h1><p>本周一，河边新建的自行车道正式开放。</p><p>版权所有</p></body></html>"


def test_a_label_file_made_from_a_view_rebuilds_the_page(tmp_path):
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "P1.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "index.jsonl").write_text(json.dumps({"id": "P1", "site": "example.cn"}) + "\n", encoding="utf-8")
    tool = load_script("annotation_views", "tools")
    assert tool.main([str(tmp_path / "html"), "--index", str(tmp_path / "index.jsonl"), "-o", str(tmp_path / "views")]) == 0

    view = (tmp_path / "views" / "P1.txt").read_text(encoding="utf-8").splitlines()
    lines = extract_lines(HTML, choose_extractor("P1"))
    assert view[0] == f"# extractor: {choose_extractor('P1')}" and view[1].startswith("# digest: ")
    numbered = [row for row in view if not row.startswith("#")]
    assert [row.split("| ", 1)[1] for row in numbered] == lines
    # an annotator copies the two header lines and labels every non-blank line
    ranges = [f"{n} content" for n, line in enumerate(lines, 1) if line.strip()]
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "P1.labels").write_text("\n".join(view[:2] + ["# kind: article", *ranges]) + "\n", encoding="utf-8")
    pages = build_annotated_pages(tmp_path / "html", tmp_path / "labels", tmp_path / "index.jsonl", tmp_path / "out.jsonl")
    assert pages[0].texts == lines


def test_labelled_pages_are_shown_without_labels_and_long_lines_are_cut(tmp_path):
    page = Page("T1", "example.cn", ["首页", "", "正" * 1000], ["navigation", None, "content"])
    write_pages([page], tmp_path / "pages.jsonl")
    tool = load_script("annotation_views", "tools")
    assert tool.main(["--pages", str(tmp_path / "pages.jsonl"), "--ids", "T1", "-o", str(tmp_path / "views")]) == 0
    view = (tmp_path / "views" / "T1.txt").read_text(encoding="utf-8")
    assert "# extractor: none" in view and "navigation" not in view and "content" not in view
    assert f"…[+{1000 - tool.SHOWN_CHARS} chars]" in view
    assert tool.main(["--pages", str(tmp_path / "pages.jsonl"), "--ids", "T9", "-o", str(tmp_path / "views")]) == 2
