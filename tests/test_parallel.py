"""Speed options: worker processes that keep the output's order, torch threads, int8 linear layers."""

from __future__ import annotations

import json
import os

import pytest
import torch
from click.testing import CliRunner

import boilerplate_ml.cli as cli
from boilerplate_ml.predictor import Predictor
from sample_data import generated_pages


def _clean(tiny_model_dir: str, *args: str):
    return CliRunner().invoke(cli.main, ["clean", "--model", tiny_model_dir, "--device", "cpu", "--with-labels", *args])


def test_two_workers_write_what_one_process_writes_in_input_order(tiny_model_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "PAGES_PER_CHUNK", 2)  # 7 pages: 4 chunks spread over both workers
    source = tmp_path / "pages.jsonl"
    source.write_text("".join(json.dumps({"id": i, "text": p.text}, ensure_ascii=False) + "\n"
                              for i, p in enumerate(generated_pages(7))), encoding="utf-8")
    outputs = {}
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.jsonl"
        result = _clean(tiny_model_dir, str(source), "-o", str(out), "--workers", workers, "--threads", "1")
        assert result.exit_code == 0, result.output
        outputs[workers] = out.read_text(encoding="utf-8")
    assert [json.loads(line)["id"] for line in outputs["2"].splitlines()] == list(range(7))
    assert outputs["2"] == outputs["1"]


def test_a_bad_record_under_workers_fails_naming_it_and_writes_nothing(tiny_model_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "PAGES_PER_CHUNK", 2)
    source = tmp_path / "pages.jsonl"
    source.write_text('{"text": "甲"}\n{"text": "乙"}\n{"text": "丙"}\nnot json\n{"text": "丁"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = _clean(tiny_model_dir, str(source), "-o", str(out), "--workers", "2")
    assert result.exit_code == 1 and f"{source}:4: malformed JSON" in result.output and not out.exists()


@pytest.mark.parametrize("resume", [[], ["--resume"]], ids=["plain", "resume"])
def test_a_model_that_does_not_load_in_the_workers_is_one_clear_line(tmp_path, resume):
    source = tmp_path / "pages.jsonl"
    source.write_text('{"text": "甲"}\n', encoding="utf-8")
    result = CliRunner().invoke(cli.main, ["clean", str(source), "-o", str(tmp_path / "o.jsonl"), "--workers", "2",
                                           "--model", str(tmp_path / "no-model"), "--device", "cpu", *resume])
    assert result.exit_code == 1 and "model folder not found" in result.output
    assert os.listdir(tmp_path) == ["pages.jsonl"], "no output, and no part file with nothing to resume from"


def test_threads_set_torch_threads_and_bad_values_are_refused(tiny_model_dir):
    before = torch.get_num_threads()
    try:
        Predictor.from_pretrained(tiny_model_dir, device="cpu", threads=1)
        assert torch.get_num_threads() == 1
        with pytest.raises(ValueError, match="threads must be an integer of at least 1"):
            Predictor.from_pretrained(tiny_model_dir, device="cpu", threads=0)
    finally:
        torch.set_num_threads(before)


def test_quantize_runs_the_linear_layers_in_int8_and_keeps_probabilities_close(tiny_model_dir):
    pages = [page.text for page in generated_pages(5)]
    plain = Predictor.from_pretrained(tiny_model_dir, device="cpu")
    quantized = Predictor.from_pretrained(tiny_model_dir, device="cpu", quantize=True)
    assert not any(type(m) is torch.nn.Linear for m in quantized.model.modules())
    assert any(type(m) is torch.nn.Linear for m in plain.model.modules())
    for a, b in zip(plain.line_probabilities(pages), quantized.line_probabilities(pages)):
        for p, q in zip(a, b):
            assert (p is None) == (q is None)
            if p is not None:
                assert torch.allclose(p, q, atol=0.02)
