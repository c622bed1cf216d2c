"""The helper scripts on small inputs: figures printed for what a run folder holds, and nothing written on refusal."""

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
    assert load_script("report_runs").main([str(tmp_path / "scored"), str(tmp_path / "fold")]) == 0
    rows = capsys.readouterr().out.splitlines()[2:]
    assert rows == [
        "| scored | a.jsonl (1) | 10 | 0.500 | 0.100 | 0.200 | 0.300 | 0.400 |",
        "| fold | a.jsonl (1) | 10 | 0.500 | - | - | - | - |",
    ]


def test_train_refiner_refuses_a_folder_without_metrics_before_any_work(tmp_path):
    (tmp_path / "model").mkdir()
    with pytest.raises(SystemExit) as stopped:
        load_script("train_refiner").main(["--model", str(tmp_path / "model"), "--fold", "m", "p.jsonl"])
    assert stopped.value.code == 2
    assert list((tmp_path / "model").iterdir()) == []
