"""The model card (README.md in the model folder), generated from the real run's data and metrics;
and the sections and metrics.json entries that later training stages add to a model folder."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from transformers import PretrainedConfig

from boilerplate_ml.config import Config, config_to_dict


#: How a model folder is run: by this package, not by transformers alone (which loads only the line classifier).
USAGE = """Load it with `boilerplate_ml.Predictor.from_pretrained("{model_dir}")` (`pip install boilerplate-ml`)
or run `boilerplate-ml clean --model {model_dir}`. The folder's pipeline.json lists its stages and how
their probabilities combine; transformers alone loads only the first of them, the line classifier."""


def _table(rows: list[tuple[str, ...]]) -> str:
    header, *body = rows
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return "\n".join(lines)


def score_table(rows: Sequence[tuple[str, Mapping[str, float]]]) -> str:
    """Content scores, a row per named set; "-" for char F1 where a set has none (the Trainer's validation)."""
    return _table([("set", "line P", "line R", "line F1", "char F1")] + [
        (name, *(f"{scores[key]:.3f}" for key in ("line_precision", "line_recall", "line_f1")),
         f"{scores['char_f1']:.3f}" if "char_f1" in scores else "-")
        for name, scores in rows
    ])


def _validation_role(config: Config) -> str:
    if config.training.select_best:
        return "the exported checkpoint is the best on it"
    if config.training.average_from is not None:
        return "watched only; the exported weights are the mean of the late steps' weights"
    return "watched only; the last checkpoint is exported"


def write_model_card(folder: Path, config: Config, data: dict, metrics: dict, base: str, model_config: PretrainedConfig) -> None:
    """Write README.md into ``folder``, stating the data, the config and the measured metrics of this very run."""
    export_dir = config.export_path()
    sources = _table(
        [("file", "what it is", "weight", "pages used")]
        + [(s["path"], s.get("about") or "-", f"{s['weight']:g}", str(s["pages"])) for s in data["sources"]]
    )
    score_rows = [(f"validation ({data['validation_pages']} pages, held-out sites)", metrics["validation"])]
    if "validation_last_step" in metrics:
        score_rows.append(("validation, last step's weights alone", metrics["validation_last_step"]))
    if "test" in metrics:
        test = metrics["test"]
        score_rows.append((f"test: {test['path']} ({test['pages']} pages)", test))
    shape = (f"{model_config.num_hidden_layers} layers, hidden {model_config.hidden_size}, "
             f"{model_config.num_attention_heads} heads, vocabulary of {model_config.vocab_size}")
    built = "built from scratch, tokenizer trained on the training text" if config.model.base is None else base
    card_config = config_to_dict(config)
    if config.model.base is not None:  # shape and vocab_size apply only to a base built from scratch
        for unused in ("shape", "vocab_size"):
            del card_config["model"][unused]
    if config.training.max_steps >= 1:  # max_steps governs; "Epochs run" below states what that came to
        del card_config["training"]["epochs"]
    text = f"""---
language: zh
library_name: boilerplate-ml
tags: [boilerplate-removal, web-text, chinese]
---

# {config.name}

A line classifier for Chinese web pages in plain text (one line per block, Common Crawl WET
style): every non-blank line gets one of `content`, `navigation`, `metadata`, `footer`,
`interaction`, `comment`, `spam`, `noise`. Consecutive lines are packed into windows of at most
{config.model.windows.window_tokens} tokens, each line opened by a length marker and cut to
{config.model.windows.line_tokens} tokens; a line's label probabilities are the mean over its tokens.

{USAGE.format(model_dir=export_dir)}

## Base
`{built}`: {shape}.

## Training data
{sources}

Validation ({_validation_role(config)}): {data['validation_pages']} pages from the held-out sites
{", ".join(data['validation_sites'])}, removed from every training source.

## Metrics (content kept vs dropped)
{score_table(score_rows)}

Epochs run: {metrics['epochs_run']:g}; exported checkpoint: {metrics['exported_checkpoint']}; seed {config.seed}.

## Config
```json
{json.dumps(card_config, indent=2, ensure_ascii=False)}
```
"""
    (folder / "README.md").write_text(text, encoding="utf-8")


def comparison_rows(report: Mapping, parts: Sequence[tuple[str, str]], validation_pages: int) -> list[tuple[str, Mapping[str, float]]]:
    """Card table rows for a report that scores the same ``(name, key)`` parts on the validation pages and, if it has them, a test file."""
    rows = [(f"validation ({validation_pages} pages), {name}", report["validation"][key]) for name, key in parts]
    if "test" in report:
        rows += [(f"test {report['test_path']}, {name}", report["test"][key]) for name, key in parts]
    return rows


def set_card_section(model_dir: Path, header: str, body: str, before: str | None = None) -> None:
    """Put ``header`` and ``body`` into the folder's card, replacing that section if it is there.

    A new section goes in front of the ``before`` section when the card has one (the n-gram
    model's figures come before the refiner's, which build on them), else at the end.
    """
    card_path = model_dir / "README.md"
    sections = re.split(r"(?m)^(?=## )", card_path.read_text(encoding="utf-8"))
    new = f"{header}\n{body.strip()}\n"
    headers = [section.split("\n", 1)[0] for section in sections]
    if header in headers:
        sections[headers.index(header)] = new
    elif before in headers:
        sections.insert(headers.index(before), new)
    else:
        sections.append(new)
    card_path.write_text("\n".join(section.rstrip("\n") + "\n" for section in sections), encoding="utf-8")


def set_metrics_entry(model_dir: Path, key: str, report: dict) -> None:
    """Put ``report`` under ``key`` in the folder's metrics.json, keeping every other entry."""
    metrics_path = model_dir / "metrics.json"
    metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    metrics[key] = report
    metrics_path.write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
