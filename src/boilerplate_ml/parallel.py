"""Pages predicted in worker processes, each loading the model once, results handed back in input order.

Torch's threads do not scale far on small matrices and suffer most when a machine is shared;
separate processes, each with a few threads, do. Chunks go out a few per worker ahead of the
one being written, so the input is streamed, never read whole, and the output keeps its order.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from boilerplate_ml.predictor import LinePrediction, Predictor

Tag = TypeVar("Tag")

#: Chunks queued per worker beyond the one it is on: enough that no worker waits for the reader.
CHUNKS_AHEAD_PER_WORKER = 2


class WorkerModelError(RuntimeError):
    """A worker could not load its model (the message is the loader's own)."""


_worker_predictor: Predictor | None = None
_worker_error: str | None = None


def default_threads(workers: int) -> int:
    """Torch threads per worker: torch's own default (the cores it sees) shared out among the workers."""
    import torch

    return max(1, torch.get_num_threads() // workers)


def _load_in_worker(model: str | None, options: dict) -> None:
    global _worker_predictor, _worker_error
    from boilerplate_ml.predictor import Predictor

    try:
        _worker_predictor = Predictor.from_pretrained(model, **options)
    except (OSError, ValueError) as error:  # said to the parent with the first chunk, not as a broken pool
        _worker_error = str(error)


def _predict_in_worker(texts: list[str]) -> list[list[LinePrediction]]:
    if _worker_predictor is None:
        raise WorkerModelError(_worker_error or "the worker's model did not load")
    return _worker_predictor.predict_batch(texts)


class WorkerPool:
    """``workers`` processes, each with its own :class:`Predictor` built by ``Predictor.from_pretrained(model, **options)``.

    Processes are spawned, not forked: a fork of a process whose torch has started its thread
    pool can hang.
    """

    def __init__(self, workers: int, model: str | None, options: dict) -> None:
        self.workers = workers
        self._executor = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"), initializer=_load_in_worker, initargs=(model, options)
        )

    def predict_in_order(self, chunks: Iterable[tuple[Tag, list[str]]]) -> Iterator[tuple[Tag, list[list[LinePrediction]]]]:
        """Each chunk's tag with the predictions of its pages, in the order the chunks came."""
        pending: deque[tuple[Tag, Future]] = deque()
        for tag, texts in chunks:
            pending.append((tag, self._executor.submit(_predict_in_worker, texts)))
            if len(pending) > self.workers * (1 + CHUNKS_AHEAD_PER_WORKER):
                done_tag, future = pending.popleft()
                yield done_tag, future.result()
        while pending:
            done_tag, future = pending.popleft()
            yield done_tag, future.result()

    def close(self) -> None:
        """Stop the workers; chunks still queued are dropped (the run is over, or has failed)."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def predict_in_order(
    predictor: Predictor | WorkerPool, chunks: Iterable[tuple[Tag, list[str]]]
) -> Iterator[tuple[Tag, list[list[LinePrediction]]]]:
    """:meth:`WorkerPool.predict_in_order`, or the same in this process with one predictor."""
    if isinstance(predictor, WorkerPool):
        yield from predictor.predict_in_order(chunks)
        return
    for tag, texts in chunks:
        yield tag, predictor.predict_batch(texts)
