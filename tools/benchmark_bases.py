"""Size and speed of candidate bases beside the shipped line classifier, as a Markdown table.

    OMP_NUM_THREADS=1 python tools/benchmark_bases.py models/bpml-base-zh \\
        ~/.cache/boilerplate-ml/bases/e5-zh-k2 ~/.cache/boilerplate-ml/bases/e5-zh-k4 \\
        ~/.cache/boilerplate-ml/bases/e5-zh-k6 --pages ../shared/data/pages/train.jsonl

Each base gets a fresh 8-way head and reads the pages with the shipped model's window settings,
through the same Predictor path as ``boilerplate-ml clean`` (tokenizing, packing, forward; no
n-gram model, refiner or tagger). Speed is non-blank lines per second of this process's CPU time
(one torch thread), not of wall-clock time: on a shared machine the wall-clock speed of one model
varied 2x between rounds, while CPU time counts only the work done. The best of several
interleaved rounds counts, and the ratio is to the shipped model's BERT timed in the same process.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from boilerplate_ml.modeling import load_for_line_classification, load_line_classifier
from boilerplate_ml.pages import read_pages
from boilerplate_ml.model_location import resolve_model_dir
from boilerplate_ml.predictor import Predictor


def lines_per_cpu_second(predictor: Predictor, texts: list[str], non_blank: int) -> float:
    start = time.process_time()
    predictor.line_probabilities(texts)
    return non_blank / (time.process_time() - start)


def weights_mib(folder: Path) -> float:
    """The BERT's weights file as stored (bases: float32; exported models: float16)."""
    return (folder / "model.safetensors").stat().st_size / 2**20


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bases", nargs="+", type=Path, help="base checkpoint folders")
    parser.add_argument("--pages", required=True, help="labelled pages to read (their text only)")
    parser.add_argument("--max-pages", type=int, default=12, help="the first N pages")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timed rounds; the best counts")
    parser.add_argument("--shipped", type=Path, default=None, help="the reference model folder (default: the one the Predictor loads)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1: a fair share of a shared machine)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    args.shipped = resolve_model_dir(args.shipped)

    pages = list(read_pages(args.pages))[: args.max_pages]
    texts = [page.text for page in pages]
    non_blank = sum(1 for page in pages for line in page.texts if line.strip())
    tokenizer, model, spec = load_line_classifier(args.shipped)
    predictors = {f"shipped {args.shipped.name} (reference)": Predictor(model, tokenizer, spec)}
    for base in args.bases:
        tokenizer, model = load_for_line_classification(base, spec)
        predictors[str(base)] = Predictor(model, tokenizer, spec)
    timings: dict[str, list[float]] = {name: [] for name in predictors}
    for _ in range(args.rounds):
        for name, predictor in predictors.items():
            timings[name].append(lines_per_cpu_second(predictor, texts, non_blank))

    reference = max(next(iter(timings.values())))
    print(f"{len(pages)} pages, {non_blank} non-blank lines, windows {spec}, {args.threads} thread(s), best of {args.rounds} rounds\n")
    print("| model | layers | hidden | vocabulary | parameters (embeddings) | model.safetensors MiB | as float16 MiB | lines per CPU-second, best (worst) round | ratio to shipped |")
    print("|---|---|---|---|---|---|---|---|---|")
    folders = [args.shipped, *args.bases]
    for (name, predictor), folder in zip(predictors.items(), folders):
        config, parameters = predictor.model.config, sum(p.numel() for p in predictor.model.parameters())
        embeddings = predictor.model.get_input_embeddings().weight.numel()
        speed = max(timings[name])
        print(f"| {name} | {config.num_hidden_layers} | {config.hidden_size} | {config.vocab_size:,} | "
              f"{parameters / 1e6:.1f} M ({embeddings / 1e6:.1f} M) | {weights_mib(folder):.1f} | {parameters * 2 / 2**20:.1f} | {speed:.0f} ({min(timings[name]):.0f}) | {speed / reference:.2f} |")


if __name__ == "__main__":
    main()
