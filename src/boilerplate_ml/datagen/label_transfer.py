"""Labels of a page extracted one way, carried over to the same HTML extracted the other way.

resiliparse and html-text cut the same page into different lines: bullets and indentation,
where blank lines fall, inline links joined to a line or split off, the browser title on top
or not. Under half of one extractor's lines are, stripped, a line of the other. A labelled
page seen through the other extractor is therefore a second, differently cut training page of
a site the model already knows, labelled at the level of a person's labels, where prepare-html's
rules and gold alignment give a noisier one.

Both texts are reduced to their letters, digits and Han characters (width, script and case
folded), so the source page is one string in which every character knows its line's label. A
target line takes the labels of the characters it covers in that string: long lines are
anchored first, in page order; short ones are looked for between the anchors around them;
lines of symbols alone take the label of a source line with the same text. Text that one
extractor alone gives (alt texts, form labels, widgets) takes the label of the block it sits in,
article or boilerplate, or, short, at the article's edge, the boilerplate's. A line half article
and half something else, or longer unknown text at the article's edge, makes the page fail with
the reason: where the source does not tell, nothing is guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from boilerplate_ml.datagen.gold_align import normalise
from boilerplate_ml.datagen.html_extract import EXTRACTORS, extract_lines, html_title, utf8_text
from boilerplate_ml.labels import is_blank
from boilerplate_ml.pages import Page, read_pages, write_pages

#: Lines with at least this many key characters are anchors: long enough to be found once.
ANCHOR_CHARS = 6
#: A target line spanning several source lines is ``content`` from this share of content
#: characters on (LABELS.md: a line that mixes body text with junk is content) ...
CONTENT_SHARE = 0.5
#: ... and is too mixed to label below it but above this share: the page is refused.
MIXED_SHARE = 0.2
#: A line of one extractor alone, between the article and boilerplate, this short or shorter
#: is a widget's text (a button, an image's name) and takes the boilerplate's label.
WIDGET_CHARS = 12
#: The list markers resiliparse writes (html-text writes none).
_LIST_MARKER = re.compile(r"^\s*(?:•|\d+\.)\s+")


class TransferError(ValueError):
    """The labels cannot be carried over without guessing; the message says which line and why."""


def line_key(text: str) -> str:
    """What two extractions of one line share: its letters, digits and Han characters, folded."""
    return "".join(char for char in normalise(_LIST_MARKER.sub("", text)) if char.isalnum())


@dataclass
class _SourceText:
    """The source page as one string of key characters, each tied to its line."""

    chars: str
    line_of_char: list[int]
    labels: Sequence[str | None]
    texts: Sequence[str]

    @classmethod
    def of(cls, texts: Sequence[str], labels: Sequence[str | None]) -> _SourceText:
        keys, owners = [], []
        for number, (text, label) in enumerate(zip(texts, labels)):
            if label is not None:
                key = line_key(text)
                keys.append(key)
                owners.extend([number] * len(key))
        return cls("".join(keys), owners, labels, texts)

    def span_label(self, start: int, end: int) -> str | None:
        """The label of characters ``start:end``, or None where article and other text mix."""
        counts = Counter(self.labels[self.line_of_char[i]] for i in range(start, end))
        content_share = counts["content"] / (end - start)
        if content_share >= CONTENT_SHARE:
            return "content"
        if content_share > MIXED_SHARE:
            return None
        counts.pop("content", None)
        return counts.most_common(1)[0][0]


def transfer_labels(source_texts: Sequence[str], source_labels: Sequence[str | None],
                    target_texts: Sequence[str], title: str = "") -> list[str | None]:
    """One label per target line (None for blank ones), carried from the labelled source lines.

    ``title`` is the HTML ``<title>``: a first target line that is that title and nothing in the
    source is the browser-title line that html-text puts on top, ``navigation`` by LABELS.md.
    """
    source = _SourceText.of(source_texts, source_labels)
    keys = [None if is_blank(text) else line_key(text) for text in target_texts]
    spans: list[tuple[int, int] | None] = [None] * len(target_texts)

    cursor = 0
    for number, key in enumerate(keys):  # anchors, in page order
        if key and len(key) >= ANCHOR_CHARS:
            start = source.chars.find(key, cursor)
            if start < 0:
                start = source.chars.find(key)  # a block the other extractor put elsewhere
            if start >= 0:
                spans[number] = (start, start + len(key))
                cursor = max(cursor, start + len(key))

    for number, key in enumerate(keys):  # short lines, between the anchors around them
        if key and spans[number] is None and len(key) < ANCHOR_CHARS:
            low = max((span[1] for span in spans[:number] if span), default=0)
            high = min((span[0] for span in spans[number + 1:] if span), default=len(source.chars))
            start = source.chars.find(key, low, max(high, low + len(key)))
            if start < 0:
                start = source.chars.find(key, low)
            if start >= 0:
                spans[number] = (start, start + len(key))

    labels: list[str | None] = [None] * len(target_texts)
    for number, span in enumerate(spans):
        if span is not None:
            label = source.span_label(*span)
            if label is None:
                raise TransferError(f"line {number + 1} mixes article and other text: {target_texts[number][:60]!r}")
            labels[number] = label
    first = next((number for number, key in enumerate(keys) if key is not None), None)
    if first is not None and labels[first] is None and keys[first] and keys[first] == line_key(title):
        labels[first] = "navigation"
    for number, key in enumerate(keys):
        if key is not None and labels[number] is None:
            labels[number] = _label_unmatched(number, key, target_texts, labels, spans, source)
    return labels


def _label_unmatched(number: int, key: str, target_texts: Sequence[str], labels: list[str | None],
                     spans: list[tuple[int, int] | None], source: _SourceText) -> str:
    """A target line whose characters are not in the source: symbols, or text of one extractor alone."""
    text = target_texts[number]
    if not key:  # symbols alone: the same text among the source lines around it
        before = max((span[1] for span in spans[:number] if span), default=0)
        around = source.line_of_char[before - 1] if before else 0
        same = [i for i, (t, label) in enumerate(zip(source.texts, source.labels))
                if label is not None and t.strip() == text.strip()]
        if same:
            return source.labels[min(same, key=lambda i: abs(i - around))]
    # Alt texts, form labels and widget text that one extractor alone gives: inside the body
    # they are captions (content, by LABELS.md), between boilerplate lines boilerplate, taking
    # the label before them. At the edge of the body nothing tells, and the page is refused.
    previous = next((labels[i] for i in range(number - 1, -1, -1) if labels[i]), None)
    following = next((labels[i] for i in range(number + 1, len(labels)) if labels[i]), None)
    if previous == following == "content":
        return "content"
    if "content" not in (previous, following) and (previous or following):
        return previous or following
    if len(key) <= WIDGET_CHARS:  # "Menu", "搜尋", "列印", a photo's file name: the edge of the boilerplate
        return next(label for label in (previous, following) if label not in (None, "content"))
    raise TransferError(f"line {number + 1} is not in the labelled page and its neighbours do not tell its label "
                        f"({previous} before, {following} after): {text[:60]!r}")


#: Share of a page's non-blank lines that the other extractor gives unchanged, from which its
#: view is the same page again (human pages made with another resiliparse version, say).
SAME_VIEW_SHARE = 0.95


def shared_line_share(lines: Sequence[str], other: Sequence[str]) -> float:
    """Share of the non-blank ``lines`` that ``other`` holds too, spaces at the ends aside."""
    stripped = [line.strip() for line in lines if not is_blank(line)]
    others = {line.strip() for line in other}
    return sum(line in others for line in stripped) / max(1, len(stripped))


def other_extraction(page: Page, html: str) -> Page:
    """``page`` as the other extractor gives its HTML, with the labels carried over.

    The extractor the page was made with is the one its record names, or else the one that
    gives most of its lines back; the new page's id is ``<id>@<extractor>`` and its site the
    same, so a site split keeps both views on one side.
    """
    extractions = {name: extract_lines(html, name) for name in EXTRACTORS}
    made_with = page.extra.get("extractor")
    if made_with not in extractions:
        made_with = max(EXTRACTORS, key=lambda name: shared_line_share(page.texts, extractions[name]))
    (target, lines), = ((name, lines) for name, lines in extractions.items() if name != made_with)
    if shared_line_share(page.texts, lines) >= SAME_VIEW_SHARE:
        raise TransferError(f"{target} gives the same lines as the labelled page")
    labels = transfer_labels(page.texts, page.labels, lines, html_title(html))
    return Page(f"{page.id}@{target}", page.source, lines, labels,
                {"extractor": target, "labels_from": page.extra.get("extractor", made_with)})


def transfer_pages(page_paths: Sequence[str | Path], html_dir: str | Path, out_path: str | Path) -> tuple[list[Page], list[tuple[str, str]]]:
    """Every page of ``page_paths`` that has ``<id>.html`` in ``html_dir``, seen through the other
    extractor; written all or nothing. Returns the new pages and ``(id, reason)`` for the others."""
    if not Path(html_dir).is_dir():
        raise TransferError(f"{html_dir}: no such folder")
    pages, skipped = [], []
    for path in page_paths:
        for page in read_pages(path):
            html_path = Path(html_dir) / f"{page.id}.html"
            if not html_path.is_file():
                skipped.append((page.id, f"no {html_path}"))
                continue
            html = utf8_text(html_path, TransferError)
            try:
                pages.append(other_extraction(page, html))
            except TransferError as error:
                skipped.append((page.id, str(error)))
    write_pages(pages, out_path)
    return pages, skipped
