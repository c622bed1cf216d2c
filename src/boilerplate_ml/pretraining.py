"""Masked-language-model pretraining of our own small Chinese BERT.

The corpus is read in the very shape the line classifier sees: lines opened by length markers,
packed into windows of ``window_tokens``. Articles give clean prose (their paragraphs are the
lines); labelled training pages give web text with its menus and footers. Masking takes spans
of one to ``max_span`` tokens (characters, for Chinese), so a word is not guessed from its own
other half; markers, [CLS] and [SEP] are never masked. The result is an ordinary Hugging Face
checkpoint that a fine-tuning config names as ``model.base``. With ``init_from`` pretraining
continues from a checkpoint instead, its tokenizer and weights: more steps on our own base, or
a real Chinese BERT adapted to web text.
"""

from __future__ import annotations

from boilerplate_ml.extras import require_extra

require_extra("train", "pretraining", "datasets", "accelerate", "yaml", "matplotlib")

import glob
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from datasets import Dataset
from transformers import (
    AutoModelForMaskedLM,
    AutoTokenizer,
    BertForMaskedLM,
    DataCollatorForLanguageModeling,
    EvalPrediction,
    PretrainedConfig,
    PreTrainedModel,
    PreTrainedTokenizerBase,
    Trainer,
    TrainingArguments,
    set_seed,
)

from boilerplate_ml.config import (
    ConfigError,
    ExportsModel,
    check_checkpoint_folder,
    check_export_folder,
    check_rules,
    check_windows_and_shape,
    config_to_dict,
    optimiser_rules,
    read_yaml_config,
)
from boilerplate_ml.dataset import IGNORE
from boilerplate_ml.documents import read_documents
from boilerplate_ml.jsonl import InputError
from boilerplate_ml.modeling import BertShape, staged_export
from boilerplate_ml.pages import read_pages
from boilerplate_ml.tokenizer import train_wordpiece_tokenizer
from boilerplate_ml.windows import WindowSpec, add_line_markers, build_windows, encode_lines, non_blank_lines


@dataclass
class CorpusConfig:
    #: Glob of article JSON Lines files (``title`` and ``text`` with paragraphs split by newlines).
    articles: str
    #: Articles taken per file, seeded: keeps every source (laws, news, essays, Traditional) in the mix.
    max_articles_per_file: int = 500
    #: Labelled page files whose text is read as web text (labels unused).
    pages: list[str] = field(default_factory=list)
    #: Share of windows held out to measure MLM loss and accuracy.
    heldout_fraction: float = 0.02


@dataclass
class PretrainTrainingConfig:
    max_steps: int = 600
    batch_size: int = 16
    learning_rate: float = 1e-3
    warmup_ratio: float = 0.06
    weight_decay: float = 0.01
    mlm_probability: float = 0.15
    #: Longest masked span in tokens (span lengths are geometric, p = 0.5); 1 masks single tokens.
    max_span: int = 3
    logging_steps: int = 20
    eval_steps: int = 100
    save_steps: int = 100


@dataclass
class PretrainConfig(ExportsModel):
    name: str
    corpus: CorpusConfig
    #: Hub id or folder of a BERT-family checkpoint to continue from (tokenizer and weights);
    #: None trains a tokenizer on the corpus and starts from random weights of ``shape``.
    init_from: str | None = None
    shape: BertShape = field(default_factory=BertShape)
    #: WordPiece target size; every character of the corpus is kept too, so it can come out larger
    #: (our base: 9,400 tokens with the markers). The card gives the real size.
    vocab_size: int = 8000
    windows: WindowSpec = field(default_factory=lambda: WindowSpec(stride=1.0))
    training: PretrainTrainingConfig = field(default_factory=PretrainTrainingConfig)
    seed: int = 42
    output_dir: str = "runs/pretrain"
    export_dir: str | None = None


def load_pretrain_config(path: str | Path) -> PretrainConfig:
    """Read and validate a YAML pretraining config before any corpus is read."""
    path = Path(path)
    raw, config = read_yaml_config(PretrainConfig, path)
    fixed_by_checkpoint = sorted({"shape", "vocab_size"} & set(raw))
    if config.init_from and fixed_by_checkpoint:
        raise ConfigError(f"{path.name}: {fixed_by_checkpoint} come from the init_from checkpoint; remove them")
    check_checkpoint_folder(config.init_from, "init_from")
    check_windows_and_shape(config.windows, None if config.init_from else config.shape, f"{path.name}: ")
    corpus, t = config.corpus, config.training
    check_rules([
        (corpus.max_articles_per_file >= 1, "corpus.max_articles_per_file must be at least 1"),
        (0.0 < corpus.heldout_fraction < 1.0, "corpus.heldout_fraction must lie in (0, 1)"),
        (config.vocab_size >= 100, "vocab_size must be at least 100"),
        (t.max_steps >= 1, "training.max_steps must be at least 1"),
        *[(holds, f"training.{rule}") for holds, rule in optimiser_rules(t.batch_size, t.learning_rate, t.warmup_ratio, t.weight_decay)],
        (0.0 < t.mlm_probability < 1.0, "training.mlm_probability must lie in (0, 1)"),
        (t.max_span >= 1, "training.max_span must be at least 1"),
        (min(t.logging_steps, t.eval_steps, t.save_steps) >= 1, "training.logging_steps, eval_steps and save_steps must be at least 1"),
    ], f"{path.name}: ")
    if not glob.glob(config.corpus.articles):
        raise ConfigError(f"corpus.articles matches no file: {config.corpus.articles}")
    for file in config.corpus.pages:
        if not Path(file).is_file():
            raise ConfigError(f"corpus.pages file not found: {file}")
    check_export_folder(config.export_path())
    return config


def corpus_documents(corpus: CorpusConfig, seed: int) -> Iterator[list[str]]:
    """Each document as its list of non-blank lines: sampled articles, then pages."""
    rng = random.Random(seed)
    for file in sorted(glob.glob(corpus.articles)):
        records = list(read_documents(file, "text"))
        if bad := next((record for record in records if isinstance(record, InputError)), None):
            raise bad
        articles = [record.record for record in records]
        for article in rng.sample(articles, min(corpus.max_articles_per_file, len(articles))):
            lines = [article.get("title") or "", *article["text"].split("\n")]
            yield [line for line in lines if line.strip()]
    for file in corpus.pages:
        for page in read_pages(file):
            yield [page.texts[i] for i in non_blank_lines(page.texts)]


class SpanMaskingCollator(DataCollatorForLanguageModeling):
    """MLM masking by spans of 1..``max_span`` tokens (geometric lengths) until ``mlm_probability`` is covered.

    Replacement follows BERT: 80% [MASK], 10% a random token, 10% unchanged.
    """

    def __init__(self, tokenizer: PreTrainedTokenizerBase, mlm_probability: float = 0.15, max_span: int = 3, seed: int = 0) -> None:
        super().__init__(tokenizer, mlm_probability=mlm_probability, seed=seed)
        self.max_span = max_span
        self.rng = np.random.default_rng(seed)

    def torch_mask_tokens(self, inputs: torch.Tensor, special_tokens_mask: torch.Tensor | None = None,
                          offset_mapping: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        labels = inputs.clone()
        special = torch.tensor(
            [self.tokenizer.get_special_tokens_mask(row, already_has_special_tokens=True) for row in labels.tolist()],
            dtype=torch.bool,
        )
        masked = torch.from_numpy(self.span_mask(~special.numpy()))
        labels[~masked] = IGNORE
        action = torch.from_numpy(self.rng.random(labels.shape))
        inputs[masked & (action < 0.8)] = self.tokenizer.mask_token_id
        randomised = masked & (action >= 0.8) & (action < 0.9)
        inputs[randomised] = torch.from_numpy(self.rng.integers(len(self.tokenizer), size=int(randomised.sum())))
        return inputs, labels

    def span_mask(self, maskable: np.ndarray) -> np.ndarray:
        """Boolean mask of the same shape covering about ``mlm_probability`` of each row's maskable tokens."""
        masked = np.zeros_like(maskable)
        for row, allowed in enumerate(maskable):
            positions = np.flatnonzero(allowed)
            target = max(1, round(self.mlm_probability * len(positions))) if len(positions) else 0
            while masked[row].sum() < target:
                start = int(self.rng.choice(positions))
                length = min(int(self.rng.geometric(0.5)), self.max_span)
                masked[row, start : start + length] |= allowed[start : start + length]
        return masked


def pretrain(config: PretrainConfig, resume: bool = False) -> Path:
    """Train tokenizer and MLM; export the checkpoint with its loss curve and card."""
    set_seed(config.seed)
    output_dir = Path(config.output_dir)
    documents = list(corpus_documents(config.corpus, config.seed))
    tokenizer, model = starting_point(config, documents)
    sequences = []
    for doc in documents:
        windows, _ = build_windows(encode_lines(doc, tokenizer, config.windows), tokenizer, config.windows)
        sequences.extend(window.input_ids for window in windows)
    random.Random(config.seed).shuffle(sequences)
    n_heldout = max(1, int(len(sequences) * config.corpus.heldout_fraction))
    heldout = Dataset.from_dict({"input_ids": sequences[:n_heldout]})
    train_set = Dataset.from_dict({"input_ids": sequences[n_heldout:]})

    t = config.training
    args = TrainingArguments(
        output_dir=str(output_dir / "checkpoints"),
        max_steps=t.max_steps,
        per_device_train_batch_size=t.batch_size,
        per_device_eval_batch_size=t.batch_size,
        learning_rate=t.learning_rate,
        warmup_steps=t.warmup_ratio,
        weight_decay=t.weight_decay,
        lr_scheduler_type="linear",
        logging_steps=t.logging_steps,
        eval_strategy="steps",
        eval_steps=t.eval_steps,
        save_strategy="steps",
        save_steps=t.save_steps,
        save_total_limit=2,
        seed=config.seed,
        bf16=torch.cuda.is_available() and torch.cuda.is_bf16_supported(),
        report_to="none",
        dataloader_pin_memory=torch.cuda.is_available(),
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_set,
        eval_dataset=heldout,
        data_collator=SpanMaskingCollator(
            tokenizer, mlm_probability=t.mlm_probability, max_span=t.max_span, seed=config.seed
        ),
        compute_metrics=masked_accuracy,
        preprocess_logits_for_metrics=lambda logits, labels: logits.argmax(dim=-1),
    )
    initial = trainer.evaluate()  # step 0: what training starts from, random or a checkpoint
    trainer.train(resume_from_checkpoint=resume or None)
    final = trainer.evaluate()

    # train() starts a fresh log, so the step-0 evaluation is put back at its head for the curve and card.
    start = {"step": 0, "eval_loss": initial["eval_loss"], "eval_masked_accuracy": initial["eval_masked_accuracy"]}
    history = [start, *trainer.state.log_history]
    stats = {
        "documents": len(documents),
        "train_sequences": len(train_set),
        "heldout_sequences": len(heldout),
        "tokens_per_step": t.batch_size * config.windows.window_tokens,
        "initial_heldout_loss": initial["eval_loss"],
        "initial_heldout_masked_accuracy": initial["eval_masked_accuracy"],
        "heldout_loss": final["eval_loss"],
        "heldout_masked_accuracy": final["eval_masked_accuracy"],
        "log_history": history,
    }
    export_dir = config.export_path()
    with staged_export(export_dir) as staging:  # the old base stays whole until the new one is complete
        trainer.model.to(torch.float32)
        trainer.save_model(str(staging))
        tokenizer.save_pretrained(str(staging))
        (staging / "training_args.bin").unlink(missing_ok=True)  # a pickle; the card holds the config
        (staging / "pretrain_metrics.json").write_text(json.dumps(stats, indent=2), encoding="utf-8")
        plot_loss_curve(history, staging / "mlm_loss.png")
        write_base_card(staging, config, stats, trainer.model.config)
    return export_dir


def starting_point(
    config: PretrainConfig, documents: list[list[str]]
) -> tuple[PreTrainedTokenizerBase, PreTrainedModel]:
    """The ``init_from`` checkpoint, or a tokenizer trained on the corpus and a random BERT of ``shape``."""
    if config.init_from:
        tokenizer = AutoTokenizer.from_pretrained(config.init_from)
        model = AutoModelForMaskedLM.from_pretrained(config.init_from)
        if add_line_markers(tokenizer):
            model.resize_token_embeddings(len(tokenizer))
        return tokenizer, model
    tokenizer = train_wordpiece_tokenizer((line for doc in documents for line in doc), vocab_size=config.vocab_size)
    add_line_markers(tokenizer)
    return tokenizer, BertForMaskedLM(config.shape.to_config(len(tokenizer), tokenizer.pad_token_id))


def masked_accuracy(eval_prediction: EvalPrediction) -> dict[str, float]:
    predicted, labels = eval_prediction.predictions, eval_prediction.label_ids
    mask = labels != IGNORE
    return {"masked_accuracy": float(np.mean(predicted[mask] == labels[mask]))}


def plot_loss_curve(history: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    train = [(h["step"], h["loss"]) for h in history if "loss" in h]
    heldout = [(h["step"], h["eval_loss"]) for h in history if "eval_loss" in h]
    figure, axis = plt.subplots(figsize=(6, 3.5))
    axis.plot(*zip(*train), label="training loss")
    if heldout:
        axis.plot(*zip(*heldout), "o-", label="held-out loss")
    axis.set_xlabel("step")
    axis.set_ylabel("MLM loss")
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def write_base_card(export_dir: Path, config: PretrainConfig, stats: dict, model_config: PretrainedConfig) -> None:
    # The closing evaluation repeats the last step with fresh masks; the table keeps that one.
    by_step = {h["step"]: h for h in stats["log_history"] if "eval_loss" in h}
    curve = "\n".join(
        f"| {step} | {h['eval_loss']:.3f} | {h['eval_masked_accuracy']:.3f} |" for step, h in by_step.items()
    )
    shape = (
        f"Shape: {model_config.num_hidden_layers} layers, hidden {model_config.hidden_size}, "
        f"{model_config.num_attention_heads} heads, intermediate {model_config.intermediate_size}; "
        f"vocabulary of {model_config.vocab_size} tokens, eight of them the line-length markers `[L1]`…`[L8]`."
    )
    if config.init_from:
        origin = f"""A Chinese BERT whose masked-language-model pretraining boilerplate-ml (`scripts/pretrain.py`)
continued from `{config.init_from}` (its tokenizer and weights), as the base of its line classifiers.
{shape}"""
    else:
        origin = f"""A small Chinese BERT pretrained from scratch by boilerplate-ml (`scripts/pretrain.py`) as the
base of its line classifiers. {shape} The WordPiece vocabulary was trained on the corpus with the
`tokenizers` library (Chinese characters split, Simplified and Traditional)."""
    card_config = config_to_dict(config)
    if config.init_from:  # shape and vocabulary came with the checkpoint
        del card_config["shape"], card_config["vocab_size"]
    text = f"""---
language: zh
library_name: transformers
pipeline_tag: fill-mask
---

# {config.name}

{origin}

## Corpus
Articles: up to {config.corpus.max_articles_per_file} per file (seeded) from `{config.corpus.articles}`;
web text: the lines of {", ".join(config.corpus.pages) or "no page files"}. Lines are packed into windows of
{config.windows.window_tokens} tokens exactly as the line classifier reads them. {stats["documents"]} documents,
{stats["train_sequences"]} training windows, {stats["heldout_sequences"]} held out.

## Training
{config.training.max_steps} steps of {stats["tokens_per_step"]} tokens at most, learning rate
{config.training.learning_rate}, {config.training.mlm_probability:.0%} of tokens masked in spans of
1 to {config.training.max_span} tokens (characters).

Held-out MLM loss {stats["initial_heldout_loss"]:.3f} before training (step 0), {stats["heldout_loss"]:.3f} after;
masked-token accuracy {stats["initial_heldout_masked_accuracy"]:.3f} before, {stats["heldout_masked_accuracy"]:.3f} after.

![MLM loss](mlm_loss.png)

| step | held-out loss | held-out masked accuracy |
|---|---|---|
{curve}

## Config
```json
{json.dumps(card_config, indent=2, ensure_ascii=False)}
```
"""
    (export_dir / "README.md").write_text(text, encoding="utf-8")
