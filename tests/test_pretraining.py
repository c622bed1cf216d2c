"""Span masking for MLM pretraining: spans of characters, never special tokens, about 15% masked."""

from __future__ import annotations

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
