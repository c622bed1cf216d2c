"""What a crawl holds, through ``boilerplate-ml clean``: WARC/WET, parquet, .zst, pages in GB18030 and Big5."""

from __future__ import annotations

import gzip
import json
import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from click.testing import CliRunner

from boilerplate_ml.cli import main
from boilerplate_ml.text_encoding import decode_page
from sample_data import handwritten_page, warc_record, wet_file

PAGE = handwritten_page().text
GB_PAGE = "新华社北京电 记者从国家统计局获悉，今年前三季度国内生产总值同比增长。\n责任编辑：张三\n首页 | 新闻 | 体育 | 财经"
BIG5_PAGE = "中央社記者今天從國家統計局獲悉，今年前三季度國內生產總值同比增長。\n責任編輯：張三\n首頁 | 新聞 | 體育"


@pytest.fixture()
def run(tiny_model_dir):
    def invoke(*args: str):
        return CliRunner().invoke(main, ["clean", "--model", tiny_model_dir, "--device", "cpu", "--threshold", "0", *args])

    return invoke


def _records(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name, compress", [("crawl.warc.wet.gz", gzip.compress), ("crawl.wet", bytes),
                                            ("crawl.warc.zst", zstandard.compress), ("crawl.txt", bytes)])
def test_each_wet_conversion_record_is_a_page_with_its_url_and_record_id(run, tmp_path, name, compress):
    source = tmp_path / name
    source.write_bytes(compress(wet_file([("http://a.test/1", PAGE), ("http://a.test/2", "第二页\n只有两行")])))
    out = tmp_path / "out.jsonl"
    result = run(str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    records = _records(out)  # a WET named .txt is read as WET too, not as one page with its headers
    assert [r["url"] for r in records] == ["http://a.test/1", "http://a.test/2"]
    assert [r["warc_record_id"] for r in records] == [f"<urn:uuid:00000000-0000-0000-0000-{n:012d}>" for n in (1, 2)]
    assert records[0]["text"] == PAGE and records[1]["clean_text"] == "第二页\n只有两行"
    assert all(r["path"] == str(source) for r in records)


def test_a_warc_of_text_plain_responses_gives_pages_and_html_ones_are_left_out(run, tmp_path):
    def response(body: str, content_type: str, number: int) -> bytes:
        http = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n\r\n".encode() + body.encode()
        return warc_record("response", http, number, f"http://b.test/{number}", content_type="application/http; msgtype=response")

    source = tmp_path / "crawl.warc.gz"
    source.write_bytes(gzip.compress(response("<p>网页</p>", "text/html", 1) + response("纯文本\n第二行", "text/plain; charset=utf-8", 2)))
    out = tmp_path / "out.jsonl"
    result = run(str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert [(r["url"], r["text"]) for r in _records(out)] == [("http://b.test/2", "纯文本\n第二行")]


def test_a_warc_without_text_records_is_an_error_not_an_empty_crawl(run, tmp_path):
    source = tmp_path / "html.warc"
    source.write_bytes(warc_record("warcinfo", b"software: tests\r\n", 0)
                       + warc_record("resource", b"<p>x</p>", 1, "http://c.test/", content_type="text/html"))
    result = run(str(source), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1 and f"{source}: WARC file holds no text record" in result.output
    assert not (tmp_path / "out.jsonl").exists()


def test_a_truncated_wet_record_is_named_and_the_run_writes_nothing(run, tmp_path):
    source = tmp_path / "cut.wet"
    source.write_bytes(wet_file([("http://a.test/1", PAGE), ("http://a.test/2", "第二页\n只有两行")])[:-12])
    result = run(str(source), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1 and f"{source}: record 3 (byte" in result.output and "record cut short" in result.output
    assert not (tmp_path / "out.jsonl").exists()
    result = run(str(source), "-o", str(tmp_path / "out.jsonl"), "--on-error", "skip")
    assert result.exit_code == 0 and [r["url"] for r in _records(tmp_path / "out.jsonl")] == ["http://a.test/1"]


def test_a_wet_whose_only_record_is_bad_reports_that_record_alone(run, tmp_path):
    source = tmp_path / "cut.wet"
    source.write_bytes(wet_file([("http://a.test/1", PAGE)])[:-12])
    result = run(str(source), "-o", str(tmp_path / "out.jsonl"), "--on-error", "skip")
    assert "skipped 1 bad records" in result.output and "record cut short" in result.output
    assert "holds no text record" not in result.output, "it holds one, cut short"


def test_a_file_that_is_not_warc_named_wet_is_one_clear_error(run, tmp_path):
    source = tmp_path / "plain.wet"
    source.write_text("这不是WARC文件\n", encoding="utf-8")
    result = run(str(source), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1 and f"{source}: record 1: cannot read as WARC" in result.output


def test_parquet_with_a_text_field_keeps_its_other_columns(run, tmp_path):
    source = tmp_path / "data.parquet"
    pq.write_table(pa.table({"id": [7, 8], "body": [PAGE, "第二页"], "lang": ["zh", "zh"]}), source, row_group_size=1)
    out = tmp_path / "out.jsonl"
    result = run(str(source), "-o", str(out), "--text-field", "body")
    assert result.exit_code == 0, result.output
    assert [(r["id"], r["lang"], r["clean_text"]) for r in _records(out)][1] == (8, "zh", "第二页")
    assert _records(out)[0]["body"] == PAGE


def test_parquet_errors_name_the_file_and_the_row(run, tmp_path):
    source = tmp_path / "data.parquet"
    pq.write_table(pa.table({"text": ["第一页", None]}), source)
    result = run(str(source), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1 and f"{source}: row 2: field 'text' is not a string" in result.output
    result = run(str(source), "-o", str(tmp_path / "out.jsonl"), "--text-field", "body")
    assert result.exit_code == 1 and f"{source}: no column 'body' (columns: text)" in result.output


def test_zstd_json_lines_and_a_truncated_one_named_by_line(run, tmp_path):
    source = tmp_path / "pages.jsonl.zst"
    lines = "".join(json.dumps({"text": f"第{i}页"}, ensure_ascii=False) + "\n" for i in range(200))
    source.write_bytes(zstandard.compress(lines.encode()))
    out = tmp_path / "out.jsonl"
    result = run(str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert [r["clean_text"] for r in _records(out)] == [f"第{i}页" for i in range(200)]
    source.write_bytes(zstandard.compress(lines.encode())[:-40])
    result = run(str(source), "-o", str(out))
    assert result.exit_code == 1 and re.search(rf"{re.escape(str(source))}:\d+: cannot read past line", result.output)


@pytest.mark.parametrize("text, encoding", [(GB_PAGE, "gb18030"), (BIG5_PAGE, "big5")])
def test_gb18030_and_big5_pages_come_out_as_utf8(run, tmp_path, text, encoding):
    source = tmp_path / "page.txt"
    source.write_bytes(text.encode(encoding))
    out = tmp_path / "out.jsonl"
    result = run(str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "\\u" not in out.read_text(encoding="utf-8") and _records(out)[0]["clean_text"] == text
    wet = tmp_path / "crawl.wet.gz"
    wet.write_bytes(gzip.compress(wet_file([("http://gb.test/", text)], encoding=encoding)))
    result = run(str(wet), "-o", str(out), "--input-encoding", encoding)
    assert result.exit_code == 0, result.output
    assert _records(out)[0]["text"] == text


def test_an_encoding_named_wrongly_or_unknown_is_a_clear_error(run, tmp_path):
    source = tmp_path / "page.txt"
    source.write_bytes(GB_PAGE.encode("gb18030"))
    result = run(str(source), "-o", str(tmp_path / "out.jsonl"), "--input-encoding", "utf-8")
    assert result.exit_code == 1 and f"{source}:1: invalid utf-8 at byte 0" in result.output
    result = run(str(source), "-o", str(tmp_path / "out.jsonl"), "--input-encoding", "klingon")
    assert result.exit_code == 2 and "unknown encoding 'klingon'" in result.output


def test_auto_keeps_valid_utf8_exact():
    text = "第一行\n\u3000第二行 ©"
    assert decode_page(text.encode("utf-8")) == text


def test_a_folder_yields_its_wet_parquet_and_zst_files_and_stdin_takes_warc(run, tiny_model_dir, tmp_path):
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "a.wet.gz").write_bytes(gzip.compress(wet_file([("http://a.test/", "甲页")])))
    pq.write_table(pa.table({"text": ["乙页"]}), folder / "b.parquet")
    (folder / "c.jsonl.zst").write_bytes(zstandard.compress('{"text": "丙页"}\n'.encode()))
    out = tmp_path / "out.jsonl"
    result = run(str(folder), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert [r["clean_text"] for r in _records(out)] == ["甲页", "乙页", "丙页"]
    result = CliRunner().invoke(main, ["clean", "-", "-o", "-", "--model", tiny_model_dir, "--device", "cpu",
                                       "--threshold", "0", "--stdin-format", "warc"], input=wet_file([("http://s.test/", "标准输入")]))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["url"] == "http://s.test/"
