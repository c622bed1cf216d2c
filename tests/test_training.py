"""Tiny end-to-end runs on generated data: pretrain, fine-tune from a hub-like name, save, reload."""

from __future__ import annotations

import json
import shutil
from types import SimpleNamespace

import pytest
import torch

from boilerplate_ml.config import load_config
from boilerplate_ml.pages import Page, write_pages
from boilerplate_ml.predictor import Predictor
from boilerplate_ml.pretraining import load_pretrain_config, pretrain
from boilerplate_ml.stage_training import train_ngram_stage, train_tagger_stage
from boilerplate_ml.training import WeightAverager, train
from sample_data import ARTICLES, generated_pages, write_articles

TINY_WINDOWS = "{line_tokens: 8, tail_tokens: 2, window_tokens: 64, stride: 0.5}"


def _write_pages(tmp_path):
    pages = generated_pages(24, seed=3)
    write_pages(pages[:18], tmp_path / "train.jsonl")
    write_pages(pages[18:], tmp_path / "test.jsonl")


def _finetune_config(tmp_path, base: str, select_best: bool = True, average_from: float | None = None) -> str:
    path = tmp_path / "finetune.yaml"
    path.write_text(
        f"""
name: tiny
seed: 1
output_dir: {tmp_path}/run
export_dir: {tmp_path}/model
data:
  train: [{{path: {tmp_path}/train.jsonl, validate: true, about: generated test pages}}]
  validation_fraction: 0.3
  test: {tmp_path}/test.jsonl
model:
  base: {base}
  shape: {{layers: 1, hidden: 32, heads: 2, intermediate: 64, max_positions: 64}}
  vocab_size: 600
  windows: {TINY_WINDOWS}
training: {{max_steps: 4, eval_steps: 2, batch_size: 8, logging_steps: 1, select_best: {str(select_best).lower()},
           average_from: {"null" if average_from is None else average_from}, average_every: 1}}
""",
        encoding="utf-8",
    )
    return str(path)


def _check_exported(model_dir, tmp_path):
    for name in ("model.safetensors", "tokenizer.json", "config.json", "metrics.json", "README.md"):
        assert (model_dir / name).is_file(), name
    from boilerplate_ml.jsonl import current_umask

    weights_mode = (model_dir / "model.safetensors").stat().st_mode & 0o777
    assert weights_mode == 0o666 & ~current_umask(), "weights as readable as the umask allows (safetensors writes 0600)"
    metrics = json.loads((model_dir / "metrics.json").read_text())
    assert 0.0 <= metrics["test"]["line_f1"] <= 1.0 and metrics["test"]["pages"] == 6
    assert "line_f1" in metrics["validation"]
    card = (model_dir / "README.md").read_text()
    assert f"{tmp_path}/train.jsonl" in card and f"{metrics['test']['line_f1']:.3f}" in card
    assert "| generated test pages |" in card  # the source's `about`
    assert "library_name: boilerplate-ml" in card and "pipeline_tag" not in card, "transformers alone cannot run the folder"
    assert f'boilerplate_ml.Predictor.from_pretrained("{model_dir}")' in card
    assert json.loads((model_dir / "pipeline.json").read_text()) == {"stages": [{"stage": "line_classifier"}]}
    assert "1 layers, hidden 32, 2 heads" in card, "the model's real shape, read from its config"
    assert '"epochs"' not in card and '"max_steps": 4' in card, "max_steps governs, so the ignored epochs is not shown"
    from safetensors import safe_open

    with safe_open(str(model_dir / "model.safetensors"), "pt") as weights:
        assert {weights.get_slice(name).get_dtype() for name in weights.keys()} == {"F16"}, "stored at half size"
    predictor = Predictor.from_pretrained(model_dir, device="cpu")
    assert predictor.model.dtype == torch.float32, "computed in float32"
    page = "首页 新闻\n\n" + "\n".join(ARTICLES[0].paragraphs)
    assert [p.text for p in predictor.predict(page)] == page.split("\n")


def test_finetune_from_scratch_saves_and_reloads(tmp_path):
    _write_pages(tmp_path)
    (tmp_path / "model").mkdir()  # an older model there, whose refiner must not survive
    (tmp_path / "model" / "config.json").write_text("{}", encoding="utf-8")
    (tmp_path / "model" / "refiner.safetensors").write_bytes(b"stale")
    model_dir = train(load_config(_finetune_config(tmp_path, "null")))
    _check_exported(model_dir, tmp_path)
    assert not (model_dir / "refiner.safetensors").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [], "no staging folder left"
    assert "checkpoint-" in json.loads((model_dir / "metrics.json").read_text())["exported_checkpoint"]
    assert (tmp_path / "run" / "base" / "tokenizer.json").is_file(), "built base is saved in HF format first"


def test_the_ngram_stage_adds_an_ngram_model_trained_on_the_runs_own_pages(tmp_path):
    _write_pages(tmp_path)
    model_dir = train(load_config(_finetune_config(tmp_path, "null")))
    card = model_dir / "README.md"
    card.write_text(card.read_text() + "\n## Page-level refiner\nfigures\n")  # as the refiner stage leaves it
    report = train_ngram_stage(model_dir, tmp_path / "test.jsonl")

    assert (model_dir / "ngrams.safetensors").is_file() and Predictor.from_pretrained(model_dir, device="cpu").ngrams
    metrics = json.loads((model_dir / "metrics.json").read_text())
    assert metrics["ngrams"] == json.loads(json.dumps(report))
    assert report["training_pages"] == sum(source["pages"] for source in metrics["data"]["sources"])
    assert set(report["test"]) == {"line_classifier", "ngrams", "averaged"}
    text = card.read_text()
    assert text.index("## Character n-gram model") < text.index("## Page-level refiner"), "before the refiner it feeds"
    assert f"{report['test']['averaged']['line_f1']:.3f}" in text and text.endswith("figures\n")


def test_the_tagger_stage_adds_a_page_tagger_trained_on_the_runs_own_pages(tmp_path):
    _write_pages(tmp_path)
    model_dir = train(load_config(_finetune_config(tmp_path, "null")))
    report = train_tagger_stage(model_dir, tmp_path / "test.jsonl", epochs=1, members=2, hash_bits=10)

    assert (model_dir / "tagger.safetensors").is_file()
    tagger = Predictor.from_pretrained(model_dir, device="cpu").tagger
    assert len(tagger.members) == 2 and tagger.spec.hash_bits == 10
    assert "the mean of 2 taggers from seeds 0-1" in (model_dir / "README.md").read_text()
    metrics = json.loads((model_dir / "metrics.json").read_text())
    assert report["training_pages"] == sum(source["pages"] for source in metrics["data"]["sources"])
    assert set(report["test"]) == {"without_tagger", "tagger", "averaged"}
    assert f"{report['test']['averaged']['line_f1']:.3f}" in (model_dir / "README.md").read_text().split("## Page tagger")[1]

    # Extra pages are added, less those of the validation sites.
    validation_site = metrics["data"]["validation_sites"][0]
    extra = [Page(f"E{i}", source, ["首页 新闻", "另一种抽取方式下的正文。"], ["navigation", "content"])
             for i, source in enumerate(["elsewhere.example", "elsewhere.example", validation_site])]
    write_pages(extra, tmp_path / "extra.jsonl")
    report = train_tagger_stage(model_dir, epochs=1, members=1, extra_pages=(tmp_path / "extra.jsonl",))
    assert report["extra_pages"] == {"files": [str(tmp_path / "extra.jsonl")], "pages": 2}
    assert f"and 2 more pages from {tmp_path / 'extra.jsonl'}" in (model_dir / "README.md").read_text()


@pytest.mark.slow
def test_pretrain_then_finetune_through_a_hub_like_name(tmp_path, monkeypatch):
    _write_pages(tmp_path)
    write_articles(tmp_path / "articles.jsonl.gz")
    pretrain_yaml = tmp_path / "pretrain.yaml"
    pretrain_yaml.write_text(
        f"""
name: tiny-base
output_dir: {tmp_path}/pretrain
export_dir: {tmp_path}/base-export
corpus: {{articles: "{tmp_path}/*.jsonl.gz", max_articles_per_file: 12, pages: ["{tmp_path}/train.jsonl"], heldout_fraction: 0.2}}
shape: {{layers: 1, hidden: 32, heads: 2, intermediate: 64, max_positions: 64}}
vocab_size: 600
windows: {TINY_WINDOWS}
training: {{max_steps: 4, batch_size: 4, logging_steps: 1, eval_steps: 2, save_steps: 2}}
""",
        encoding="utf-8",
    )
    base = pretrain(load_pretrain_config(pretrain_yaml))
    stats = json.loads((base / "pretrain_metrics.json").read_text())
    assert stats["heldout_loss"] > 0 and 0.0 <= stats["heldout_masked_accuracy"] <= 1.0
    assert (base / "mlm_loss.png").stat().st_size > 1000
    assert "Held-out MLM loss" in (card := (base / "README.md").read_text()) and "pretrained from scratch" in card

    # A hub id such as "hfl/rbt3" resolves to a local folder of that name first: same code path.
    monkeypatch.chdir(tmp_path)
    shutil.copytree(base, tmp_path / "hfl" / "rbt-tiny")
    model_dir = train(load_config(_finetune_config(tmp_path, "hfl/rbt-tiny", select_best=False)))
    _check_exported(model_dir, tmp_path)
    assert json.loads((model_dir / "metrics.json").read_text())["exported_checkpoint"] == "last (step 4)"
    assert not (tmp_path / "run" / "base").exists(), "a named base is used as it is, not rebuilt"
    card = (model_dir / "README.md").read_text()
    assert "hfl/rbt-tiny" in card and '"shape"' not in card, "a named base's card shows no shape it does not have"


def test_weight_averager_exports_the_mean_of_the_sampled_weights():
    model = torch.nn.Linear(1, 1)
    averager = WeightAverager(start=0.5, every=2)
    state = SimpleNamespace(max_steps=6, global_step=0)
    averager.on_train_begin(None, state, None)
    for step in range(1, 7):
        state.global_step = step
        with torch.no_grad():
            model.weight.fill_(step)
        averager.on_step_end(None, state, None, model=model)
    assert averager.steps == [3, 5, 6], "from half-way, every 2nd step, and always the last"
    averager.apply(model)
    assert model.weight.item() == pytest.approx((3 + 5 + 6) / 3)


@pytest.mark.slow
def test_finetune_with_weight_averaging_reports_both(tmp_path):
    _write_pages(tmp_path)
    model_dir = train(load_config(_finetune_config(tmp_path, "null", select_best=False, average_from=0.5)))
    metrics = json.loads((model_dir / "metrics.json").read_text())
    assert metrics["exported_checkpoint"] == "mean of 3 weights at steps 2-4"
    assert "line_f1" in metrics["validation_last_step"] and "line_f1" in metrics["validation"]
    card = (model_dir / "README.md").read_text()
    assert "mean of the late steps' weights" in card and "last step's weights alone" in card
    last = Predictor.from_pretrained(tmp_path / "run" / "checkpoints" / "checkpoint-4", device="cpu")
    averaged = Predictor.from_pretrained(model_dir, device="cpu")
    weights = [dict(p.model.named_parameters())["classifier.weight"] for p in (last, averaged)]
    assert not torch.equal(*weights), "the export is the mean, not the last step"


@pytest.mark.slow
def test_a_run_that_fails_late_leaves_the_previous_model_whole(tmp_path, monkeypatch):
    _write_pages(tmp_path)
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "config.json").write_text("{}", encoding="utf-8")

    def fail(*args):
        raise RuntimeError("scoring the test pages failed")

    monkeypatch.setattr("boilerplate_ml.training.score_test_pages", fail)
    with pytest.raises(RuntimeError, match="scoring the test pages failed"):
        train(load_config(_finetune_config(tmp_path, "null")))
    assert [p.name for p in (tmp_path / "model").iterdir()] == ["config.json"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [], "no half-written folder beside it"


def test_a_bad_test_page_fails_before_training(tmp_path):
    from boilerplate_ml.jsonl import InputError

    _write_pages(tmp_path)
    (tmp_path / "test.jsonl").write_text('{"id": "t", "lines": [{"text": "x", "label": "Content"}]}\n', encoding="utf-8")
    with pytest.raises(InputError, match="test.jsonl:1: lines\\[0\\] has unknown label 'Content'"):
        train(load_config(_finetune_config(tmp_path, "null")))
    assert not (tmp_path / "run" / "checkpoints").exists(), "nothing was trained"


def test_pages_of_one_site_cannot_be_split_for_validation(tmp_path):
    from boilerplate_ml.config import ConfigError

    _write_pages(tmp_path)
    one_site = [Page(f"p{i}", "www.only.cn", ["正文。"], ["content"]) for i in range(5)]
    write_pages(one_site, tmp_path / "train.jsonl")
    with pytest.raises(ConfigError, match="fewer than two sites"):
        train(load_config(_finetune_config(tmp_path, "null")))
