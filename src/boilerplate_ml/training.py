"""Fine-tune a line classifier from a validated config with the Hugging Face Trainer.

Read top to bottom: pages → site split → base checkpoint → windows → Trainer (scored on
held-out sites) → export (the best checkpoint, the last, or the mean of late weights) with
metrics.json and a model card.
"""

from __future__ import annotations

from boilerplate_ml.extras import require_extra

require_extra("train", "training", "datasets", "accelerate", "yaml")

import json
import logging
from collections.abc import Callable
from itertools import chain
from pathlib import Path

import numpy as np
import torch
from transformers import (
    DataCollatorForTokenClassification,
    EvalPrediction,
    PreTrainedTokenizerBase,
    Trainer,
    TrainerCallback,
    TrainerState,
    TrainingArguments,
    set_seed,
)

from boilerplate_ml.card import write_model_card
from boilerplate_ml.config import Config, ConfigError, config_of_model, config_to_dict
from boilerplate_ml.dataset import IGNORE, split_by_site, weighted, windows_dataset
from boilerplate_ml.evaluation import LabelledLines, content_scores
from boilerplate_ml.labels import CONTENT, DEFAULT_THRESHOLD, LABEL_TO_ID, LABELS
from boilerplate_ml.modeling import create_base_checkpoint, load_for_line_classification, staged_export
from boilerplate_ml.pages import Page, read_pages, site_of
from boilerplate_ml.pipeline import LINE_CLASSIFIER, write_pipeline
from boilerplate_ml.predictor import Predictor
from boilerplate_ml.windows import LINE_MARKERS

logger = logging.getLogger(__name__)


def line_metrics(tokenizer: PreTrainedTokenizerBase) -> Callable[[EvalPrediction], dict[str, float]]:
    """``compute_metrics`` for the Trainer: each labelled marker's line scored by its span's mean probability."""
    boundaries = set(tokenizer.convert_tokens_to_ids(list(LINE_MARKERS))) | {tokenizer.sep_token_id}

    def compute(eval_prediction: EvalPrediction) -> dict[str, float]:
        probabilities, labels, inputs = eval_prediction.predictions, eval_prediction.label_ids, eval_prediction.inputs
        gold, pred, kept = [], [], []
        for row, column in zip(*np.nonzero(labels != IGNORE)):
            end = column + 1
            while end < inputs.shape[1] and inputs[row, end] not in boundaries and inputs[row, end] != IGNORE:
                end += 1
            line_probabilities = probabilities[row, column:end].mean(axis=0)
            gold.append(LABELS[labels[row, column]])
            pred.append(LABELS[int(line_probabilities.argmax())])
            kept.append(bool(line_probabilities[LABEL_TO_ID[CONTENT]] >= DEFAULT_THRESHOLD))
        scores = content_scores(LabelledLines(gold, pred, kept, [1] * len(gold)))
        scores["accuracy"] = float(np.mean(np.array(gold) == np.array(pred)))
        return {key: value for key, value in scores.items() if not key.startswith("char_")}

    return compute


def softmax_logits(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Hand probabilities, not logits, to the metrics, which average them over each line."""
    return logits.float().softmax(dim=-1)


class WeightAverager(TrainerCallback):
    """Keeps the running mean of the model's weights, sampled every ``every`` steps from ``start`` (a share of training) on."""

    def __init__(self, start: float, every: int) -> None:
        self.start, self.every = start, every
        self.first_step = 0
        self.sum: dict[str, torch.Tensor] = {}
        self.steps: list[int] = []

    def on_train_begin(self, args, state, control, **kwargs) -> None:
        self.first_step = int(self.start * state.max_steps)

    def on_step_end(self, args, state, control, model=None, **kwargs) -> None:
        step = state.global_step
        on_grid = (step - self.first_step) % self.every == 0
        if step < self.first_step or not (on_grid or step == state.max_steps):
            return
        for name, tensor in model.state_dict().items():
            if tensor.is_floating_point():
                self.sum[name] = self.sum.get(name, 0) + tensor.detach().float()
        self.steps.append(step)

    def apply(self, model: torch.nn.Module) -> None:
        """Load the mean of the sampled weights into ``model``."""
        if not self.steps:
            raise RuntimeError("no weights were sampled: training ended before average_from")
        state = model.state_dict()
        model.load_state_dict({name: (total / len(self.steps)).to(state[name].dtype) for name, total in self.sum.items()}, strict=False)


def load_training_pages(config: Config) -> tuple[list[Page], list[Page], dict]:
    """Training pages (weighted, held-out sites removed) and validation pages, plus counts for the card."""
    sources = [(source, list(read_pages(source.path))) for source in config.data.train]
    validating = list(chain.from_iterable(pages for source, pages in sources if source.validate))
    if len({site_of(page) for page in validating}) < 2:
        raise ConfigError("the sources with validate: true hold pages of fewer than two sites; "
                          "validation holds out whole sites, so it needs one to hold out and one to train on")
    held_out, validation = split_by_site(validating, config.data.validation_fraction, config.seed)
    train: list[Page] = []
    summary = {"sources": [], "validation_sites": sorted(held_out), "validation_pages": len(validation)}
    for i, (source, pages) in enumerate(sources):
        kept = [page for page in pages if site_of(page) not in held_out]
        train.extend(weighted(kept, source.weight, config.seed + i))
        summary["sources"].append({"path": source.path, "weight": source.weight, "pages": len(kept), "about": source.about})
    if not train:
        raise ConfigError("no training pages: the data.train files hold no page outside the held-out sites")
    return train, validation, summary


def run_pages(model_dir: Path, test: Path | None) -> tuple[list[Page], list[Page], list[Page]]:
    """A model folder's training and validation pages, as its line classifier's training chose them, and the ``test`` pages (none without)."""
    train_pages, validation_pages, _ = load_training_pages(config_of_model(model_dir))
    return train_pages, validation_pages, list(read_pages(test)) if test else []


def train(config: Config, export_dir: Path | None = None) -> Path:
    """Train the line classifier; return the folder it is exported to (``export_dir``, else the config's)."""
    set_seed(config.seed)
    output_dir = Path(config.output_dir)
    train_pages, validation_pages, data_summary = load_training_pages(config)
    test_pages = list(read_pages(config.data.test)) if config.data.test else []  # a bad record fails now, not after training
    logger.info("training pages: %d, validation pages: %d", len(train_pages), len(validation_pages))

    base = config.model.base
    if base is None:
        texts = (text for page in train_pages for text in page.texts)
        base = str(
            create_base_checkpoint(
                texts, config.model.shape, config.model.vocab_size, output_dir / "base", seed=config.seed
            )
        )
    tokenizer, model = load_for_line_classification(base, config.model.windows)
    spec = config.model.windows
    train_set = windows_dataset(train_pages, tokenizer, spec, every_line=True)
    validation_set = windows_dataset(validation_pages, tokenizer, spec, every_line=False)

    use_bf16 = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    args = TrainingArguments(
        output_dir=str(output_dir / "checkpoints"),
        num_train_epochs=config.training.epochs,
        max_steps=config.training.max_steps,
        per_device_train_batch_size=config.training.batch_size,
        per_device_eval_batch_size=config.training.batch_size,
        learning_rate=config.training.learning_rate,
        weight_decay=config.training.weight_decay,
        warmup_steps=config.training.warmup_ratio,
        lr_scheduler_type="linear",
        eval_strategy="steps" if config.training.eval_steps else "epoch",
        save_strategy="steps" if config.training.eval_steps else "epoch",
        eval_steps=config.training.eval_steps,
        save_steps=config.training.eval_steps,
        save_total_limit=2,
        load_best_model_at_end=config.training.select_best,
        metric_for_best_model=config.training.metric_for_best_model,
        greater_is_better=True,
        logging_steps=config.training.logging_steps,
        seed=config.seed,
        data_seed=config.seed,
        bf16=use_bf16,
        report_to="none",
        dataloader_pin_memory=torch.cuda.is_available(),
        save_only_model=True,
        include_for_metrics=["inputs"],
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_set,
        eval_dataset=validation_set,
        data_collator=DataCollatorForTokenClassification(tokenizer, label_pad_token_id=IGNORE),
        processing_class=tokenizer,
        compute_metrics=line_metrics(tokenizer),
        preprocess_logits_for_metrics=softmax_logits,
    )
    averager = None
    if config.training.average_from is not None:
        averager = WeightAverager(config.training.average_from, config.training.average_every)
        trainer.add_callback(averager)
    trainer.train()
    last_step_metrics = None
    if averager:
        last_step_metrics = validation_scores(trainer)
        averager.apply(trainer.model)
    validation_metrics = validation_scores(trainer)

    export_dir = export_dir or config.export_path()
    with staged_export(export_dir) as staging:
        trainer.model.to(torch.float16)  # half the file; load_line_classifier computes in float32
        trainer.save_model(str(staging))
        (staging / "training_args.bin").unlink(missing_ok=True)  # a pickle; the card holds the config
        metrics = {
            "validation": validation_metrics,
            "train_windows": len(train_set),
            "epochs_run": trainer.state.epoch,
            "exported_checkpoint": exported_checkpoint(config, trainer.state, averager),
            "log_history": trainer.state.log_history,
            "data": data_summary,
        }
        if last_step_metrics:
            metrics["validation_last_step"] = last_step_metrics
        if config.data.test:
            metrics["test"] = score_test_pages(staging, config.data.test, test_pages)
        with open(staging / "metrics.json", "w", encoding="utf-8") as handle:
            json.dump(metrics, handle, indent=2, ensure_ascii=False)
        with open(staging / "training_config.json", "w", encoding="utf-8") as handle:
            json.dump(config_to_dict(config), handle, indent=2, ensure_ascii=False)
        write_pipeline(staging, [LINE_CLASSIFIER])
        write_model_card(staging, config, data_summary, metrics, base, trainer.model.config)
    return export_dir


def validation_scores(trainer: Trainer) -> dict[str, float]:
    """The Trainer's evaluation on the validation sites, keyed as metrics.json keys them (no ``eval_`` prefix)."""
    return {key.removeprefix("eval_"): value for key, value in trainer.evaluate().items()}


def exported_checkpoint(config: Config, state: TrainerState, averager: WeightAverager | None) -> str:
    """Which weights were exported, in words for metrics.json and the card."""
    if averager:
        return f"mean of {len(averager.steps)} weights at steps {averager.steps[0]}-{averager.steps[-1]}"
    return state.best_model_checkpoint if config.training.select_best else f"last (step {state.global_step})"


def score_test_pages(model_dir: Path, test_path: str, test_pages: list[Page]) -> dict:
    """Content scores of what the exported model keeps on labelled test pages (the Predictor's defaults)."""
    predictions = Predictor.from_pretrained(model_dir).predict_batch([page.text for page in test_pages])
    return {"path": test_path, "pages": len(test_pages), **content_scores(LabelledLines.from_predictions(test_pages, predictions))}
