"""Which extracted lines are the article: fuzzy alignment of each line with a gold main text.

The gold text of a page was extracted by a person for another benchmark; our lines come from a
different extractor, script (Traditional/Simplified), width and spacing. Both sides are
normalised, then a line is ``content`` when most of its characters lie in character n-grams
that also occur in the gold. Short lines (table cells, section numbers) are too short to
score and are content only inside a run of content, and only if the gold holds them too. The
article's title, which gold texts usually leave out, is recovered from the HTML ``<title>``.
A page whose gold is mostly not found is skipped rather than guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from boilerplate_ml.datagen.chinese_script import script_converter
from boilerplate_ml.labels import is_blank

#: Characters per n-gram. Swept 2-4 on the gold pages of pages/train.jsonl: 2 lets menus of
#: common words match scattered gold text, 4 misses lines the extractor spaced differently.
NGRAM = 3
#: Share of a line's normalised characters that must lie in gold n-grams for ``content``.
#: Swept 0.5-0.9 on train: agreement rises to 0.8 and falls after (lines the gold edits drop).
LINE_MATCH_THR = 0.8
#: Share of the gold's characters that the content lines must cover, or the page is skipped:
#: below it the gold belongs to another version of the page, and labels would be guesses.
MIN_GOLD_COVERAGE = 0.7
#: A title line must be at least this share of the normalised ``<title>``, so a site name
#: that is also part of the ``<title>`` (``…_网易财经``) is not taken for the headline.
MIN_TITLE_SHARE = 0.5

# CJK punctuation and its ASCII look-alike, so "，" and "," compare equal (NFKC folds only
# the full-width ASCII forms, not the ideographic ones).
_PUNCT_WIDTH = str.maketrans(
    {"。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"',
     "『": '"', "』": '"', "《": "<", "》": ">", "〈": "<", "〉": ">", "【": "[", "】": "]",
     "〔": "(", "〕": ")", "—": "-", "–": "-", "―": "-", "…": "...", "·": ".", "・": "."}
)


def normalise(text: str) -> str:
    """Fold width, punctuation width, script (to Simplified) and case; drop all whitespace."""
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT_WIDTH)
    text = script_converter("t2s")(text).lower()
    return "".join(text.split())


def ngrams(text: str, n: int = NGRAM) -> set[str]:
    """All character n-grams of a normalised text."""
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def matched_share(text: str, gold_ngrams: set[str], n: int = NGRAM) -> float:
    """Share of ``text``'s characters inside an n-gram that the gold also has."""
    covered = [False] * len(text)
    for i in range(len(text) - n + 1):
        if text[i : i + n] in gold_ngrams:
            covered[i : i + n] = [True] * n
    return sum(covered) / len(text) if text else 0.0


@dataclass
class Alignment:
    """Per line: is it content (None for blank lines); and the share of gold that was found."""

    is_content: list[bool | None]
    gold_coverage: float


def _has_words(text: str) -> bool:
    """A line with no letter or digit (rules, arrows, bullets) carries no article text."""
    return any(ch.isalnum() for ch in text)


def _mark_short_runs(keys: list[str | None], content: list[bool], gold: str, n: int) -> None:
    """Short lines found in the gold become content when content lines enclose their run."""
    i = 0
    while i < len(keys):
        key = keys[i]
        if key is None or content[i] or len(key) >= n or not _has_words(key) or key not in gold:
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < len(keys) and not content[j]:
            k = keys[j]
            if k is not None:
                if len(k) >= n or k not in gold:
                    break
                run.append(j)
            j += 1
        before = next((content[b] for b in range(i - 1, -1, -1) if keys[b] is not None), False)
        after = j < len(keys) and content[j]
        if before and after:
            for r in run:
                content[r] = True
        i = j


def _mark_title(keys: list[str | None], content: list[bool], title: str) -> None:
    """Lines above the body that repeat the ``<title>``'s headline part become content."""
    title_key = normalise(title)
    if not title_key or True not in content:
        return
    non_blank = [i for i, key in enumerate(keys) if key is not None]
    if keys[non_blank[0]] == title_key:
        content[non_blank[0]] = False  # the browser-title line heading an extraction: navigation
    if True not in content:
        return
    first_body = content.index(True)
    for i in non_blank[1:]:
        if i >= first_body:
            break
        key = keys[i]
        if len(key) >= max(NGRAM, MIN_TITLE_SHARE * len(title_key)) and key in title_key:
            content[i] = True


#: A line ending in a date (``… 2015/07/02``, ``… 2019-06-24 09:17``): a listed headline.
_ENDS_IN_DATE = re.compile(r"(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d\d(?::\d\d)?)?\s*\)?$")


def _unmark_listed_headlines(lines: list[str], content: list[bool]) -> None:
    """Dated lines next to dated lines are a list of headlines (navigation) even where a gold
    text kept them: on train such runs were navigation 28 times of 28."""
    non_blank = [i for i, line in enumerate(lines) if not is_blank(line)]
    dated = {i for i in non_blank if _ENDS_IN_DATE.search(lines[i].strip())}
    for k, i in enumerate(non_blank):
        neighbours = non_blank[max(k - 1, 0) : k] + non_blank[k + 1 : k + 2]
        if i in dated and any(j in dated for j in neighbours):
            content[i] = False


def align(lines: list[str], gold: str, title: str = "", n: int = NGRAM) -> Alignment:
    """Mark the lines of one page that are its article, given the gold text and ``<title>``."""
    gold_key = normalise(gold)
    gold_grams = ngrams(gold_key, n)
    keys = [None if is_blank(line) else normalise(line) for line in lines]
    content = [
        key is not None and len(key) >= n and _has_words(key)
        and matched_share(key, gold_grams, n) >= LINE_MATCH_THR
        for key in keys
    ]
    _mark_short_runs(keys, content, gold_key, n)
    # Coverage measures how much of the gold the page holds, so it is taken before the
    # title and headline-list rules below change lines for reasons other than the gold.
    found = ngrams("".join(k for k, c in zip(keys, content) if c and k), n)
    coverage = matched_share(gold_key, found, n) if gold_key else 0.0
    if title:
        _mark_title(keys, content, title)
    _unmark_listed_headlines(lines, content)
    return Alignment([None if key is None else c for key, c in zip(keys, content)], coverage)
