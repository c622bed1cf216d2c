"""``clean --resume``: output that survives a stop at any moment and continues where it stopped.

The output grows in a hidden part file beside it (``.NAME.part``). After each chunk of pages a
checkpoint flushes the part file to disk and then atomically replaces a small state file
(``.NAME.resume.json``) holding the part file's length, how many input records are behind it,
and the run's options. The state file is the commit point: whatever was written after the last
checkpoint (a kill can land anywhere) is cut off on resume and written again, so no record is
lost or doubled. Until the run completes, nothing carries the output's name; hidden files are
also left out of folder inputs, so a run never reads its own part file back.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from typing import IO

from boilerplate_ml.jsonl import InputError

#: The state file's format; a state of another version is refused rather than misread.
STATE_VERSION = 1
#: Bad records named in the summary at the end of a run (the rest are counted).
SKIPS_LISTED = 20


class ResumeError(ValueError):
    """A state file that does not belong to this run, or a part file that does not match its state."""


@dataclass
class RunTally:
    """What a run has done: input records read (good and bad), pages written, bad records skipped."""

    records: int = 0
    written: int = 0
    skipped: int = 0
    skip_examples: list[str] = field(default_factory=list)

    def skip(self, error: InputError) -> None:
        self.skipped += 1
        if len(self.skip_examples) < SKIPS_LISTED:
            self.skip_examples.append(str(error))

    def skipped_too_many(self, max_fraction: float) -> bool:
        """Whether the skips say the run failed: nothing was written, or more than ``max_fraction`` was skipped."""
        if not self.skipped:
            return False
        return self.written == 0 or self.skipped / (self.skipped + self.written) > max_fraction


def run_fingerprint(files: list[str], options: dict) -> dict:
    """What must not change between a run and its resumption: each input's path, size and time, and the options."""
    inputs = []
    for path in files:
        stat = os.stat(path)
        inputs.append([os.path.abspath(path), stat.st_size, stat.st_mtime_ns])
    return json.loads(json.dumps({"version": STATE_VERSION, "inputs": inputs, "options": options}))


class ResumableJsonlWriter:
    """JSON Lines output that a later run can continue; same use as :class:`~boilerplate_ml.jsonl.AtomicJsonlWriter`.

    ``.gz`` output is one gzip member per checkpoint (concatenated members are one valid gzip
    file), so that a cut at a checkpoint leaves a readable stream. Leaving the ``with`` block on
    an :class:`InputError` (``--on-error fail``) discards the output as a failed run does; any
    other stop (Ctrl-C, SIGTERM, a crash) keeps it at its last checkpoint for the next run, and
    one before the first checkpoint leaves no file behind.
    """

    def __init__(self, path: str, fingerprint: dict) -> None:
        self.path = os.path.realpath(path)
        folder, name = os.path.split(self.path)
        self.part_path = os.path.join(folder, f".{name}.part")
        self.state_path = os.path.join(folder, f".{name}.resume.json")
        self._fingerprint = fingerprint
        self._gzip = self.path.lower().endswith(".gz")
        state = self._read_state()
        self.tally = RunTally(**state["tally"]) if state else RunTally()
        self.resumed = state is not None
        if state:
            self._raw: IO[bytes] = open(self.part_path, "r+b")
            self._raw.truncate(state["bytes"])  # what came after the last checkpoint is written again
            self._raw.seek(state["bytes"])
        else:
            self._raw = open(self.part_path, "wb")
        self._sink = self._new_member()

    def _read_state(self) -> dict | None:
        if not os.path.exists(self.state_path):
            return None
        try:
            with open(self.state_path, encoding="utf-8") as handle:
                state = json.load(handle)
            fingerprint, length = state["fingerprint"], state["bytes"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ResumeError(f"{self.state_path}: unreadable resume state ({error}); delete it to start over") from None
        if fingerprint != self._fingerprint:
            differs = [key for key in ("version", "inputs", "options") if fingerprint.get(key) != self._fingerprint[key]]
            raise ResumeError(
                f"{self.state_path}: the interrupted run had other {' and '.join(differs)}; run it with the same ones, "
                f"or delete {self.state_path} and {self.part_path} to start over"
            )
        if not os.path.isfile(self.part_path) or os.path.getsize(self.part_path) < length:
            raise ResumeError(f"{self.part_path} is missing or shorter than {self.state_path} says; delete both to start over")
        return state

    def _new_member(self) -> IO[bytes]:
        return gzip.GzipFile(fileobj=self._raw, mode="wb", mtime=0) if self._gzip else self._raw

    def write(self, record: dict) -> None:
        self._sink.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))

    def checkpoint(self) -> None:
        """Make everything written so far, and :attr:`tally`, survive any stop from here on."""
        if self._gzip:
            self._sink.close()  # ends the member; the part file itself stays open
        self._raw.flush()
        os.fsync(self._raw.fileno())  # the data is on disk before the state that points past it
        state = {"fingerprint": self._fingerprint, "bytes": self._raw.tell(), "tally": asdict(self.tally)}
        fd, temp = tempfile.mkstemp(prefix=".resume-", dir=os.path.dirname(self.state_path))
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(state, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.state_path)
        except BaseException:  # a SIGTERM here leaves the previous state, which is still true, and no stray file
            os.unlink(temp)
            raise
        if self._gzip:
            self._sink = self._new_member()

    def commit(self) -> None:
        self._close()
        # State first: a stop between the two leaves a part file with no state, which a next run
        # starts over from, rather than a finished output with a state that points at nothing.
        with suppress(FileNotFoundError):
            os.unlink(self.state_path)
        os.replace(self.part_path, self.path)

    def abort(self) -> None:
        self._close()
        for path in (self.part_path, self.state_path):
            with suppress(FileNotFoundError):
                os.unlink(path)

    def _close(self) -> None:
        if self._sink is not self._raw:
            self._sink.close()
        self._raw.close()

    def __enter__(self) -> ResumableJsonlWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        elif issubclass(exc_type, InputError):
            self.abort()
        else:
            self._close()  # kept at the last checkpoint, for --resume
            if not os.path.exists(self.state_path):  # stopped before the first: nothing to resume from
                os.unlink(self.part_path)
