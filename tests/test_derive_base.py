"""Bases cut from a pretrained encoder: a tiny made-up e5-like checkpoint (Unigram tokenizer) built offline."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from tokenizers import Tokenizer, models, trainers
from transformers import AutoModel, AutoTokenizer, BertConfig, BertModel, XLMRobertaConfig, XLMRobertaModel, XLMRobertaTokenizer

from boilerplate_ml.config import load_config
from boilerplate_ml.derive_base import choose_vocabulary, cut_tokenizer_json, derive_base, required_ids, token_counts
from boilerplate_ml.modeling import load_for_line_classification
from boilerplate_ml.pages import write_pages
from boilerplate_ml.training import train
from boilerplate_ml.windows import LINE_MARKERS, build_windows, encode_lines
from conftest import TINY_SPEC, load_script
from sample_data import ARTICLES, generated_pages

#: Text the tiny tokenizer learns from; the corpus that chooses the kept vocabulary is a part of it.
ALL_TEXT = [text for article in ARTICLES for text in (article.title, *article.paragraphs)] + [
    "猫和狗在花园里玩耍，小鸟在树上唱歌。", "zebra quartz oxygen", "版权所有 联系我们 关于我们",
]
CORPUS = [text for article in ARTICLES[:2] for text in (article.title, *article.paragraphs)] + ["版权所有 联系我们"]


def tiny_unigram_tokenizer() -> XLMRobertaTokenizer:
    """An XLM-R-style SentencePiece tokenizer: <s> <pad> </s> <unk> first, as XLM-R numbers them."""
    backend = Tokenizer(models.Unigram())
    trainer = trainers.UnigramTrainer(
        vocab_size=300, special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"], unk_token="<unk>", show_progress=False
    )
    backend.train_from_iterator(ALL_TEXT, trainer=trainer)
    return XLMRobertaTokenizer(vocab=[tuple(piece) for piece in json.loads(backend.to_str())["model"]["vocab"]])


@pytest.fixture(scope="module", params=["bert", "xlm-roberta"])
def source_dir(request, tmp_path_factory):
    tokenizer = tiny_unigram_tokenizer()
    shape = dict(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=3, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=130, pad_token_id=tokenizer.pad_token_id)
    torch.manual_seed(0)
    model = BertModel(BertConfig(**shape)) if request.param == "bert" else XLMRobertaModel(XLMRobertaConfig(**shape))
    folder = tmp_path_factory.mktemp(request.param)
    tokenizer.save_pretrained(folder)
    model.save_pretrained(folder)
    return folder


def kept_ids(source_dir) -> list[int]:
    tokenizer = AutoTokenizer.from_pretrained(str(source_dir))
    return choose_vocabulary(token_counts(CORPUS, tokenizer), 1.0, required_ids(tokenizer))


def test_choose_vocabulary_keeps_the_most_frequent_ids_up_to_the_coverage_and_the_required_ones():
    counts = np.array([0, 0, 50, 30, 15, 5, 0])
    assert choose_vocabulary(counts, 0.8, always=[0]) == [0, 2, 3]
    assert choose_vocabulary(counts, 0.95, always=[1]) == [1, 2, 3, 4]
    assert choose_vocabulary(counts, 1.0, always=[]) == [2, 3, 4, 5], "never an id the corpus did not use"
    with pytest.raises(ValueError, match="coverage"):
        choose_vocabulary(counts, 0.0, always=[])


def test_the_derived_base_computes_what_the_originals_first_layers_compute_on_kept_text(source_dir, tmp_path):
    kept = kept_ids(source_dir)
    original_tokenizer = AutoTokenizer.from_pretrained(str(source_dir))
    assert len(kept) < len(original_tokenizer) - 20, "the corpus leaves many pieces out"
    derived_dir = derive_base(source_dir, tmp_path / "derived", layers=2, kept=kept)

    tokenizer = AutoTokenizer.from_pretrained(str(derived_dir))
    model = AutoModel.from_pretrained(str(derived_dir)).eval()
    assert len(tokenizer) == len(kept) == model.config.vocab_size == model.get_input_embeddings().num_embeddings
    assert model.config.num_hidden_layers == 2 and len(model.encoder.layer) == 2
    for name in ("cls_token", "sep_token", "pad_token", "unk_token", "mask_token"):
        assert getattr(tokenizer, name) == getattr(original_tokenizer, name), name
    assert tokenizer.convert_ids_to_tokens(tokenizer.pad_token_id) == "<pad>" == tokenizer.convert_ids_to_tokens(model.config.pad_token_id)

    original_tokens = [original_tokenizer.tokenize(text) for text in CORPUS]
    assert [tokenizer.tokenize(text) for text in CORPUS] == original_tokens
    original = AutoModel.from_pretrained(str(source_dir)).eval()
    with torch.no_grad():
        expected = original(**original_tokenizer(CORPUS, padding=True, return_tensors="pt"), output_hidden_states=True).hidden_states[2]
        derived_inputs = tokenizer(CORPUS, padding=True, return_tensors="pt")
        got = model(**derived_inputs).last_hidden_state
    mask = derived_inputs["attention_mask"].bool()
    torch.testing.assert_close(got[mask], expected[mask], rtol=0, atol=1e-6)

    unseen = "猫和狗 zebra"  # pieces the corpus never used: other pieces or <unk>, never an error
    assert tokenizer.tokenize(unseen) != original_tokenizer.tokenize(unseen)
    assert all(0 <= i < len(kept) for i in tokenizer(unseen)["input_ids"])


def test_the_windows_code_and_a_short_fine_tune_start_from_a_derived_base(source_dir, tmp_path):
    derived_dir = derive_base(source_dir, tmp_path / "derived", layers=1, kept=kept_ids(source_dir))
    tokenizer, model = load_for_line_classification(derived_dir, TINY_SPEC)
    markers = tokenizer.convert_tokens_to_ids(list(LINE_MARKERS))
    assert markers == list(range(len(tokenizer) - len(LINE_MARKERS), len(tokenizer))), "markers appended after the kept ids"
    assert model.get_input_embeddings().num_embeddings == len(tokenizer)
    page = generated_pages(1)[0]
    windows, _ = build_windows(encode_lines([t for t in page.texts if t.strip()], tokenizer, TINY_SPEC), tokenizer, TINY_SPEC)
    assert windows[0].input_ids[0] == tokenizer.cls_token_id and windows[0].input_ids[1] in markers

    pages = generated_pages(12, seed=3)
    write_pages(pages, tmp_path / "train.jsonl")
    config = tmp_path / "finetune.yaml"
    config.write_text(f"""
name: from-derived
output_dir: {tmp_path}/run
data:
  train: [{{path: {tmp_path}/train.jsonl, validate: true}}]
  validation_fraction: 0.3
model:
  base: {derived_dir}
  windows: {{line_tokens: 8, tail_tokens: 2, window_tokens: 64, stride: 0.5}}
training: {{max_steps: 2, eval_steps: 2, batch_size: 4, logging_steps: 1}}
""", encoding="utf-8")
    exported = train(load_config(config))
    metrics = json.loads((exported / "metrics.json").read_text())
    assert metrics["log_history"][0]["step"] == 1 and np.isfinite(metrics["log_history"][0]["loss"])
    assert json.loads((exported / "config.json").read_text())["vocab_size"] == len(tokenizer)


def test_cutting_refuses_a_tokenizer_that_is_not_unigram_or_a_lost_special_token(source_dir):
    data = json.loads(AutoTokenizer.from_pretrained(str(source_dir)).backend_tokenizer.to_str())
    with pytest.raises(ValueError, match="special tokens"):
        cut_tokenizer_json(data, [0, 1, 2, 3, 10])  # <mask> (4) dropped
    with pytest.raises(ValueError, match="Unigram"):
        cut_tokenizer_json({**data, "model": {"type": "WordPiece"}}, [0, 1, 2, 3, 4])


def test_script_writes_one_base_per_layer_count(source_dir, tmp_path, capsys):
    pages = tmp_path / "pages.jsonl"
    write_pages(generated_pages(3), pages)
    main = load_script("derive_base").main
    main([str(source_dir), str(tmp_path / "k{layers}"), "--layers", "1", "2", "--pages", str(pages), "--coverage", "0.99"])
    assert [AutoModel.from_pretrained(str(tmp_path / f"k{k}")).config.num_hidden_layers for k in (1, 2)] == [1, 2]
    assert "covering" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main([str(source_dir), str(tmp_path / "one"), "--layers", "1", "2", "--pages", str(pages)])
    assert not (tmp_path / "one").exists()
