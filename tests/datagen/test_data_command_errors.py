"""Data-building commands on bad input: one line naming the file (and line), no output that looks complete."""

from __future__ import annotations

import gzip
import json

import pytest
from click.testing import CliRunner

from boilerplate_ml.cli import main
from boilerplate_ml.jsonl import InputError
from boilerplate_ml.pages import write_pages
from conftest import load_script
from sample_data import generated_pages, write_articles


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_prepare_html_on_a_missing_or_empty_folder_fails_and_writes_nothing(tmp_path):
    index = tmp_path / "index.jsonl"
    index.write_text('{"id": "A1", "site": "a.test", "has_gold": true}\n', encoding="utf-8")
    (tmp_path / "empty").mkdir()
    for folder, reason in ((tmp_path / "htmll", "no such folder"), (tmp_path / "empty", "folder holds no .html file")):
        out = tmp_path / "out.jsonl"
        result = _invoke("prepare-html", str(folder), "--index", str(index), "-o", str(out), "--report", str(tmp_path / "r.jsonl"))
        assert result.exit_code == 1 and f"{folder}: {reason}" in result.output
        assert not out.exists()


def test_a_malformed_index_line_is_named(tmp_path):
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "A1.html").write_text("<p>正文</p>", encoding="utf-8")
    index = tmp_path / "index.jsonl"
    index.write_text('{"id": "A1", "site": "a.test"}\n{oops\n', encoding="utf-8")
    result = _invoke("prepare-html", str(tmp_path / "html"), "--index", str(index), "-o", str(tmp_path / "o.jsonl"),
                     "--report", str(tmp_path / "r.jsonl"))
    assert result.exit_code == 1 and f"{index}:2: malformed JSON" in result.output


def test_apply_labels_without_label_files_fails(tmp_path):
    (tmp_path / "html").mkdir()
    index = tmp_path / "index.jsonl"
    index.write_text('{"id": "A1", "site": "a.test"}\n', encoding="utf-8")
    result = _invoke("apply-labels", str(tmp_path / "html"), "--labels", str(tmp_path / "lables"), "--index", str(index),
                     "-o", str(tmp_path / "o.jsonl"))
    assert result.exit_code == 1 and "no .labels file" in result.output
    assert not (tmp_path / "o.jsonl").exists()


def test_data_commands_refuse_outputs_they_cannot_write_before_any_work(tmp_path):
    articles = tmp_path / "articles.jsonl.gz"
    write_articles(articles)
    (tmp_path / "html").mkdir()
    index = tmp_path / "index.jsonl"
    index.write_text('{"id": "A1", "site": "a.test", "has_gold": true}\n', encoding="utf-8")
    missing_folder = str(tmp_path / "nodir" / "out.jsonl")
    prepare = ["prepare-html", str(tmp_path / "html"), "--index", str(index)]
    for args, message in [
        (["synth", str(articles), "-o", missing_folder], "its folder does not exist"),
        (["synth", str(articles), "-o", str(tmp_path)], "is a folder"),
        (["synth", str(articles), "-o", str(articles)], "is also an input"),
        ([*prepare, "-o", missing_folder, "--report", str(tmp_path / "r.jsonl")], "its folder does not exist"),
        ([*prepare, "-o", str(tmp_path / "same.jsonl"), "--report", str(tmp_path / "same.jsonl")], "both name"),
        (["apply-labels", str(tmp_path / "html"), "--labels", str(tmp_path), "--index", str(index), "-o", missing_folder],
         "its folder does not exist"),
    ]:
        result = _invoke(*args)
        assert result.exit_code == 1 and message in result.output, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), "one line, no traceback"
    assert articles.read_bytes()[:2] == b"\x1f\x8b", "the input is untouched"


def test_synth_names_a_bad_article_line_and_a_missing_input(tmp_path):
    articles = tmp_path / "articles.jsonl.gz"
    write_articles(articles)
    with gzip.open(articles, "ab") as handle:
        handle.write(b'{"title": "x", "text": 3}\n')
    out = tmp_path / "synth.jsonl"
    result = _invoke("synth", str(articles), "-o", str(out), "--pages", "3", "--articles-max", "100")
    assert result.exit_code == 1 and f"{articles}:13: field 'text' is not a string" in result.output
    assert not out.exists()
    result = _invoke("synth", str(tmp_path / "nope.jsonl"), "-o", str(out))
    assert result.exit_code == 1 and "no such file or folder" in result.output


def test_synth_names_the_line_where_a_truncated_corpus_stops(tmp_path):
    articles = tmp_path / "articles.jsonl.gz"
    write_articles(articles, copies=40)
    whole = articles.read_bytes()
    articles.write_bytes(whole[: len(whole) // 2])
    out = tmp_path / "synth.jsonl"
    result = _invoke("synth", str(articles), "-o", str(out), "--pages", "3")
    assert result.exit_code == 1 and f"{articles}:" in result.output and "cannot read past line" in result.output
    assert not out.exists()


def test_write_pages_interrupted_leaves_no_file(tmp_path):
    def pages_then_failure():
        yield from generated_pages(3)
        raise RuntimeError("generator failed half-way")

    with pytest.raises(RuntimeError):
        write_pages(pages_then_failure(), tmp_path / "pages.jsonl")
    assert list(tmp_path.iterdir()) == []


def test_pretraining_corpus_names_a_bad_article_line(tmp_path):
    from boilerplate_ml.pretraining import CorpusConfig, corpus_documents

    (tmp_path / "a.jsonl").write_text(json.dumps({"title": "t", "text": "正文"}) + "\n\n" + '{"title": "t"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=f"{tmp_path / 'a.jsonl'}:3: missing field 'text'"):
        list(corpus_documents(CorpusConfig(articles=str(tmp_path / "*.jsonl")), seed=0))


def test_train_script_reports_a_bad_record_in_one_line(tmp_path, capsys):
    train_main = load_script("train").main
    pages = tmp_path / "pages.jsonl"
    pages.write_text('{"id": "a", "lines": [{"text": "x", "label": "bogus"}]}\n', encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text(f"name: t\ndata:\n  train: [{{path: {pages}, validate: true}}]\n", encoding="utf-8")
    assert train_main(["--config", str(config)]) == 2
    assert f"error: {pages}:1: lines[0] has unknown label 'bogus'" in capsys.readouterr().err


def test_train_script_reports_a_base_it_cannot_load_in_one_line(tmp_path, capsys, monkeypatch):
    train_main = load_script("train").main
    pages = tmp_path / "pages.jsonl"
    write_pages(generated_pages(6), pages)
    config = tmp_path / "c.yaml"
    config.write_text(f"name: t\ndata:\n  train: [{{path: {pages}, validate: true}}]\nmodel: {{base: some-org/some-bert}}\n", encoding="utf-8")

    def offline(*args, **kwargs):
        raise OSError("We couldn't connect to 'https://huggingface.co' to load the files")

    monkeypatch.setattr("boilerplate_ml.training.load_for_line_classification", offline)
    assert train_main(["--config", str(config)]) == 2
    assert "error: We couldn't connect" in capsys.readouterr().err
