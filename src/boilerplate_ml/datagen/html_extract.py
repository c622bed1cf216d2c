"""WET-style text from HTML with the two extractors the labelled pages were made with.

Common Crawl and other crawls do not agree on one HTML-to-text converter, so training pages
are extracted by either resiliparse (with formatting) or html-text (with layout guessing),
picked per page from a seed: the model then sees both extractors' quirks and learns neither.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from html import unescape
from pathlib import Path

from boilerplate_ml.extras import require_extra

RESILIPARSE = "resiliparse"
HTML_TEXT = "html_text"
EXTRACTORS: tuple[str, ...] = (RESILIPARSE, HTML_TEXT)


def extract_resiliparse(html: str) -> str:
    """Whole-page text, one line per block, list bullets kept, as resiliparse formats it."""
    require_extra("data", "HTML extraction", "resiliparse")
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(html, preserve_formatting=True, main_content=False)


def extract_html_text(html: str) -> str:
    """Whole-page text with html-text's layout guessing (newlines around block elements)."""
    require_extra("data", "HTML extraction", "html_text")
    import html_text

    return html_text.extract_text(html, guess_layout=True)


_EXTRACT: dict[str, Callable[[str], str]] = {RESILIPARSE: extract_resiliparse, HTML_TEXT: extract_html_text}


def choose_extractor(page_id: str, seed: int = 0) -> str:
    """The extractor for a page: a hash of seed and id, so reruns agree and pages split ~50/50."""
    digest = hashlib.sha256(f"{seed}:{page_id}".encode()).digest()
    return EXTRACTORS[digest[0] % len(EXTRACTORS)]


def extract_lines(html: str, extractor: str) -> list[str]:
    """The page's lines as the named extractor gives them; blank lines are kept as breaks."""
    if extractor not in _EXTRACT:
        raise ValueError(f"unknown extractor {extractor!r} (expected one of {', '.join(EXTRACTORS)})")
    return _EXTRACT[extractor](html).split("\n")


_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)


def html_title(html: str) -> str:
    """The document ``<title>``, which gold texts omit but which names the article's headline."""
    match = _TITLE.search(html)
    return " ".join(unescape(match.group(1)).split()) if match else ""


def utf8_text(path: Path, error: type[ValueError]) -> str:
    """A page's HTML or label file; one in another encoding raises ``error`` naming the file, never decoded by guesswork."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as decode_error:
        raise error(f"{path}: not UTF-8 ({decode_error.reason} at byte {decode_error.start})") from None
