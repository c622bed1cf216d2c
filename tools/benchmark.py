"""Throughput of the line classifier as a ratio to a fixed reference run, peak memory, and CLI workers.

    python tools/benchmark.py ../shared/data/pages/dev.jsonl [--model DIR] [--threads 1]
        [--quantize] [--workers 1 2] [--repeats 3]

Absolute speed on a shared machine moves from run to run; a ratio to a reference run in the same
process, on the same lines and threads, does not. The reference is fixed: a randomly initialised
(seed 0) 2-layer, 128-hidden BERT's forward pass over the same pages cut into windows of 256
tokens by the shipped window spec, batch 32, in page order. Reference and model runs alternate
``--repeats`` times and the median of the ratios is reported.

Peak RSS is the benchmark process's own (model, pages and predictions; the reference model is
a few MiB). Each ``--workers N`` runs ``boilerplate-ml clean`` as a child process over the same
pages, repeated ``--cli-copies`` times so that the stream holds several of the CLI's chunks of 64
pages for the workers to share (start-up and model loading counted), and reports its lines/s,
its ratio to the reference, and the peak RSS of its largest process. Omit ``--workers`` for a code base whose CLI has none.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from boilerplate_ml.jsonl import InputError, json_records
from boilerplate_ml.pages import page_from_record

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

#: Runs a command and prints the peak RSS (KiB) of its largest process. A child forked from this
#: benchmark would report the benchmark's own peak (Linux carries it over the fork), so the CLI is
#: started from this small process instead.
PEAK_RSS_WRAPPER = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
                    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)")
REFERENCE_WINDOW_TOKENS = 256
REFERENCE_BATCH = 32


def page_texts(path: str) -> list[str]:
    """Each record's ``text``, or a labelled page's lines joined."""
    texts = []
    for line_number, record in json_records(path):
        if isinstance(record, dict) and isinstance(record.get("text"), str):
            texts.append(record["text"])
        elif isinstance(record, dict) and "lines" in record:
            texts.append(page_from_record(record, path, line_number).text)
        else:
            raise InputError(f"{path}:{line_number}", "neither a string 'text' field nor LABELS.md 'lines'")
    return texts


def reference_run(texts: list[str], tokenizer: PreTrainedTokenizerBase) -> Callable[[], float]:
    """A closure timing the fixed reference forward pass over ``texts``; tokenizing is done here, once, untimed."""
    import torch
    from transformers import BertConfig, BertModel

    from boilerplate_ml.windows import WindowSpec, build_windows, encode_lines, non_blank_lines

    spec = WindowSpec(window_tokens=REFERENCE_WINDOW_TOKENS)
    windows = []
    for text in texts:
        lines = text.split("\n")
        encoded = encode_lines([lines[i] for i in non_blank_lines(lines)], tokenizer, spec)
        windows.extend(build_windows(encoded, tokenizer, spec)[0])
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=128, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=512, max_position_embeddings=512, pad_token_id=tokenizer.pad_token_id)
    model = BertModel(config).eval()
    batches = []
    for start in range(0, len(windows), REFERENCE_BATCH):
        batch = windows[start : start + REFERENCE_BATCH]
        width = max(len(w.input_ids) for w in batch)
        ids = torch.full((len(batch), width), tokenizer.pad_token_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, window in enumerate(batch):
            ids[row, : len(window.input_ids)] = torch.tensor(window.input_ids)
            mask[row, : len(window.input_ids)] = 1
        batches.append((ids, mask))

    @torch.inference_mode()
    def run() -> float:
        start = time.perf_counter()
        for ids, mask in batches:
            model(input_ids=ids, attention_mask=mask)
        return time.perf_counter() - start

    return run


def cli_run(text_file: Path, out_dir: Path, args: argparse.Namespace, workers: int) -> tuple[float, float]:
    """Seconds and peak RSS (MiB, largest process) of one ``clean`` run as a child process."""
    command = [sys.executable, "-c", PEAK_RSS_WRAPPER, sys.executable, "-m", "boilerplate_ml.cli", "clean", str(text_file), "-o", str(out_dir / f"out{workers}.jsonl"),
               "--device", "cpu", "--threads", str(args.threads), "--workers", str(workers)]
    if args.model:
        command += ["--model", args.model]
    if args.quantize:
        command += ["--quantize"]
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise RuntimeError(f"the CLI failed (exit {run.returncode}):\n" + "\n".join(run.stderr.splitlines()[-5:]))
    return seconds, int(run.stdout.split()[-1]) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", help="JSON Lines of pages (text field or LABELS.md lines)")
    parser.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads, for the reference and the model alike")
    parser.add_argument("--quantize", action="store_true", help="Predictor(quantize=True): int8 linear layers")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="*", default=[], help="also time the CLI with these worker counts")
    parser.add_argument("--cli-copies", type=int, default=4, help="times the pages are repeated for the CLI runs")
    args = parser.parse_args(argv)
    try:
        texts = page_texts(args.pages)
    except (InputError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    os.environ["OMP_NUM_THREADS"] = str(args.threads)  # children (CLI runs) inherit it; this process sets torch's below
    import torch

    from boilerplate_ml.predictor import Predictor

    torch.set_num_threads(args.threads)
    options = {"quantize": True} if args.quantize else {}
    started = time.perf_counter()
    predictor = Predictor.from_pretrained(args.model, device="cpu", **options)
    load_seconds = time.perf_counter() - started
    reference = reference_run(texts, predictor.tokenizer)
    lines = sum(len(text.split("\n")) for text in texts)
    ratios, model_times, reference_times = [], [], []
    for _ in range(args.repeats):
        before = reference()
        started = time.perf_counter()
        predictor.predict_batch(texts)
        model_times.append(time.perf_counter() - started)
        reference_times.append((before + reference()) / 2)
        ratios.append(reference_times[-1] / model_times[-1])
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    model_seconds, reference_seconds = statistics.median(model_times), statistics.median(reference_times)
    print(f"pages: {len(texts)}  lines: {lines}  threads: {args.threads}  quantize: {args.quantize}  load: {load_seconds:.1f} s")
    print(f"model: {lines / model_seconds:.0f} lines/s, {len(texts) / model_seconds:.2f} pages/s  "
          f"reference: {lines / reference_seconds:.0f} lines/s")
    print(f"ratio to reference (median of {args.repeats}): {statistics.median(ratios):.3f}  "
          f"(each: {', '.join(f'{r:.3f}' for r in ratios)})")
    print(f"peak RSS (this process): {peak_mib:.0f} MiB")
    if args.workers:
        with tempfile.TemporaryDirectory() as tmp:
            text_file = Path(tmp) / "pages.jsonl"
            records = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)
            text_file.write_text(records * args.cli_copies, encoding="utf-8")
            for workers in args.workers:
                try:
                    seconds, child_peak = cli_run(text_file, Path(tmp), args, workers)
                except RuntimeError as error:
                    print(f"error: {error}", file=sys.stderr)
                    return 1
                cli_lines = lines * args.cli_copies
                print(f"CLI, {workers} worker(s) x {args.threads} thread(s), {args.cli_copies} copies: {cli_lines / seconds:.0f} lines/s "
                      f"(load included), ratio {reference_seconds * args.cli_copies / seconds:.3f}, "
                      f"peak RSS (largest process) {child_peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
