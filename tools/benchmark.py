"""Throughput of ``boilerplate-ml clean`` over a page set: lines/s, pages/s and peak memory.

    python tools/benchmark.py ../shared/data/pages/dev.jsonl [--model DIR] [--batch-size N]

The input is JSON Lines with a ``text`` field, or labelled pages (LABELS.md format, turned into
text first). The CLI runs as a child process, so start-up and model loading are counted, and its
peak resident memory is read from the operating system.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from boilerplate_ml.documents import read_documents
from boilerplate_ml.jsonl import InputError, json_records
from boilerplate_ml.pages import page_from_record


def as_text_records(path: str, out: Path) -> tuple[int, int, int]:
    """Write ``{"text": …}`` records; return pages, lines and non-blank lines."""
    pages = lines = non_blank = 0
    with open(out, "w", encoding="utf-8") as handle:
        for line_number, record in json_records(path):
            if isinstance(record, dict) and isinstance(record.get("text"), str):
                text = record["text"]
            elif isinstance(record, dict) and "lines" in record:
                text = page_from_record(record, path, line_number).text
            else:
                raise InputError(f"{path}:{line_number}", "neither a string 'text' field nor LABELS.md 'lines'")
            handle.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
            pages += 1
            lines += len(text.split("\n"))
            non_blank += sum(1 for line in text.split("\n") if line.strip())
    return pages, lines, non_blank


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", help="JSON Lines of pages (text field or LABELS.md lines)")
    parser.add_argument("--model", default=None, help="model folder (default: the shipped model)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        text_file = Path(tmp) / "pages.jsonl"
        try:
            pages, lines, non_blank = as_text_records(args.pages, text_file)
        except (InputError, OSError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        command = [sys.executable, "-m", "boilerplate_ml.cli", "clean", str(text_file), "-o", str(Path(tmp) / "out.jsonl"),
                   "--batch-size", str(args.batch_size), "--device", args.device]
        if args.model:
            command += ["--model", args.model]
        start = time.perf_counter()
        run = subprocess.run(command, stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - start
        if run.returncode != 0:  # the CLI's own last lines say why
            print(f"error: the CLI failed (exit {run.returncode}):\n" + "\n".join(run.stderr.splitlines()[-5:]), file=sys.stderr)
            return 1
        cleaned = sum(1 for item in read_documents(str(Path(tmp) / "out.jsonl")) if not isinstance(item, Exception))
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if cleaned != pages:
        print(f"error: {cleaned} of {pages} pages came out", file=sys.stderr)
        return 1
    print(f"pages: {pages}  lines: {lines} ({non_blank} non-blank)  wall: {seconds:.1f} s (model loading included)")
    print(f"lines/s: {lines / seconds:.0f}  non-blank lines/s: {non_blank / seconds:.0f}  pages/s: {pages / seconds:.2f}")
    print(f"peak memory (RSS): {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
