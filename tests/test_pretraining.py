"""MLM pretraining: span masking, continuing from a checkpoint, and configs that cannot run."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from boilerplate_ml.pretraining import IGNORE, SpanMaskingCollator


@pytest.fixture(scope="module")
def collator(tiny_model_dir):
    from transformers import AutoTokenizer

    return SpanMaskingCollator(AutoTokenizer.from_pretrained(tiny_model_dir), mlm_probability=0.15, max_span=3, seed=0)


def test_span_mask_covers_the_share_in_runs_and_only_where_allowed(collator):
    allowed = np.ones((64, 200), dtype=bool)
    allowed[:, ::10] = False  # markers and [CLS]/[SEP] stand here
    masked = collator.span_mask(allowed)
    assert not (masked & ~allowed).any()
    share = masked.sum() / allowed.sum()
    assert 0.15 <= share <= 0.18
    starts = masked & ~np.roll(masked, 1, axis=1)
    mean_run = masked.sum() / starts.sum()
    assert 1.3 < mean_run <= 3.0, "spans, not single tokens"


def test_collator_never_masks_special_tokens_and_labels_only_masked_positions(collator):
    tokenizer = collator.tokenizer
    ids = tokenizer("[L5]今天天气很好我们一起去公园散步吧明天下雨", add_special_tokens=True)["input_ids"]
    batch = collator([ids] * 32)
    original = torch.tensor([ids] * 32)
    labelled = batch["labels"] != IGNORE
    special = torch.tensor(tokenizer.get_special_tokens_mask(ids, already_has_special_tokens=True), dtype=torch.bool)
    assert labelled.any() and not (labelled & special).any()
    assert torch.equal(batch["labels"][labelled], original[labelled])
    assert torch.equal(batch["input_ids"][~labelled], original[~labelled])
    assert (batch["input_ids"][labelled] == tokenizer.mask_token_id).float().mean() > 0.6


@pytest.fixture()
def article_glob(tmp_path) -> str:
    from sample_data import write_articles

    write_articles(tmp_path / "articles.jsonl.gz", copies=6)
    return str(tmp_path / "*.jsonl.gz")


def tiny_pretrain_config(article_glob: str, output_dir, init_from: str | None):
    from conftest import TINY_SHAPE

    from boilerplate_ml.pretraining import CorpusConfig, PretrainConfig, PretrainTrainingConfig
    from boilerplate_ml.windows import WindowSpec

    return PretrainConfig(
        name="tiny-base",
        corpus=CorpusConfig(articles=article_glob, max_articles_per_file=24, heldout_fraction=0.2),
        init_from=init_from,
        shape=TINY_SHAPE,
        vocab_size=300,
        windows=WindowSpec(line_tokens=8, tail_tokens=2, window_tokens=64, stride=1.0),
        training=PretrainTrainingConfig(max_steps=3, batch_size=4, logging_steps=1, eval_steps=3, save_steps=3),
        output_dir=str(output_dir),
    )


def test_pretraining_continues_from_a_checkpoint_with_its_tokenizer(tiny_base_dir, article_glob, tmp_path):
    import json

    from safetensors.torch import load_file
    from transformers import AutoTokenizer

    from boilerplate_ml.pretraining import pretrain
    from boilerplate_ml.windows import LINE_MARKERS

    export = pretrain(tiny_pretrain_config(article_glob, tmp_path / "run", init_from=tiny_base_dir))

    base_vocab = AutoTokenizer.from_pretrained(tiny_base_dir).get_vocab()
    vocab = AutoTokenizer.from_pretrained(export).get_vocab()
    assert {token: vocab[token] for token in base_vocab} == base_vocab, "the base's tokens keep their ids"
    assert set(vocab) - set(base_vocab) == set(LINE_MARKERS)
    before = load_file(f"{tiny_base_dir}/model.safetensors")
    after = load_file(f"{export}/model.safetensors")
    name = "bert.encoder.layer.0.attention.self.query.weight"
    assert before[name].shape == after[name].shape and not torch.equal(before[name], after[name])
    stats = json.loads((export / "pretrain_metrics.json").read_text(encoding="utf-8"))
    assert stats["initial_heldout_loss"] > 0 and stats["heldout_loss"] > 0
    card = (export / "README.md").read_text(encoding="utf-8")
    assert f"continued from `{tiny_base_dir}`" in card and '"vocab_size"' not in card
    assert f"| 0 | {stats['initial_heldout_loss']:.3f} |" in card, "the curve starts at step 0"


@pytest.mark.parametrize(
    "extra, message",
    [
        ("init_from: ./no-such-base\n", "init_from folder not found"),
        ("init_from: {base}\nvocab_size: 500\n", "come from the init_from checkpoint"),
        ("init_from: {base}\nshape: {{layers: 1, hidden: 32, heads: 2}}\n", "come from the init_from checkpoint"),
        ("training: {{max_span: 0}}\n", "training.max_span must be at least 1"),
        ("training: {{mlm_probability: 1.5}}\n", "training.mlm_probability must lie in (0, 1)"),
        ("windows: {{line_tokens: 0}}\n", "windows.line_tokens must be at least 1"),
        ("training: {{learning_rate: 0}}\n", "training.learning_rate must be positive"),
        ("export_dir: {holder}\n", "holds files but no model"),
    ],
)
def test_pretrain_config_rejects_what_cannot_run(tiny_base_dir, article_glob, tmp_path, extra, message):
    from boilerplate_ml.config import ConfigError
    from boilerplate_ml.pretraining import load_pretrain_config

    holder = tmp_path / "models"  # a folder of models, not a model: the export would replace it whole
    (holder / "other-model").mkdir(parents=True)
    path = tmp_path / "pretrain.yaml"
    path.write_text(
        f"name: x\ncorpus: {{articles: '{article_glob}'}}\n" + extra.format(base=tiny_base_dir, holder=holder), encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_pretrain_config(path)
