"""Reading labelled pages: valid files load, every defect names its file and line."""

from __future__ import annotations

import gzip
import json

import pytest

from boilerplate_ml.jsonl import InputError
from boilerplate_ml.pages import Page, read_pages, site_of, write_pages
from sample_data import handwritten_page


def _write(path, *records) -> str:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return str(path)


def test_round_trip_keeps_text_labels_and_extra_fields(tmp_path):
    page = handwritten_page()
    page.extra = {"url": "http://example.test/1"}
    path = tmp_path / "p.jsonl"
    write_pages([page], path)
    (loaded,) = read_pages(path)
    assert loaded.text == page.text and loaded.labels == page.labels and loaded.extra == page.extra


def test_gzip_is_read(tmp_path):
    path = tmp_path / "p.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(handwritten_page().to_record(), ensure_ascii=False) + "\n")
    assert [p.id for p in read_pages(path)] == ["hand-1"]


@pytest.mark.parametrize(
    "bad, reason",
    [
        ("{not json", "malformed JSON"),
        ({"id": "x", "lines": [{"text": "菜单", "label": "menu"}]}, "unknown label 'menu'"),
        ({"id": "x", "lines": [{"text": "  ", "label": "content"}]}, "blank but labelled"),
        ({"id": "x", "lines": [{"text": "a\nb", "label": "content"}]}, "newline"),
        ({"id": "x", "lines": [{"label": "content"}]}, "no string 'text'"),
        ({"lines": []}, "missing field 'id'"),
        ([1, 2], "not a JSON object"),
    ],
)
def test_bad_record_names_file_and_line(tmp_path, bad, reason):
    good = handwritten_page().to_record()
    path = _write(tmp_path / "p.jsonl", good, bad)
    with pytest.raises(InputError) as caught:
        list(read_pages(path))
    assert str(caught.value).startswith(f"{path}:2: ")
    assert reason in str(caught.value)


def test_invalid_utf8_names_the_line(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_bytes(json.dumps(handwritten_page().to_record()).encode() + b"\n" + b'{"id": "\xff"}\n')
    with pytest.raises(InputError, match=r"p\.jsonl:2: invalid UTF-8"):
        list(read_pages(path))


def test_site_keeps_sub_hosts_of_one_site_together():
    page = lambda source: Page("x", source, [], [])  # noqa: E731
    assert site_of(page("www.example.com.cn")) == site_of(page("news.example.com.cn")) == "example.com.cn"
    assert site_of(page("bbs.example.org")) == "example.org"
    assert site_of(page("news.example.org")) != site_of(page("news.other.org"))


