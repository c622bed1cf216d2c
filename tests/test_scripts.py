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


def test_train_refiner_checks_every_input_before_any_work(tmp_path, capsys):
    model = tmp_path / "model"
    _run_folder(model, with_test=False)
    (model / "README.md").write_text("card", encoding="utf-8")
    fold = tmp_path / "fold"
    fold.mkdir()
    (fold / "config.json").write_text("{}", encoding="utf-8")
    pages = tmp_path / "pages.jsonl"
    pages.write_text("", encoding="utf-8")
    for extra, message in [
        (["--fold", str(tmp_path / "nope"), str(pages)], "not a model folder"),
        (["--fold", str(fold), str(tmp_path / "nope.jsonl")], "no such pages file"),
        (["--fold", str(fold), str(pages), "--test", str(tmp_path / "nope.jsonl")], "--test"),
    ]:
        with pytest.raises(SystemExit) as stopped:
            load_script("train_refiner").main(["--model", str(model), *extra])
        assert stopped.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.parametrize("script", ["train_ngrams", "train_tagger"])
def test_scripts_that_add_a_part_refuse_a_folder_or_test_file_that_is_not_there(script, tmp_path, capsys):
    model = tmp_path / "model"
    model.mkdir()
    for name in ("config.json", "metrics.json"):
        (model / name).write_text("{}", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        load_script(script).main(["--model", str(model)])
    assert stopped.value.code == 2 and "README.md not found: --model must be a folder exported" in capsys.readouterr().err
    (model / "README.md").write_text("card", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        load_script(script).main(["--model", str(model), "--test", str(tmp_path / "nope.jsonl")])
    assert stopped.value.code == 2 and f"--test {tmp_path / 'nope.jsonl'}: no such pages file" in capsys.readouterr().err
    assert sorted(p.name for p in model.iterdir()) == ["README.md", "config.json", "metrics.json"], "nothing written"


def test_train_tagger_refuses_extra_pages_that_are_not_there_before_any_work(tmp_path, capsys):
    model = tmp_path / "model"
    model.mkdir()
    for name in ("config.json", "metrics.json", "README.md"):
        (model / name).write_text("{}", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        load_script("train_tagger").main(["--model", str(model), "--extra-pages", str(tmp_path / "views.jsonl")])
    assert stopped.value.code == 2 and f"--extra-pages {tmp_path / 'views.jsonl'}: no such pages file" in capsys.readouterr().err
    assert sorted(p.name for p in model.iterdir()) == ["README.md", "config.json", "metrics.json"], "nothing written"


def test_train_tagger_refuses_a_hash_size_out_of_range_before_any_work(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        load_script("train_tagger").main(["--model", str(tmp_path / "model"), "--hash-bits", "30"])
    assert stopped.value.code == 2 and "--hash-bits must be between 8 and 24" in capsys.readouterr().err


def test_report_runs_names_a_folder_that_is_not_a_run(tmp_path, capsys):
    (tmp_path / "base").mkdir()
    with pytest.raises(SystemExit) as stopped:
        load_script("report_runs").main([str(tmp_path / "base")])
    assert stopped.value.code == 2 and "no metrics.json" in capsys.readouterr().err


def test_benchmark_names_a_record_that_is_not_a_page(tmp_path, capsys):
    source = tmp_path / "index.jsonl"
    source.write_text('{"text": "正文"}\n{"id": "A1", "site": "a.test"}\n', encoding="utf-8")
    assert load_script("benchmark").main([str(source)]) == 2
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
        load_script(script).main(args)
    assert stopped.value.code == 2 and message in capsys.readouterr().err


def test_train_ngrams_refuses_a_folder_that_is_not_a_run_before_any_work(tmp_path, capsys):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        load_script("train_ngrams").main(["--model", str(tmp_path / "model")])
    assert stopped.value.code == 2 and "metrics.json not found" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "model").iterdir()] == ["config.json"]


def test_train_ngrams_names_a_missing_training_file_in_one_line(tmp_path, capsys):
    model = tmp_path / "model"
    _run_folder(model, with_test=False)
    (model / "config.json").write_text("{}", encoding="utf-8")
    (model / "README.md").write_text("card", encoding="utf-8")
    assert load_script("train_ngrams").main(["--model", str(model)]) == 2
    assert "data/a.jsonl" in capsys.readouterr().err
    assert not (model / "ngrams.safetensors").exists()
