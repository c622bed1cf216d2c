"""Pages of WARC and WET files (plain, gzip, zstd or lz4, as FastWARC detects them).

A page is a record whose block is text: a WET ``conversion`` record, or a ``resource`` record or
``response`` whose (HTTP) Content-Type is text/plain. HTML responses are not pages: the model reads
text a line per block, so extract it first (Common Crawl's WET files hold exactly that). Each page
keeps its URL and record id, so a cleaned page can be traced back to the crawl.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from boilerplate_ml.jsonl import InputError
from boilerplate_ml.text_encoding import UndecodableError, decode_page

#: The first bytes of every WARC 1.x file: how a WET saved as ``.txt`` is recognised.
WARC_MAGIC = b"WARC/1."


def looks_like_warc(head: bytes) -> bool:
    """Whether a file that starts with ``head`` (uncompressed) is a WARC or WET file."""
    return head.lstrip(b"\r\n").startswith(WARC_MAGIC)


def read_warc_pages(handle: IO[bytes], name: str, encoding: str) -> Iterator[tuple[dict, str] | InputError]:
    """Each text record of ``handle`` as (record to write back, its text), or an :class:`InputError` in its place.

    Errors name the record by its number in the file and its byte offset. A record cut short
    (a truncated download) is an error, not a shorter page; a file without any text record is
    one too, so that an HTML-only WARC is not taken for an empty crawl.
    """
    text_records = number = 0
    try:  # every record is counted, so that errors give its place in the file
        for number, record in enumerate(ArchiveIterator(handle, parse_http=True), start=1):
            if not _is_page(record):
                continue
            text_records += 1
            origin = f"{name}: record {number} (byte {record.stream_pos})"
            payload = record.reader.read()
            if not record.is_http and len(payload) < record.content_length:  # FastWARC hands out what there is
                yield InputError(origin, f"record cut short: {len(payload)} of {record.content_length} bytes")
                continue
            try:
                text = decode_page(payload, encoding)
            except UndecodableError as error:
                yield InputError(origin, f"payload {error}")
                continue
            yield {"path": name, "url": record.headers.get("WARC-Target-URI"), "warc_record_id": record.record_id,
                   "text": text}, text
    except OSError as error:  # not WARC at all, or corrupt past a point: what came before stands
        yield InputError(f"{name}: record {number + 1}", f"cannot read as WARC ({error})")
        return
    if text_records == 0:
        yield InputError(name, "WARC file holds no text record (WET conversion, resource, or text/plain response); "
                               "extract the text of HTML responses first")


def _is_page(record: WarcRecord) -> bool:
    """A conversion record, or a resource or response record of plain text."""
    if record.record_type == WarcRecordType.conversion:
        return True
    if record.record_type == WarcRecordType.resource:
        return _is_plain_text(record.headers.get("Content-Type"))
    return record.record_type == WarcRecordType.response and _is_plain_text(record.http_content_type)


def _is_plain_text(content_type: str | None) -> bool:
    return bool(content_type) and content_type.split(";")[0].strip().lower() == "text/plain"
