"""The public prediction API: a label and a keep decision for every line of a page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from tqdm.auto import tqdm
from transformers import PreTrainedTokenizerBase

from boilerplate_ml.jsonl import lone_surrogate_at
from boilerplate_ml.labels import CONTENT, DEFAULT_THRESHOLD, LABELS, is_blank
from boilerplate_ml.model_location import resolve_model_dir
from boilerplate_ml.modeling import load_line_classifier
from boilerplate_ml.ngrams import NgramLineModel
from boilerplate_ml.page_models import average_probabilities
from boilerplate_ml.page_tagger import PageTagger
from boilerplate_ml.pipeline import PIPELINE_FILE, SHIPPED_ORDER, read_pipeline
from boilerplate_ml.quantization import int8_linear_layers
from boilerplate_ml.refiner import PageRefiner
from boilerplate_ml.windows import Window, WindowSpec, build_windows, encode_lines, non_blank_lines


@dataclass(frozen=True)
class LinePrediction:
    """One line of a page as it came, its label (None if blank), that label's probability, and the verdict.

    ``label`` never contradicts ``keep``: a kept line gets the most probable of the kept labels,
    a dropped one the most probable of the others. The verdict is taken on the summed probability
    of the kept labels, so a plain 8-way argmax could say ``content`` of a line the sum drops.
    """

    text: str
    label: str | None
    score: float | None
    keep: bool


class Predictor:
    """Labels the lines of pages with a fine-tuned line classifier.

    A line is kept when the summed probability of the labels in ``keep_labels`` reaches
    ``threshold`` (always, when every label is kept); its label is then the most probable kept
    label, and otherwise the most probable dropped one (see :class:`LinePrediction`). Blank lines
    are never kept themselves but survive as paragraph breaks in :meth:`clean`. After the line
    classifier, the later stages (a character n-gram model, a page-level refiner, a page tagger)
    run in ``stages`` order, as the model folder's pipeline.json lists them: the n-gram model's
    and the tagger's probabilities are averaged with what came before, the refiner replaces what
    came before with its refined reading of it. ``threads`` sets torch's (process-wide) thread
    count; ``quantize`` runs the line classifier's linear layers in int8 on CPU (faster, with
    nearly the same decisions).
    """

    def __init__(
        self,
        model: torch.nn.Module,
        tokenizer: PreTrainedTokenizerBase,
        spec: WindowSpec,
        device: str | torch.device = "cpu",
        keep_labels: Iterable[str] = (CONTENT,),
        threshold: float = DEFAULT_THRESHOLD,
        batch_size: int = 32,
        refiner: PageRefiner | None = None,
        ngrams: NgramLineModel | None = None,
        tagger: PageTagger | None = None,
        stages: Sequence[str] = SHIPPED_ORDER,
        threads: int | None = None,
        quantize: bool = False,
    ) -> None:
        if isinstance(keep_labels, str):  # one label, not its characters
            keep_labels = (keep_labels,)
        if not isinstance(keep_labels, Iterable):
            raise ValueError(f"keep_labels must be a label or a list of labels, got {keep_labels!r}")
        keep_labels = frozenset(keep_labels)
        unknown = keep_labels - set(LABELS)
        if unknown:
            raise ValueError(f"unknown labels in keep_labels: {sorted(unknown)}; known: {', '.join(LABELS)}")
        if not keep_labels:
            raise ValueError(f"keep_labels is empty, so nothing would be kept; known labels: {', '.join(LABELS)}")
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be a number in [0, 1], got {threshold!r}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be an integer of at least 1, got {batch_size!r}")
        if threads is not None:
            if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
                raise ValueError(f"threads must be an integer of at least 1, got {threads!r}")
            torch.set_num_threads(threads)  # process-wide: torch has no per-model setting
        self.device = usable_device(device)
        if quantize and self.device.type != "cpu":
            raise ValueError(f"quantize=True is int8 CPU inference; device {self.device} asked for")
        self.model = model.to(self.device).eval()
        if quantize:
            self.model = int8_linear_layers(self.model)
        self.tokenizer = tokenizer
        self.spec = spec
        self.keep_labels = keep_labels
        self.threshold = threshold
        self.batch_size = batch_size
        self.refiner = refiner
        self.ngrams = ngrams
        self.tagger = tagger
        self.stages = tuple(stages)
        self._kept_mask = torch.tensor([label in self.keep_labels for label in LABELS])

    @classmethod
    def from_pretrained(cls, path: str | Path | None = None, device: str | None = None, **kwargs) -> Predictor:
        """Load a model folder onto ``device`` (default: CUDA if present).

        Without ``path``: $BOILERPLATE_ML_MODEL, else the cache, else the shipped model (``model_location``).
        """
        model_dir = resolve_model_dir(path)
        if not model_dir.is_dir():
            raise FileNotFoundError(f"model folder not found: {model_dir}")
        if not (model_dir / "config.json").is_file():
            raise FileNotFoundError(f"not a model folder (no config.json): {model_dir}")
        device = usable_device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        stages = read_pipeline(model_dir)
        tokenizer, model, spec = load_line_classifier(model_dir)
        later = {}
        for name, loader in (("ngrams", NgramLineModel.load), ("refiner", PageRefiner.load), ("tagger", PageTagger.load)):
            if name in stages:
                later[name] = loader(model_dir)
                if later[name] is None:
                    raise FileNotFoundError(f"{model_dir / PIPELINE_FILE} lists the stage {name!r}, but its files are not in the folder")
        return cls(model, tokenizer, spec, device=device, stages=stages, **later, **kwargs)

    def predict(self, text: str) -> list[LinePrediction]:
        """One prediction per line of ``text.split("\\n")``, in order."""
        return self.predict_batch([text])[0]

    def clean(self, text: str) -> str:
        """The kept lines, byte for byte, with each run of blank lines between them cut to one."""
        return self.clean_batch([text])[0]

    def clean_batch(self, texts: Iterable[str], progress: bool = False) -> list[str]:
        """:meth:`clean` for many pages, batched as :meth:`predict_batch` batches them."""
        return [join_kept(lines) for lines in self.predict_batch(texts, progress=progress)]

    def predict_batch(self, texts: Iterable[str], progress: bool = False) -> list[list[LinePrediction]]:
        """Predict many pages at once: windows of all pages are pooled, sorted by length and batched."""
        texts = pages_of(texts)
        return [self.decide(text.split("\n"), probs) for text, probs in zip(texts, self._line_probabilities(texts, progress))]

    def decide(self, lines: Sequence[str], probs: Sequence[torch.Tensor | None]) -> list[LinePrediction]:
        """Label, score and keep verdict of each line from its probabilities (None: a blank line)."""
        return [self._line_prediction(line, line_probs) for line, line_probs in zip(lines, probs)]

    def line_probabilities(self, texts: Iterable[str], progress: bool = False) -> list[list[torch.Tensor | None]]:
        """Per page, each line's probabilities over LABELS (None for blank lines): the line classifier's,
        then each later stage's in ``stages`` order (those this Predictor holds)."""
        return self._line_probabilities(pages_of(texts), progress)

    def _line_probabilities(self, texts: list[str], progress: bool) -> list[list[torch.Tensor | None]]:
        pages = [text.split("\n") for text in texts]
        labelled = [non_blank_lines(lines) for lines in pages]
        windows: list[Window] = []
        owners: list[list[int]] = []  # per page, the window index of each labelled line
        for lines, indices in zip(pages, labelled):
            encoded = encode_lines([lines[i] for i in indices], self.tokenizer, self.spec)
            page_windows, owner = build_windows(encoded, self.tokenizer, self.spec)
            owners.append([len(windows) + w for w in owner])
            windows.extend(page_windows)
        probabilities = self._score_windows(windows, progress)
        results = []
        for owner, lines, indices in zip(owners, pages, labelled):
            line_probs: list[torch.Tensor | None] = [None] * len(lines)
            for position, (line_index, window_index) in enumerate(zip(indices, owner)):
                window = windows[window_index]
                line_probs[line_index] = probabilities[window_index][window.line_indices.index(position)]
            results.append(line_probs)
        for name in self.stages:
            if name == "refiner" and self.refiner is not None:
                results = self.refiner.refine_batch(list(zip(pages, results)))
            elif (stage := {"ngrams": self.ngrams, "tagger": self.tagger}.get(name)) is not None:
                results = average_probabilities(results, stage.line_probabilities(pages))
        return results

    def _line_prediction(self, text: str, probs: torch.Tensor | None) -> LinePrediction:
        if probs is None:
            return LinePrediction(text, None, None, False)
        # With every label kept, the sum is 1 up to rounding, which must not drop a line to no label at all.
        keep = bool(self._kept_mask.all()) or float(probs[self._kept_mask].sum()) >= self.threshold
        side = self._kept_mask if keep else ~self._kept_mask
        score, label_id = probs.masked_fill(~side, -1.0).max(dim=0)
        return LinePrediction(text, LABELS[int(label_id)], float(score), keep)

    @torch.inference_mode()
    def _score_windows(self, windows: Sequence[Window], progress: bool) -> list[torch.Tensor]:
        """Per window, each packed line's class probabilities (the mean over its tokens); shortest windows batched together."""
        order = sorted(range(len(windows)), key=lambda w: len(windows[w].input_ids))
        scored: list[torch.Tensor | None] = [None] * len(windows)
        pad_id = self.tokenizer.pad_token_id
        batches = range(0, len(order), self.batch_size)
        for start in tqdm(batches, desc="windows", unit="batch", disable=not progress, leave=False):
            batch = [windows[w] for w in order[start : start + self.batch_size]]
            width = max(len(window.input_ids) for window in batch)
            input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
            attention_mask = torch.zeros((len(batch), width), dtype=torch.long)
            for row, window in enumerate(batch):
                input_ids[row, : len(window.input_ids)] = torch.tensor(window.input_ids)
                attention_mask[row, : len(window.input_ids)] = 1
            logits = self.model(
                input_ids=input_ids.to(self.device), attention_mask=attention_mask.to(self.device)
            ).logits.float()
            probs = logits.softmax(dim=-1).cpu()
            for row, window in enumerate(batch):
                scored[order[start + row]] = torch.stack([probs[row, span].mean(dim=0) for span in window.spans])
        return scored


def pages_of(texts: Iterable[str]) -> list[str]:
    """The pages as a list (a generator is read once), each checked to be text that can be written back as UTF-8."""
    if isinstance(texts, str):
        raise TypeError("expected a list of pages, got one str: use predict() or clean() for a single page")
    pages = list(texts)
    for number, text in enumerate(pages):
        if not isinstance(text, str):
            raise TypeError(f"page {number} is {type(text).__name__}, not str")
        if (position := lone_surrogate_at(text)) is not None:
            line = text.count("\n", 0, position) + 1
            raise ValueError(f"page {number}, line {line}: lone surrogate {text[position]!r} is not valid Unicode text")
    return pages


def usable_device(device: str | torch.device) -> torch.device:
    """``device`` parsed, or a ValueError that says why it cannot be used here (not a deep torch traceback)."""
    try:
        parsed = torch.device(device)
    except RuntimeError:
        raise ValueError(f"unknown device {device!r}; expected cpu, cuda, cuda:N, mps …") from None
    if parsed.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} asked for, but torch sees no CUDA GPU here")
    if parsed.type == "cuda" and parsed.index is not None and parsed.index >= torch.cuda.device_count():
        raise ValueError(f"device {device!r} asked for, but torch sees {torch.cuda.device_count()} CUDA GPU(s)")
    return parsed


def join_kept(predictions: Sequence[LinePrediction]) -> str:
    """Kept lines in order; an empty line stands between two kept lines that had blank lines between them.

    On a CRLF page that empty line is ``\r``, as its own blank lines end, so the line endings stay whole.
    """
    out: list[str] = []
    gap: str | None = None
    for prediction in predictions:
        if prediction.keep:
            if gap is not None and out:
                out.append(gap)
            out.append(prediction.text)
            gap = None
        elif gap is None and is_blank(prediction.text):
            gap = "\r" if prediction.text.endswith("\r") else ""
    return "\n".join(out)
