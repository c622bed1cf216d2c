"""A datatrove pipeline step that keeps the article lines of each Document's text, for crawls cleaned on clusters.

    pip install "boilerplate-ml[datatrove]"

datatrove pickles a pipeline and runs it in each task (a Slurm job, a Ray actor, a local
process), so the model is loaded lazily, once per task, on the first batch. Documents go through
the Predictor in batches, whose windows are sorted by length together. Every labelled line is
counted in the step's stats as ``lines_kept/<label>`` or ``lines_dropped/<label>``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from boilerplate_ml.extras import require_extra

require_extra("datatrove", "boilerplate_ml.datatrove_step", "datatrove")

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.batching import batched
from datatrove.utils.typeshelper import StatHints

from boilerplate_ml.labels import CONTENT, DEFAULT_THRESHOLD
from boilerplate_ml.predictor import Predictor, join_kept

#: Documents predicted together: enough to fill many batches of windows, little enough to stream.
DOCUMENTS_PER_BATCH = 64


class BoilerplateCleaner(PipelineStep):
    """Replace each Document's text by its kept lines; a Document with none kept is dropped unless ``keep_empty``.

    The other arguments are :class:`~boilerplate_ml.predictor.Predictor`'s (``model``: a model
    folder, default the shipped one). Give each task ``threads`` that, times the tasks running at
    once on a machine, does not exceed its cores.
    """

    name = "🧹 boilerplate-ml"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        model: str | None = None,
        device: str | None = "cpu",
        keep_labels: Iterable[str] = (CONTENT,),
        threshold: float = DEFAULT_THRESHOLD,
        batch_size: int = 32,
        threads: int | None = 1,
        quantize: bool = False,
        keep_empty: bool = False,
    ) -> None:
        super().__init__()
        self.model = model
        self.options = dict(device=device, keep_labels=tuple(keep_labels), threshold=threshold, batch_size=batch_size,
                            threads=threads, quantize=quantize)
        self.keep_empty = keep_empty
        self._predictor: Predictor | None = None

    @property
    def predictor(self) -> Predictor:
        if self._predictor is None:
            self._predictor = Predictor.from_pretrained(self.model, **self.options)
        return self._predictor

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_predictor": None}  # each task loads its own; a loaded model is not shipped to it

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for batch in batched(data, DOCUMENTS_PER_BATCH):
            with self.track_time(unit="batch"):
                predictions = self.predictor.predict_batch([document.text for document in batch])
            for document, lines in zip(batch, predictions):
                self.stat_update(StatHints.total)
                counts = Counter(f"lines_{'kept' if line.keep else 'dropped'}/{line.label}" for line in lines if line.label)
                for name, count in counts.items():
                    self.stat_update(name, value=count)
                document.text = join_kept(lines)
                if not document.text.strip() and not self.keep_empty:
                    self.stat_update(StatHints.dropped)
                    continue
                self.stat_update(StatHints.forwarded)
                yield document
