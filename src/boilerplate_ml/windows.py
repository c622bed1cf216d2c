"""Lines → token windows: the one encoding shared by training and prediction.

Each non-blank line becomes a *line marker* followed by at most ``line_tokens`` tokens (its head,
and for long lines a few tokens of its tail, where sentence-final punctuation and reporters'
credits sit). The marker itself says how long the line is (a log2 bucket of its characters),
because truncation would otherwise hide the strongest single cue. Consecutive lines of a page are
packed into windows of at most ``window_tokens``; windows overlap so that every line is read
from a window where it has context on both sides, and it is scored from the one where it is
most central. A line is tokenized once, however many windows contain it.

Every token of a line is trained to predict the line's label, and a line's prediction is the mean
of its tokens' probabilities: each character's embedding then learns its own cue (登录, ICP, 来源)
directly, instead of waiting for attention to carry it to the marker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from transformers import PreTrainedTokenizerBase

from boilerplate_ml.labels import is_blank

#: Markers ``[L1]``…``[L8]`` encode line length in characters: 1, 2-3, 4-7, …, 128+.
LENGTH_BUCKETS = 8
LINE_MARKERS: tuple[str, ...] = tuple(f"[L{i}]" for i in range(1, LENGTH_BUCKETS + 1))
#: Characters looked at per wanted token: a token never spans fewer than one character, and
#: spaces yield none, so four characters per token is ample and keeps 100k-character lines cheap.
CHARS_PER_TOKEN = 4


@dataclass(frozen=True)
class WindowSpec:
    """How lines are cut and packed; saved with the model so prediction matches training."""

    line_tokens: int = 16
    tail_tokens: int = 4
    #: About 15-30 lines. 512 (batch halved, same tokens per step) was tried: -0.018 and +0.002 line F1 on the two held-out site folds.
    window_tokens: int = 256
    #: Fraction of a window's lines by which the next window starts later: 0.5 reads every line twice.
    stride: float = 0.5

    def to_dict(self) -> dict:
        return asdict(self)


def length_bucket(line: str) -> int:
    """1 for one character, 2 for 2-3, … , 8 for 128 or more (stripped characters)."""
    return min(len(line.strip()).bit_length(), LENGTH_BUCKETS)


def add_line_markers(tokenizer: PreTrainedTokenizerBase) -> int:
    """Register the line markers as special tokens; return how many were new (to resize embeddings)."""
    return tokenizer.add_special_tokens(
        {"additional_special_tokens": list(LINE_MARKERS)}, replace_extra_special_tokens=False
    )


def encode_lines(lines: Sequence[str], tokenizer: PreTrainedTokenizerBase, spec: WindowSpec) -> list[list[int]]:
    """Token ids of each line, opened by its length marker. Lines must be non-blank."""
    if not lines:
        return []
    head_chars = CHARS_PER_TOKEN * spec.line_tokens
    tail_chars = CHARS_PER_TOKEN * spec.tail_tokens
    # split_special_tokens: a page that literally contains "[SEP]" must not inject one.
    tokenize = lambda texts: tokenizer(texts, add_special_tokens=False, split_special_tokens=True)["input_ids"]  # noqa: E731
    heads = tokenize([line[:head_chars] for line in lines])
    long_lines = [i for i, ids in enumerate(heads) if len(ids) > spec.line_tokens or len(lines[i]) > head_chars]
    # No tail wanted: [-0:] would be the whole line, 100k characters through the tokenizer.
    tails = tokenize([lines[i][-tail_chars:] for i in long_lines]) if long_lines and spec.tail_tokens else []
    tail_of = dict(zip(long_lines, tails))
    marker_ids = tokenizer.convert_tokens_to_ids(list(LINE_MARKERS))
    encoded = []
    for i, (line, head) in enumerate(zip(lines, heads)):
        if i in tail_of:
            body = head[: spec.line_tokens - spec.tail_tokens] + tail_of[i][-spec.tail_tokens :]
        else:
            body = head[: spec.line_tokens]
        encoded.append([marker_ids[length_bucket(line) - 1], *body])
    return encoded


def plan_windows(line_lengths: Sequence[int], budget: int, stride: float) -> list[range]:
    """Cover lines ``0..n-1`` with overlapping runs whose token lengths sum to at most ``budget``."""
    windows: list[range] = []
    start, n = 0, len(line_lengths)
    while start < n:
        end, used = start, 0
        while end < n and used + line_lengths[end] <= budget:
            used += line_lengths[end]
            end += 1
        if end == start:
            raise ValueError(f"a line of {line_lengths[start]} tokens does not fit a window of {budget}")
        windows.append(range(start, end))
        if end == n:
            break
        start += max(1, int((end - start) * stride))
    return windows


def assign_lines(windows: Sequence[range], num_lines: int) -> list[int]:
    """For each line, the index of the window in which it is farthest from either edge."""
    best_window = [-1] * num_lines
    best_margin = [-1] * num_lines
    for w, window in enumerate(windows):
        for i in window:
            margin = min(i - window.start, window.stop - 1 - i)
            if margin > best_margin[i]:
                best_window[i], best_margin[i] = w, margin
    return best_window


@dataclass
class Window:
    """One model input: token ids and, per packed line, its line index and token span (marker first)."""

    input_ids: list[int]
    line_indices: list[int]
    spans: list[range]


def build_windows(
    encoded_lines: Sequence[list[int]], tokenizer: PreTrainedTokenizerBase, spec: WindowSpec
) -> tuple[list[Window], list[int]]:
    """Pack encoded lines into windows; also return which window scores each line."""
    budget = spec.window_tokens - 2  # [CLS] and [SEP]
    plan = plan_windows([len(ids) for ids in encoded_lines], budget, spec.stride)
    windows = []
    for window in plan:
        input_ids, spans = [tokenizer.cls_token_id], []
        for i in window:
            spans.append(range(len(input_ids), len(input_ids) + len(encoded_lines[i])))
            input_ids.extend(encoded_lines[i])
        input_ids.append(tokenizer.sep_token_id)
        windows.append(Window(input_ids, list(window), spans))
    return windows, assign_lines(plan, len(encoded_lines))


def non_blank_lines(texts: Sequence[str]) -> list[int]:
    """Indices of the lines that get a label: the non-blank ones."""
    return [i for i, text in enumerate(texts) if not is_blank(text)]
