"""Bytes of a page to text: UTF-8 where it is valid, else the encoding charset-normalizer finds, or one the user names.

Much of the Chinese web is GBK/GB18030 or Big5. ``auto`` keeps UTF-8 input exact (a valid
UTF-8 page is never second-guessed) and lets charset-normalizer choose among the encodings
such pages use; any page read is written back out as UTF-8.
"""

from __future__ import annotations

import codecs

#: What ``auto`` chooses among when a page is not UTF-8: the Chinese encodings (GB18030 reads
#: GBK and GB2312 too), their neighbours, and the Western default, so that a cp1252 page is
#: not read as GB18030 mojibake.
AUTO_CANDIDATES = ("gb18030", "big5", "utf_16", "shift_jis", "euc_kr", "cp1252")
AUTO = "auto"


class UndecodableError(ValueError):
    """Bytes that are not text in the encoding asked for (or in any ``auto`` tries): the line of the first bad byte, and why."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason


def check_encoding(encoding: str) -> str:
    """``encoding`` if Python knows it (or it is ``auto``); a ValueError naming it otherwise."""
    if encoding == AUTO:
        return encoding
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise ValueError(f"unknown encoding {encoding!r} (expected auto or a codec name: gb18030, big5, utf-8 …)") from None


def decode_page(data: bytes, encoding: str = AUTO) -> str:
    """``data`` as text; :class:`UndecodableError` (with the line of the first bad byte) if it cannot be read."""
    if encoding != AUTO:
        return _decode(data, encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        utf8_error = error
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(AUTO_CANDIDATES)).best()
    if best is None:
        raise UndecodableError(
            _line_of(data, utf8_error.start), f"invalid UTF-8 at byte {utf8_error.start}, and no other encoding "
            f"({', '.join(AUTO_CANDIDATES)}) reads it; name one with --input-encoding"
        )
    return str(best)


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UndecodableError(_line_of(data, error.start), f"invalid {encoding} at byte {error.start}") from None


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1
