"""HTML page + gold main text -> labelled :class:`~boilerplate_ml.pages.Page` (prepare-html).

Extract WET-style lines (:mod:`.html_extract`), mark the article by aligning the lines with the
gold text (:mod:`.gold_align`), and name every other line's kind by rule (:mod:`.line_rules`).
Pages whose gold cannot be aligned come back as :class:`Skipped` with the reason, so a run's
report says what was left out and why instead of training on guessed labels.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from boilerplate_ml.datagen.gold_align import MIN_GOLD_COVERAGE, align
from boilerplate_ml.datagen.html_extract import choose_extractor, extract_lines, html_title
from boilerplate_ml.datagen.line_rules import label_line, match_rule
from boilerplate_ml.jsonl import AtomicJsonlWriter, InputError, json_records
from boilerplate_ml.labels import CONTENT, is_blank
from boilerplate_ml.pages import Page, write_pages

COMMENT = "comment"


@dataclass
class Skipped:
    """A page left out, and why (a reason a person can check against the HTML and gold)."""

    page_id: str
    reason: str
    extractor: str
    gold_coverage: float | None = None


@dataclass
class PageReport:
    """One line of the run's report: what happened to a page."""

    id: str
    site: str
    extractor: str
    prepared: bool
    gold_coverage: float | None
    lines: int
    content_lines: int
    skipped_reason: str | None


#: A reply header longer than this is prose that happens to say 楼主 or 发表于.
MAX_REPLY_HEADER_CHARS = 60


def _is_reply_header(line: str) -> bool:
    rule = match_rule(line)
    return rule is not None and rule.label == COMMENT and len(line.strip()) <= MAX_REPLY_HEADER_CHARS


def label_lines(lines: list[str], gold: str, title: str = "") -> tuple[list[str | None], float]:
    """Labels for a page's lines (None for blank ones) and the share of the gold found.

    Gold texts of forum threads often keep the replies; LABELS.md makes the first post
    ``content`` and replies ``comment``, so aligned lines after the first reply header that
    follows the body are ``comment``.
    """
    alignment = align(lines, gold, title)
    labels: list[str | None] = []
    body_seen = in_replies = False
    for line, is_content in zip(lines, alignment.is_content):
        if is_content is None:
            labels.append(None)
            continue
        in_replies = in_replies or (body_seen and _is_reply_header(line))
        body_seen = body_seen or bool(is_content)
        if is_content:
            labels.append(COMMENT if in_replies else CONTENT)
        else:
            labels.append(label_line(line))
    return labels, alignment.gold_coverage


def prepare_html_page(
    page_id: str,
    html: str,
    gold: str,
    source: str = "",
    seed: int = 0,
    extractor: str | None = None,
    min_coverage: float = MIN_GOLD_COVERAGE,
) -> Page | Skipped:
    """Label one HTML page with its gold text; the extractor is chosen from seed and id."""
    extractor = extractor or choose_extractor(page_id, seed)
    if not gold.strip():
        return Skipped(page_id, "empty gold text", extractor)
    lines = extract_lines(html, extractor)
    if all(is_blank(line) for line in lines):
        return Skipped(page_id, "extractor found no text", extractor)
    labels, coverage = label_lines(lines, gold, html_title(html))
    if coverage < min_coverage:
        return Skipped(
            page_id, f"gold coverage {coverage:.3f} < {min_coverage} (gold not found in page)",
            extractor, coverage,
        )
    if CONTENT not in labels:
        return Skipped(page_id, "no line aligned with the gold", extractor, coverage)
    extra = {"extractor": extractor, "gold_coverage": round(coverage, 4)}
    return Page(page_id, source, lines, labels, extra)


def read_index(path: str | Path) -> dict[str, dict]:
    """The html/ index (id -> record with site, has_gold, split, licence)."""
    index = {}
    for line_number, record in json_records(path):
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            raise InputError(f"{path}:{line_number}", "index record has no string 'id'")
        index[record["id"]] = record
    return index


def html_files(html_dir: str | Path) -> list[Path]:
    """The ``*.html`` pages of a folder, sorted; a missing or empty folder is an error, not an empty dataset."""
    folder = Path(html_dir)
    if not folder.is_dir():
        raise InputError(str(html_dir), "no such folder")
    files = sorted(folder.glob("*.html"))
    if not files:
        raise InputError(str(html_dir), "folder holds no .html file")
    return files


def prepare_html_dir(
    html_dir: str | Path,
    index_path: str | Path,
    out_path: str | Path,
    report_path: str | Path,
    seed: int = 0,
    min_coverage: float = MIN_GOLD_COVERAGE,
) -> list[PageReport]:
    """Label every page with gold in ``html_dir``; write the Pages and a JSON Lines report.

    Pages without gold are reported as skipped too, so the report accounts for every file.
    """
    index = read_index(index_path)
    pages: list[Page] = []
    reports: list[PageReport] = []
    for html_path in html_files(html_dir):
        page_id = html_path.stem
        record = index.get(page_id, {})
        site = record.get("site", "")
        gold_path = html_path.with_name(f"{page_id}.gold.txt")
        extractor = choose_extractor(page_id, seed)
        if not record.get("has_gold") or not gold_path.exists():
            reason = "not in index" if not record else "no gold text"
            reports.append(PageReport(page_id, site, extractor, False, None, 0, 0, reason))
            continue
        try:  # a page in another encoding is skipped with the reason, never decoded by guesswork
            html, gold = html_path.read_text(encoding="utf-8"), gold_path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            reports.append(PageReport(page_id, site, extractor, False, None, 0, 0, f"not UTF-8 ({error.reason} at byte {error.start})"))
            continue
        result = prepare_html_page(page_id, html, gold, site, seed, extractor, min_coverage)
        if isinstance(result, Skipped):
            reports.append(PageReport(
                page_id, site, extractor, False, result.gold_coverage, 0, 0, result.reason))
            continue
        pages.append(result)
        content = sum(label == CONTENT for label in result.labels)
        reports.append(PageReport(
            page_id, site, extractor, True, result.extra["gold_coverage"],
            len(result.texts), content, None))
    # Both files or neither: the report's writer is open before the pages are committed.
    with AtomicJsonlWriter(str(report_path)) as writer:
        for report in reports:
            writer.write(asdict(report))
        write_pages(pages, out_path)
    return reports
