"""The CLI end to end on small inputs, good and bad, called in-process through click's runner."""

from __future__ import annotations

import gzip
import json

import pytest
from click.testing import CliRunner

from boilerplate_ml.cli import main
from boilerplate_ml.pages import write_pages
from sample_data import generated_pages, handwritten_page


@pytest.fixture()
def run(tiny_model_dir):
    def invoke(*args: str, input: str | bytes | None = None):
        return CliRunner().invoke(main, ["clean", "--model", tiny_model_dir, "--device", "cpu", *args], input=input)

    return invoke


def _records(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_txt_files_and_folders(run, tmp_path):
    pages = tmp_path / "pages"
    (pages / "sub").mkdir(parents=True)
    (pages / "a.txt").write_text(handwritten_page().text, encoding="utf-8")
    (pages / "sub" / "b.txt").write_text("只有一行", encoding="utf-8")
    (pages / "ignored.html").write_text("<p>x</p>", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run(str(pages), "-o", str(out), "--threshold", "0")
    assert result.exit_code == 0, result.output
    records = _records(out)
    assert [r["path"] for r in records] == [str(pages / "a.txt"), str(pages / "sub" / "b.txt")]
    assert records[1]["clean_text"] == "只有一行"
    assert records[0]["text"] == handwritten_page().text


def test_jsonl_gz_keeps_fields_and_adds_labels(run, tmp_path):
    source = tmp_path / "in.jsonl.gz"
    with gzip.open(source, "wt", encoding="utf-8") as handle:
        for i, page in enumerate(generated_pages(3)):
            handle.write(json.dumps({"url": f"http://x.test/{i}", "body": page.text}, ensure_ascii=False) + "\n")
    out = tmp_path / "out.jsonl"
    result = run(str(source), "-o", str(out), "--text-field", "body", "--with-labels")
    assert result.exit_code == 0, result.output
    records = _records(out)
    assert [r["url"] for r in records] == ["http://x.test/0", "http://x.test/1", "http://x.test/2"]
    for record in records:
        assert [line["text"] for line in record["lines"]] == record["body"].split("\n")
        kept = [line["text"] for line in record["lines"] if line["keep"]]
        assert [line for line in record["clean_text"].split("\n") if line] == kept


def test_stdin_to_stdout(run):
    line = json.dumps({"text": "第一行\n\n第二行"}, ensure_ascii=False)
    result = run("-", "-o", "-", "--threshold", "0", input=line + "\n")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.splitlines()[0])
    assert record["clean_text"] == "第一行\n\n第二行"


def test_stdin_as_one_text_page(run):
    result = run("-", "-o", "-", "--stdin-format", "txt", "--threshold", "0", input="甲\n乙")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["clean_text"] == "甲\n乙"


BAD_LINES = {
    "malformed": (b"{oops\n", "malformed JSON"),
    "missing-field": (b'{"title": "x"}\n', "missing field 'text'"),
    "not-utf8": (b'{"text": "\xff\xfe"}\n', "invalid UTF-8"),
    "not-string": (b'{"text": 3}\n', "field 'text' is not a string"),
}


@pytest.mark.parametrize("case", BAD_LINES)
def test_bad_record_fails_naming_file_and_line_and_writes_nothing(run, tmp_path, case):
    bad, reason = BAD_LINES[case]
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"text": "good"}\n' + bad + b'{"text": "also good"}\n')
    out = tmp_path / "out.jsonl"
    result = run(str(source), "-o", str(out))
    assert result.exit_code == 1
    assert f"{source}:2: {reason}" in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [source], "no partial file left behind"


def test_skip_mode_keeps_good_records_and_reports(run, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"text": "good"}\n' + b"".join(bad for bad, _ in BAD_LINES.values()) + b'{"text": "also good"}\n')
    out = tmp_path / "out.jsonl"
    result = run(str(source), "-o", str(out), "--on-error", "skip")
    assert result.exit_code == 0, result.output
    assert [r["text"] for r in _records(out)] == ["good", "also good"]
    assert f"skipped {len(BAD_LINES)} bad records" in result.output
    assert f"{source}:3: missing field" in result.output


def test_invalid_utf8_txt_names_its_line(run, tmp_path):
    source = tmp_path / "page.txt"
    source.write_bytes("第一行\n第二行\n".encode() + b"\xff\n")
    result = run(str(source), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1 and f"{source}:3: invalid UTF-8" in result.output


def test_missing_input_and_unsupported_type(run, tmp_path):
    result = run(str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o.jsonl"))
    assert result.exit_code == 1 and "no such file or folder" in result.output
    (tmp_path / "page.html").write_text("x")
    result = run(str(tmp_path / "page.html"), "-o", str(tmp_path / "o.jsonl"))
    assert result.exit_code == 1 and "unsupported file type" in result.output


def test_evaluate_reports_model_and_baselines(tiny_model_dir, tmp_path):
    pages_file = tmp_path / "pages.jsonl"
    write_pages([handwritten_page(), *generated_pages(4)], pages_file)
    result = CliRunner().invoke(main, ["evaluate", str(pages_file), "--model", tiny_model_dir, "--device", "cpu"])
    assert result.exit_code == 0, result.output
    for expected in ("model", "keep every line", "punctuation rule", "confusion matrix", "navigation"):
        assert expected in result.output


def test_evaluate_bad_pages_file_names_line(tiny_model_dir, tmp_path):
    pages_file = tmp_path / "pages.jsonl"
    pages_file.write_text('{"id": "a", "lines": [{"text": "x", "label": "bogus"}]}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", str(pages_file), "--model", tiny_model_dir])
    assert result.exit_code == 1 and f"{pages_file}:1: lines[0] has unknown label 'bogus'" in result.output
