"""The JSON Lines writer: output appears whole or not at all, and goes where the path really points."""

from __future__ import annotations

import os
import threading

import pytest

from boilerplate_ml.jsonl import AtomicJsonlWriter, json_records


def _write(path, records) -> None:
    with AtomicJsonlWriter(str(path)) as writer:
        for record in records:
            writer.write(record)


def test_an_output_that_cannot_be_placed_leaves_no_temporary_file(tmp_path):
    taken = tmp_path / "out.jsonl"
    (taken / "inside").mkdir(parents=True)  # a non-empty folder: os.replace cannot put a file there
    writer = AtomicJsonlWriter(str(taken))
    writer.write({"text": "x"})
    with pytest.raises(OSError):
        writer.commit()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.jsonl"]


def test_gz_output_is_gzip_and_reads_back(tmp_path):
    path = tmp_path / "out.jsonl.gz"
    _write(path, [{"text": "第一"}, {"text": "第二"}])
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    assert [record for _, record in json_records(path)] == [{"text": "第一"}, {"text": "第二"}]


def test_a_symlink_stays_a_link_and_its_target_gets_the_output(tmp_path):
    target, link = tmp_path / "real.jsonl", tmp_path / "link.jsonl"
    target.write_text("old\n", encoding="utf-8")
    link.symlink_to(target)
    _write(link, [{"text": "new"}])
    assert link.is_symlink() and target.read_text(encoding="utf-8") == '{"text": "new"}\n'


def test_a_named_pipe_is_written_through_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    _write(fifo, [{"text": "x"}])
    reader.join(timeout=10)
    assert received == ['{"text": "x"}\n']
    assert fifo.is_fifo() and list(tmp_path.iterdir()) == [fifo]
