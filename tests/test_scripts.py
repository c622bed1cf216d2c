"""The measurement tools on small inputs: figures printed for what a run folder holds, and bad arguments refused in one line."""

from __future__ import annotations

import json

import pytest

from conftest import load_script


def _run_folder(path, with_test: bool) -> None:
    path.mkdir()
    metrics = {"validation": {"line_f1": 0.5}, "log_history": [{"step": 10}]}
    if with_test:
        metrics["test"] = {"line_precision": 0.1, "line_recall": 0.2, "line_f1": 0.3, "char_f1": 0.4}
    (path / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    config = {"name": path.name, "data": {"train": [{"path": "data/a.jsonl", "weight": 1.0}]}}
    (path / "training_config.json").write_text(json.dumps(config), encoding="utf-8")


def test_report_runs_prints_a_dash_for_a_run_without_test_pages(tmp_path, capsys):
    _run_folder(tmp_path / "scored", with_test=True)
    _run_folder(tmp_path / "fold", with_test=False)
    assert load_script("report_runs", "tools").main([str(tmp_path / "scored"), str(tmp_path / "fold")]) == 0
    rows = capsys.readouterr().out.splitlines()[2:]
    assert rows == [
        "| scored | a.jsonl (1) | 10 | 0.500 | 0.100 | 0.200 | 0.300 | 0.400 |",
        "| fold | a.jsonl (1) | 10 | 0.500 | - | - | - | - |",
    ]


def test_report_runs_names_a_folder_that_is_not_a_run(tmp_path, capsys):
    (tmp_path / "base").mkdir()
    with pytest.raises(SystemExit) as stopped:
        load_script("report_runs", "tools").main([str(tmp_path / "base")])
    assert stopped.value.code == 2 and "no metrics.json" in capsys.readouterr().err


def test_benchmark_names_a_record_that_is_not_a_page(tmp_path, capsys):
    source = tmp_path / "index.jsonl"
    source.write_text('{"text": "正文"}\n{"id": "A1", "site": "a.test"}\n', encoding="utf-8")
    assert load_script("benchmark", "tools").main([str(source)]) == 2
    assert f"{source}:2: neither a string 'text' field nor LABELS.md 'lines'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "script, args, message",
    [
        ("measure_synth", ["--pages", "0"], "at least 1"),
        ("measure_synth", ["--articles-dir", "/no/such/folder"], "no *.jsonl.gz article file"),
        ("measure_prepare_html", ["--min-coverage", "5"], "in [0, 1]"),
        ("measure_prepare_html", ["--data", "/no/such/folder"], "no pages/dev.jsonl"),
    ],
)
def test_measurement_scripts_refuse_bad_arguments_in_one_line(script, args, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        load_script(script, "tools").main(args)
    assert stopped.value.code == 2 and message in capsys.readouterr().err
