"""The CLI end to end on small inputs, good and bad, called in-process through click's runner."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from click.testing import CliRunner

from boilerplate_ml.cli import main
from boilerplate_ml.pages import Page, write_pages
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
    # The untrained tiny model gives content 0.11-0.14 (about 1/8): 0.125 keeps some lines and drops others.
    result = run(str(source), "-o", str(out), "--text-field", "body", "--with-labels", "--threshold", "0.125")
    assert result.exit_code == 0, result.output
    records = _records(out)
    assert [r["url"] for r in records] == ["http://x.test/0", "http://x.test/1", "http://x.test/2"]
    all_kept, all_labelled = 0, 0
    for record in records:
        assert [line["text"] for line in record["lines"]] == record["body"].split("\n")
        kept = [line["text"] for line in record["lines"] if line["keep"]]
        assert [line for line in record["clean_text"].split("\n") if line] == kept
        all_kept += len(kept)
        all_labelled += sum(line["label"] is not None for line in record["lines"])
    assert 0 < all_kept < all_labelled, "the threshold must split the lines, or the comparison above proves nothing"


def test_keep_labels_and_output_field_are_honoured(run, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"text": generated_pages(1)[0].text}, ensure_ascii=False) + "\n", encoding="utf-8")

    def kept_lines(*options: str) -> int:
        out = tmp_path / "out.jsonl"
        result = run(str(source), "-o", str(out), "--with-labels", "--threshold", "0.3", *options)
        assert result.exit_code == 0, result.output
        (record,) = _records(out)
        return sum(line["keep"] for line in record["lines"])

    # The untrained tiny model gives each label about 1/8: content alone never reaches 0.3, three labels do.
    assert kept_lines() == 0
    assert kept_lines("--keep", "content", "--keep", "navigation", "--keep", "metadata") > 0
    out = tmp_path / "out.jsonl"
    assert run(str(source), "-o", str(out), "--output-field", "article").exit_code == 0
    (record,) = _records(out)
    assert "article" in record and "clean_text" not in record


def test_a_lone_surrogate_record_is_skipped_and_the_good_ones_written(run, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "good"}\n{"text": "bad \\ud800 x"}\n{"text": "also good"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run(str(source), "-o", str(out), "--on-error", "skip")
    assert result.exit_code == 0, result.output
    assert f"{source}:2: field 'text' holds a lone surrogate" in result.output
    assert [record["text"] for record in _records(out)] == ["good", "also good"]


def test_skipped_records_are_listed_up_to_a_limit(run, tmp_path):
    from boilerplate_ml.resume import SKIPS_LISTED

    source = tmp_path / "in.jsonl"
    bad = SKIPS_LISTED + 5
    source.write_text('{"text": "good"}\n' + "{oops\n" * bad, encoding="utf-8")
    result = run(str(source), "-o", str(tmp_path / "out.jsonl"), "--on-error", "skip")
    assert result.exit_code == 0, result.output
    assert f"skipped {bad} bad records:" in result.output and "… and 5 more" in result.output
    assert result.output.count("malformed JSON") == SKIPS_LISTED
    assert len(_records(tmp_path / "out.jsonl")) == 1


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


def test_folders_take_any_case_and_gzipped_forms(run, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "UPPER.TXT").write_text("大写", encoding="utf-8")
    (pages / "page.TXT.GZ").write_bytes(gzip.compress("压缩".encode()))
    (pages / "recs.ndjson.gz").write_bytes(gzip.compress('{"text": "记录"}\n'.encode()))
    (pages / "page.html").write_text("<p>x</p>", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run(str(pages), "-o", str(out), "--threshold", "0")
    assert result.exit_code == 0, result.output
    assert sorted(record["text"] for record in _records(out)) == sorted(["大写", "压缩", "记录"])


def test_a_byte_order_mark_is_not_malformed_json_and_messages_read_well(run, tmp_path):
    source = tmp_path / "bom.jsonl"
    source.write_bytes(b"\xef\xbb\xbf" + '{"text": "第一行"}\n'.encode())
    result = run(str(source), "-o", str(tmp_path / "out.jsonl"), "--threshold", "0")
    assert result.exit_code == 0, result.output
    assert _records(tmp_path / "out.jsonl")[0]["clean_text"] == "第一行"
    source.write_bytes(b'{"text": "a\tb\x01"}\n')
    result = run(str(source), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1 and "malformed JSON (Invalid control character at column" in result.output


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
    number = r"\s+[01]\.\d{3}"
    for system in ("model", "keep every line", "punctuation rule"):
        assert re.search(rf"^{system}\s{3 * number} \|{3 * number}$", result.output, re.MULTILINE), system
    assert "confusion matrix (rows: gold, columns: predicted)" in result.output


def test_evaluate_scores_the_threshold_it_is_given_and_refuses_nothing_to_score(tiny_model_dir, tmp_path):
    pages_file = tmp_path / "pages.jsonl"
    write_pages(generated_pages(4), pages_file)
    result = CliRunner().invoke(main, ["evaluate", str(pages_file), "--model", tiny_model_dir, "--threshold", "0"])
    assert result.exit_code == 0, result.output
    rows = {line[:26].strip(): line[26:] for line in result.output.splitlines() if line.startswith(("model ", "keep every line"))}
    assert rows["model"] == rows["keep every line"], "at threshold 0 the model keeps every line"
    for empty in ("", '{"id": "a", "lines": [{"text": "", "label": null}]}\n'):
        pages_file.write_text(empty, encoding="utf-8")
        result = CliRunner().invoke(main, ["evaluate", str(pages_file), "--model", tiny_model_dir])
        assert result.exit_code == 1 and "no labelled (non-blank) line to score" in result.output


def test_evaluate_lists_the_pages_with_the_most_wrong_keep_decisions(tiny_model_dir, tmp_path):
    pages = generated_pages(4)
    perfect = Page("clean", "none.example", ["只有正文的一行。"], ["content"])
    pages_file = tmp_path / "pages.jsonl"
    write_pages([*pages, perfect], pages_file)
    result = CliRunner().invoke(main, ["evaluate", str(pages_file), "--model", tiny_model_dir, "--threshold", "0", "--worst", "3"])
    assert result.exit_code == 0, result.output
    table = result.output.split("pages with the most wrong keep decisions (model; at most 3)\n")[1].splitlines()
    assert table[0].split() == ["page", "source", "lines", "content", "non-content", "kept", "content", "dropped"]
    # At threshold 0 every line is kept: each page's errors are its non-content lines, and none is dropped.
    rows = [row.split() for row in table[1:]]
    assert len(rows) == 3 and "clean" not in result.output.split("at most 3")[1]
    for page_id, source, lines, content, kept_other, dropped in rows:
        page = next(page for page in pages if page.id == page_id)
        assert (source, int(lines), int(content)) == (page.source, sum(label is not None for label in page.labels), page.labels.count("content"))
        assert (int(kept_other), int(dropped)) == (int(lines) - int(content), 0)
    assert [int(row[4]) for row in rows] == sorted((int(row[4]) for row in rows), reverse=True)
    result = CliRunner().invoke(main, ["evaluate", str(pages_file), "--model", tiny_model_dir])
    assert "wrong keep decisions" not in result.output, "only when asked for"


def test_evaluate_bad_pages_file_names_line(tiny_model_dir, tmp_path):
    pages_file = tmp_path / "pages.jsonl"
    pages_file.write_text('{"id": "a", "lines": [{"text": "x", "label": "bogus"}]}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", str(pages_file), "--model", tiny_model_dir])
    assert result.exit_code == 1 and f"{pages_file}:1: lines[0] has unknown label 'bogus'" in result.output


def test_a_folder_run_leaves_out_its_own_output_and_hidden_files(run, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text("只有一行", encoding="utf-8")
    (pages / ".partial-crashed.jsonl").write_text('{"text": "half"}\n', encoding="utf-8")
    out = pages / "cleaned.jsonl"
    for _ in range(2):  # the second run finds last run's output in the folder
        result = run(str(pages), "-o", str(out), "--threshold", "0")
        assert result.exit_code == 0, result.output
        assert [r["path"] for r in _records(out)] == [str(pages / "a.txt")]


def test_output_file_is_readable_as_the_umask_allows(run, tmp_path):
    import os
    import stat

    (tmp_path / "a.txt").write_text("只有一行", encoding="utf-8")
    previous = os.umask(0o022)
    try:
        result = run(str(tmp_path / "a.txt"), "-o", str(tmp_path / "out.jsonl"))
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "out.jsonl").stat().st_mode) == 0o644


def test_missing_output_folder_is_named_before_any_work(run, tmp_path):
    (tmp_path / "a.txt").write_text("只有一行", encoding="utf-8")
    result = run(str(tmp_path / "a.txt"), "-o", str(tmp_path / "no-such-dir" / "out.jsonl"))
    assert result.exit_code == 1 and "its folder does not exist" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), "no traceback"


def test_an_output_that_is_also_an_input_is_refused_and_the_input_kept(run, tmp_path):
    source = tmp_path / "pages.jsonl"
    source.write_text('{"text": "只有一行"}\n', encoding="utf-8")
    for output in (source, tmp_path / "link.jsonl"):
        if output != source:
            output.symlink_to(source)
        result = run(str(source), "-o", str(output))
        assert result.exit_code == 1 and "is also an input" in result.output, result.output
        assert source.read_text(encoding="utf-8") == '{"text": "只有一行"}\n'


def test_a_bad_record_on_stdout_says_what_was_already_written(run):
    result = run("-", "-o", "-", input='{"text": "good"}\n{oops\n{"text": "after"}\n')
    assert result.exit_code == 1
    assert "<stdin>:2: malformed JSON" in result.output and "the records before it have gone out" in result.output
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()] == ["good"], "what it says went out did"


def test_an_output_that_is_a_folder_is_refused_before_any_work(run, tmp_path):
    (tmp_path / "a.txt").write_text("只有一行", encoding="utf-8")
    result = run(str(tmp_path / "a.txt"), "-o", str(tmp_path))
    assert result.exit_code == 1 and "is a folder" in result.output
    assert not list(tmp_path.glob(".partial-*")), "no temporary file left behind"


def _truncated_gz(path) -> None:
    whole = gzip.compress(b"".join(b'{"text": "line %d"}\n' % i for i in range(2000)))
    path.write_bytes(whole[: len(whole) // 2])


def test_truncated_gzip_names_the_line_where_reading_stopped(run, tmp_path):
    source = tmp_path / "in.jsonl.gz"
    _truncated_gz(source)
    result = run(str(source), "-o", str(tmp_path / "out.jsonl"), "--on-error", "skip")
    assert result.exit_code == 0, result.output
    kept = len(_records(tmp_path / "out.jsonl"))
    assert 0 < kept < 2000 and f"{source}:{kept + 1}: cannot read past line {kept}" in result.output


def test_evaluate_on_a_truncated_gzip_names_file_and_line(tiny_model_dir, tmp_path):
    pages_file = tmp_path / "pages.jsonl.gz"
    whole = gzip.compress(b"".join(json.dumps(handwritten_page().to_record()).encode() + b"\n" for _ in range(300)))
    pages_file.write_bytes(whole[: len(whole) // 2])
    result = CliRunner().invoke(main, ["evaluate", str(pages_file), "--model", tiny_model_dir])
    assert result.exit_code == 1 and f"{pages_file}:" in result.output and "cannot read past line" in result.output


@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--device", "gpu", "unknown device 'gpu'"),
        ("--device", "cuda:7", "CUDA GPU"),
        ("--model", "EMPTY_FOLDER", "not a model folder (no config.json)"),
    ],
)
def test_unusable_device_or_model_is_one_clear_line(tiny_model_dir, tmp_path, option, value, message):
    (tmp_path / "a.txt").write_text("只有一行", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    args = ["--model", tiny_model_dir, option, value.replace("EMPTY_FOLDER", str(tmp_path / "empty"))]
    result = CliRunner().invoke(main, ["clean", *args, str(tmp_path / "a.txt"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1 and message in result.output
    assert isinstance(result.exception, SystemExit), "no traceback"


@pytest.mark.slow
def test_sigterm_stops_a_run_without_leaving_its_temporary_file(tiny_model_dir, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    source = tmp_path / "in.jsonl"
    page = json.dumps({"text": generated_pages(1)[0].text}, ensure_ascii=False)
    source.write_text((page + "\n") * 5000, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "boilerplate_ml.cli", "clean", str(source), "-o", str(out), "--model", tiny_model_dir]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".partial-*")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert list(tmp_path.glob(".partial-*")), "the run should be writing when it is stopped"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == [source], "neither output nor temporary file is left"


def test_with_labels_label_agrees_with_keep(run, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"text": p.text}, ensure_ascii=False) + "\n" for p in generated_pages(3)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run(str(source), "-o", str(out), "--with-labels", "--threshold", "0.125")
    assert result.exit_code == 0, result.output
    lines = [line for record in _records(out) for line in record["lines"] if line["label"] is not None]
    assert {line["keep"] for line in lines} == {True, False}
    assert all((line["label"] == "content") == line["keep"] for line in lines)
