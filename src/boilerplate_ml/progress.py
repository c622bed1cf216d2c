"""Progress of a ``clean`` run: pages and lines per second, a total where the inputs tell one.

In a terminal, a tqdm bar; anywhere else (nohup, a batch scheduler's log) one plain line every
``log_interval`` seconds, since a bar redrawn with carriage returns is unreadable in a log file.
The total is counted in a background thread (one pass over the inputs' lines, far cheaper than
the model), so the first pages are cleaned at once and the bar gains its total when it is known.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Sequence
from typing import IO

from tqdm.auto import tqdm

from boilerplate_ml.documents import STDIN, file_kind
from boilerplate_ml.jsonl import numbered_lines, open_binary
from boilerplate_ml.warc_pages import WARC_MAGIC, looks_like_warc

#: How often a run whose stderr is not a terminal writes a progress line, by default.
LOG_INTERVAL_SECONDS = 60.0


def count_records(files: Sequence[str]) -> int | None:
    """How many records the files hold (a text file is one page, a JSON Lines file one per line, parquet its rows).

    None when that cannot be known beforehand: stdin cannot be read twice, and a WARC's records
    are known only by reading it through. A file that cannot be read to its end counts the
    records before the break and the one error the run will report there.
    """
    total = 0
    for path in files:
        kind = None if path == STDIN else file_kind(path)
        if kind == "txt" and not _starts_like_warc(path):
            total += 1
        elif kind == "jsonl":
            total += _count_json_lines(path)
        elif kind == "parquet":
            total += _parquet_rows(path)
        else:
            return None
    return total


def _starts_like_warc(path: str) -> bool:
    """A WET saved as .txt is read as WARC, record by record: its count is not known beforehand."""
    try:
        with open_binary(path) as handle:
            return looks_like_warc(handle.read(len(WARC_MAGIC) + 2))
    except (OSError, ValueError):
        return False


def _parquet_rows(path: str) -> int:
    try:
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    except (ImportError, OSError, ValueError):  # pyarrow missing or an unreadable file: the reader's one error
        return 1


def _count_json_lines(path: str) -> int:
    count = 0
    try:
        with open_binary(path) as handle:
            for _ in numbered_lines(handle, path):
                count += 1
    except (OSError, ValueError):  # unopenable or truncated: the reader yields one error in its place
        count += 1
    return count


class RunProgress:
    """Counts pages and lines as they are cleaned and shows the rates, to a terminal or a log."""

    def __init__(
        self,
        files: Sequence[str],
        done: int = 0,
        stream: IO[str] | None = None,
        log_interval: float = LOG_INTERVAL_SECONDS,
    ) -> None:
        self.stream = stream or sys.stderr
        self.pages = self.lines = 0
        self.total: int | None = None
        self._done_before = done  # pages a resumed run had done already: part of the total, not of the rates
        self._log_interval = log_interval
        self._start = self._last_log = time.monotonic()
        self._bar = (
            tqdm(desc="pages", unit="page", file=self.stream, initial=done, dynamic_ncols=True)
            if self.stream.isatty() else None
        )
        self._counter = threading.Thread(target=self._count, args=(list(files),), daemon=True)
        self._counter.start()

    def _count(self, files: list[str]) -> None:
        self.total = count_records(files)

    def update(self, pages: int, lines: int) -> None:
        self.pages += pages
        self.lines += lines
        elapsed = max(time.monotonic() - self._start, 1e-9)
        if self._bar is not None:
            if self.total is not None and self._bar.total != self.total:
                self._bar.total = self.total
            self._bar.set_postfix_str(f"{self.lines / elapsed:,.0f} lines/s", refresh=False)
            self._bar.update(pages)
        elif time.monotonic() - self._last_log >= self._log_interval:
            self._log()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self.pages:
            self._log()

    def _log(self) -> None:
        self._last_log = time.monotonic()
        elapsed = max(self._last_log - self._start, 1e-9)
        done = self._done_before + self.pages
        where = f"{done}/{self.total} pages ({done / self.total:.1%})" if self.total else f"{done} pages"
        print(
            f"progress: {where}, {self.pages / elapsed:.1f} pages/s, {self.lines / elapsed:.0f} lines/s, "
            f"{self.lines} lines in {elapsed:.0f}s",
            file=self.stream,
            flush=True,
        )
