"""A visual report of what the model did to a sample of pages: one self-contained HTML file.

Each page's lines are coloured by predicted label, with the score on hover and kept lines
marked; where the input has gold labels, the lines the model labels otherwise are outlined and
their gold label shown. At the top: the label distribution, the score histograms of kept and
dropped lines and, for labelled input, the confusion matrix. Plots are PNGs inlined as base64
and styles are inline, so the file opens anywhere with no network: people look at a sample
before they trust a filter, and a table of F1 figures does not show them where it errs.
"""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from boilerplate_ml.extras import require_extra

require_extra("report", "boilerplate-ml report", "matplotlib")

from boilerplate_ml.jsonl import InputError, json_records, lone_surrogate_at
from boilerplate_ml.labels import LABELS
from boilerplate_ml.pages import Page, page_from_record

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from boilerplate_ml.predictor import LinePrediction

#: Light backgrounds that black text stays readable on, one per label, told apart at a glance.
LABEL_COLOURS = {
    "content": "#b2f2bb",
    "navigation": "#a5d8ff",
    "metadata": "#ffec99",
    "footer": "#d0bfff",
    "interaction": "#fcc2d7",
    "comment": "#ffd8a8",
    "spam": "#ff8787",
    "noise": "#ced4da",
}
KEPT_COLOUR = "#2f9e44"
DROPPED_COLOUR = "#e8590c"
DISAGREEMENT_COLOUR = "#c92a2a"
GOLD_BAR_COLOUR = "#868e96"
#: C0 controls other than tab, shown as their Unicode control pictures (NUL as ␀, CR as ␍) rather than dropped or raw.
CONTROL_PICTURES = {code: 0x2400 + code for code in range(0x20) if code != 0x09} | {0x7F: 0x2421}


@dataclass
class ReportPage:
    """A page as read (gold labels None throughout when the input had none) and the model's predictions."""

    page: Page
    labelled: bool
    predictions: list[LinePrediction]


def read_report_pages(path: str | Path, text_field: str = "text", limit: int | None = None) -> Iterator[tuple[Page, bool]]:
    """The first ``limit`` pages of a JSON Lines file: labelled pages (LABELS.md) or records with a ``text_field``.

    Yields each page and whether it has gold labels; a record that is neither raises :class:`InputError`.
    """
    for line_number, record in islice(json_records(path), limit):
        origin = f"{path}:{line_number}"
        if isinstance(record, dict) and "lines" in record:
            page, labelled = page_from_record(record, path, line_number), True
        elif isinstance(record, dict) and isinstance(record.get(text_field), str):
            texts = record[text_field].split("\n")
            name = record.get("id", record.get("url", origin))
            page, labelled = Page(str(name), str(record.get("source", record.get("url", ""))), texts, [None] * len(texts)), False
        else:
            raise InputError(origin, f"neither a labelled page (a 'lines' list) nor a record with a string {text_field!r}")
        if (position := lone_surrogate_at(page.text)) is not None:
            raise InputError(origin, f"lone surrogate at character {position}, not valid Unicode text")
        yield page, labelled


def render_report(pages: Sequence[ReportPage], title: str, settings: str) -> str:
    """The whole report as one HTML document; ``settings`` says in a line which model and rule made it."""
    labelled = any(page.labelled for page in pages)
    lines = [(p, gold) for page in pages for p, gold in zip(page.predictions, page.page.labels) if p.label is not None]
    kept = sum(p.keep for p, _ in lines)
    summary = f"{len(pages)} pages, {len(lines)} non-blank lines, {kept} kept ({kept / max(len(lines), 1):.1%}). {settings}"
    parts = [
        f"<h1>{_escape(title)}</h1>",
        f"<p class='summary'>{_escape(summary)}</p>",
        _legend(),
        "<div class='plots'>",
        _png(_label_distribution(lines, labelled), "label distribution"),
        _png(_score_histograms(lines), "score histograms of kept and dropped lines"),
        "</div>",
    ]
    if labelled:
        parts.append(_confusion_table([(gold, p.label) for p, gold in lines if gold is not None]))
    parts.extend(_page_section(page) for page in pages)
    return (
        "<!DOCTYPE html>\n<html lang='zh'><head><meta charset='utf-8'>"
        f"<title>{_escape(title)}</title><style>{_css()}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )


def _escape(text: str) -> str:
    return html.escape(text.translate(CONTROL_PICTURES), quote=True)


def _css() -> str:
    labels = "\n".join(f".l-{label} {{ background: {colour}; }}" for label, colour in LABEL_COLOURS.items())
    return f"""
body {{ font-family: sans-serif; margin: 1.5em; color: #212529; }}
.summary {{ color: #495057; }}
.legend span {{ display: inline-block; padding: 0.1em 0.6em; margin-right: 0.3em; border-radius: 3px; }}
.plots img {{ max-width: 48%; margin-right: 1%; vertical-align: top; }}
table.confusion {{ border-collapse: collapse; margin: 1em 0; font-size: 0.85em; }}
table.confusion td, table.confusion th {{ border: 1px solid #dee2e6; padding: 0.2em 0.5em; text-align: right; }}
section.page {{ margin-top: 2em; border-top: 2px solid #adb5bd; }}
.line {{ white-space: pre-wrap; word-break: break-all; font-family: monospace; padding: 1px 4px;
        border-left: 6px solid transparent; margin: 1px 0; min-height: 1.1em; }}
.line.kept {{ border-left-color: {KEPT_COLOUR}; font-weight: bold; }}
.line.wrong {{ outline: 2px dashed {DISAGREEMENT_COLOUR}; outline-offset: -2px; }}
.line .gold {{ float: right; color: {DISAGREEMENT_COLOUR}; font-size: 0.8em; }}
{labels}
"""


def _legend() -> str:
    swatches = "".join(f"<span class='l-{label}'>{label}</span>" for label in LABELS)
    return (
        f"<p class='legend'>{swatches} · <b style='border-left: 6px solid {KEPT_COLOUR}; padding-left: 4px'>kept</b>"
        f" · <span style='outline: 2px dashed {DISAGREEMENT_COLOUR}'>label differs from gold</span>"
        " · hover a line for its label and score</p>"
    )


def _page_section(report: ReportPage) -> str:
    rows = []
    wrong = 0
    for prediction, gold in zip(report.predictions, report.page.labels):
        if prediction.label is None:
            rows.append("<div class='line'></div>")
            continue
        classes = [f"l-{prediction.label}"] + (["kept"] if prediction.keep else [])
        hover = f"{prediction.label} {prediction.score:.3f} · {'kept' if prediction.keep else 'dropped'}"
        gold_tag = ""
        if gold is not None:
            hover += f" · gold {gold}"
            if gold != prediction.label:
                classes.append("wrong")
                gold_tag = f"<span class='gold'>gold: {gold}</span>"
                wrong += 1
        rows.append(f"<div class='line {' '.join(classes)}' title='{_escape(hover)}'>{gold_tag}{_escape(prediction.text)}</div>")
    kept = sum(p.keep for p in report.predictions)
    counts = f"{sum(p.label is not None for p in report.predictions)} lines, {kept} kept"
    if report.labelled:
        counts += f", {wrong} labelled otherwise than gold"
    header = f"<h2>{_escape(report.page.id)}</h2><p class='summary'>{_escape(report.page.source)} · {counts}</p>"
    return f"<section class='page'>{header}\n" + "\n".join(rows) + "</section>"


def _confusion_table(pairs: Sequence[tuple[str, str]]) -> str:
    """Rows gold, columns predicted; each cell shaded by its share of the row, so a reader sees where a label goes."""
    counts = Counter(pairs)
    header = "<tr><th>gold \\ predicted</th>" + "".join(f"<th class='l-{label}'>{label}</th>" for label in LABELS) + "</tr>"
    rows = []
    for gold in LABELS:
        total = sum(counts[gold, predicted] for predicted in LABELS)
        cells = []
        for predicted in LABELS:
            n = counts[gold, predicted]
            share = n / total if total else 0.0
            cells.append(f"<td style='background: rgba(25, 113, 194, {share:.2f})'>{n}</td>")
        rows.append(f"<tr><th class='l-{gold}'>{gold}</th>{''.join(cells)}</tr>")
    return "<h3>Confusion matrix (lines; rows gold, columns predicted)</h3><table class='confusion'>" + header + "".join(rows) + "</table>"


def _png(figure: Figure, alt: str) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    return f"<img alt='{alt}' src='data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}'>"


def _figure() -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(6, 3.2))


def _label_distribution(lines: Sequence[tuple[LinePrediction, str | None]], labelled: bool) -> Figure:
    figure = _figure()
    axes = figure.subplots()
    predicted = Counter(p.label for p, _ in lines)
    positions = range(len(LABELS))
    width = 0.4 if labelled else 0.8
    axes.bar([x - (width / 2 if labelled else 0) for x in positions], [predicted[label] for label in LABELS], width,
             color=[LABEL_COLOURS[label] for label in LABELS], edgecolor="#495057", label="predicted")
    if labelled:
        gold = Counter(g for _, g in lines if g is not None)
        axes.bar([x + width / 2 for x in positions], [gold[label] for label in LABELS], width, color=GOLD_BAR_COLOUR, label="gold")
        axes.legend()
    axes.set_xticks(list(positions), LABELS, rotation=30, ha="right")
    axes.set_ylabel("lines")
    axes.set_title("label distribution")
    return figure


def _score_histograms(lines: Sequence[tuple[LinePrediction, str | None]]) -> Figure:
    figure = _figure()
    axes = figure.subplots()
    kept = [p.score for p, _ in lines if p.keep]
    dropped = [p.score for p, _ in lines if not p.keep]
    axes.hist([kept, dropped], bins=20, range=(0, 1), stacked=True, color=[KEPT_COLOUR, DROPPED_COLOUR],
              label=[f"kept ({len(kept)})", f"dropped ({len(dropped)})"])
    axes.set_xlabel("score (probability of the line's label)")
    axes.set_ylabel("lines")
    axes.set_title("scores of kept and dropped lines")
    axes.legend()
    return figure
