"""A frozen probe of candidate bases under the committed site folds: what a base's line vectors already know.

    OMP_NUM_THREADS=1 python tools/probe_bases.py annotations/folds.json \\
        --pages ../shared/data/pages/train.jsonl data/annotated_html.jsonl data/annotated_nju.jsonl \\
        --base models/bpml-base-zh --base '~/.cache/boilerplate-ml/bases/e5-zh-k6:2,4,6'

Each non-blank line is encoded alone (its first ``--line-tokens`` tokens) and mean-pooled over its
tokens at the layers named after the colon (default: the last). A line's features are its vector,
its two neighbours' on each side (zeros past the page's edges) and four layout features (log
length, position in the page, sentence-final punctuation, share of CJK characters); a logistic
regression (content vs not) trained on four folds scores the fifth. Not a fine-tune: it measures
what the frozen base encodes. The output of layer k of a base cut to 6 layers is exactly the
output of the same base cut to k layers (scripts/derive_base.py), so one pass probes all three.
"""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from transformers import AutoModel, AutoTokenizer

from boilerplate_ml.evaluation import SENTENCE_END, LabelledLines, content_scores
from boilerplate_ml.labels import CONTENT
from boilerplate_ml.pages import Page, read_pages
from boilerplate_ml.site_folds import SiteFolds

NEIGHBOURS = 2
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def labelled_lines(page: Page) -> list[str]:
    return [text for text, label in zip(page.texts, page.labels) if label is not None]


@torch.inference_mode()
def line_vectors(base: str, layers: list[int] | None, lines: list[str], line_tokens: int, batch_size: int) -> dict[int, np.ndarray]:
    """Mean-pooled vectors of each line at each of ``layers`` (None: the last), batched shortest first."""
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModel.from_pretrained(base).eval()
    layers = layers or [model.config.num_hidden_layers]
    vectors = {layer: np.zeros((len(lines), model.config.hidden_size), dtype=np.float32) for layer in layers}
    order = sorted(range(len(lines)), key=lambda i: len(lines[i]))
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        batch = tokenizer([lines[i] for i in rows], truncation=True, max_length=line_tokens + 2, padding=True,
                          return_special_tokens_mask=True, return_tensors="pt")
        attention = batch["attention_mask"]
        weights = (attention * (1 - batch["special_tokens_mask"])).unsqueeze(-1).float()
        hidden = model(input_ids=batch["input_ids"], attention_mask=attention, output_hidden_states=True).hidden_states
        for layer in layers:
            pooled = (hidden[layer] * weights).sum(1) / weights.sum(1).clamp(min=1)
            vectors[layer][rows] = pooled.numpy()
    return vectors


def layout_features(lines: list[str]) -> np.ndarray:
    n = len(lines)
    return np.array([[math.log1p(len(line.strip())), i / max(n - 1, 1), float(line.strip().endswith(SENTENCE_END)),
                      len(CJK.findall(line)) / max(len(line.strip()), 1)] for i, line in enumerate(lines)], dtype=np.float32)


def page_features(vectors: np.ndarray, lines: list[str]) -> np.ndarray:
    """Each line's vector, its neighbours' (zeros past the edges) and its layout features."""
    padded = np.pad(vectors, ((NEIGHBOURS, NEIGHBOURS), (0, 0)))
    context = [padded[offset : offset + len(lines)] for offset in range(2 * NEIGHBOURS + 1)]
    return np.hstack([*context, layout_features(lines)])


def probe(pages: list[Page], page_lines: list[list[str]], vectors: np.ndarray, folds: list[int], k: int) -> dict[str, float]:
    """Out-of-fold content scores over all pages, and the mean per-page line F1."""
    offsets = np.cumsum([0] + [len(lines) for lines in page_lines])
    features = [page_features(vectors[offsets[i] : offsets[i + 1]], lines) for i, lines in enumerate(page_lines)]
    gold = [np.array([label == CONTENT for label in page.labels if label is not None]) for page in pages]
    kept: list[np.ndarray | None] = [None] * len(pages)
    for fold in range(k):
        train = [i for i, f in enumerate(folds) if f != fold]
        classifier = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
        classifier.fit(np.vstack([features[i] for i in train]), np.concatenate([gold[i] for i in train]))
        for i, f in enumerate(folds):
            if f == fold:
                kept[i] = classifier.predict(features[i]).astype(bool)
    predicted = [[CONTENT if keep else "other" for keep in page_kept] for page_kept in kept]
    labelled = [Page(page.id, page.source, lines, [label for label in page.labels if label is not None])
                for page, lines in zip(pages, page_lines)]
    scores = content_scores(LabelledLines.from_pages(labelled, predicted))
    scores["page_mean_line_f1"] = float(np.mean([f1_score(g, p, zero_division=1.0) for g, p in zip(gold, kept)]))
    return scores


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folds", type=Path, help="the committed folds file (tools/assign_site_folds.py)")
    parser.add_argument("--pages", nargs="+", required=True, help="labelled real pages")
    parser.add_argument("--base", action="append", required=True, help="BASE or BASE:LAYER,LAYER (repeatable)")
    parser.add_argument("--line-tokens", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=128)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)

    assignment = SiteFolds.load(args.folds)
    pages = [page for path in args.pages for page in read_pages(path)]
    folds = [assignment.fold_of(page.id, page.source) for page in pages]
    page_lines = [labelled_lines(page) for page in pages]
    lines = [line for page in page_lines for line in page]
    print(f"{len(pages)} pages, {len(lines)} labelled lines, {assignment.folds} site folds "
          f"(pages per fold {np.bincount(folds, minlength=assignment.folds).tolist()})\n")
    print("| base (frozen probe) | layer | line F1 | char F1 | mean per-page line F1 |")
    print("|---|---|---|---|---|")
    for spec in args.base:
        path, _, layer_list = spec.partition(":")
        path = str(Path(path).expanduser())
        layers = [int(layer) for layer in layer_list.split(",")] if layer_list else None
        for layer, vectors in line_vectors(path, layers, lines, args.line_tokens, args.batch_size).items():
            scores = probe(pages, page_lines, vectors, folds, assignment.folds)
            print(f"| {path} | {layer} | {scores['line_f1']:.3f} | {scores['char_f1']:.3f} | {scores['page_mean_line_f1']:.3f} |", flush=True)


if __name__ == "__main__":
    main()
