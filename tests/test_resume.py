"""clean --resume: a run stopped at any moment continues without losing or doubling a record."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from boilerplate_ml.cli import main
from boilerplate_ml.jsonl import InputError
from boilerplate_ml.resume import ResumableJsonlWriter, ResumeError, run_fingerprint
from sample_data import generated_pages


def _records(path) -> list[dict]:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _fingerprint(tmp_path, **options) -> dict:
    source = tmp_path / "in.jsonl"
    if not source.exists():
        source.write_text('{"text": "x"}\n', encoding="utf-8")
    return run_fingerprint([str(source)], {"threshold": 0.5, **options})


@pytest.mark.parametrize("name", ["out.jsonl", "out.jsonl.gz"])
def test_a_stop_after_a_checkpoint_resumes_there_and_cuts_what_came_after(tmp_path, name):
    out = tmp_path / name
    fingerprint = _fingerprint(tmp_path)
    with pytest.raises(KeyboardInterrupt), ResumableJsonlWriter(str(out), fingerprint) as writer:
        writer.write({"n": 0})
        writer.write({"n": 1})
        writer.tally.records = writer.tally.written = 2
        writer.checkpoint()
        writer.write({"n": 2})  # not checkpointed: a kill here must not leave it in the output
        raise KeyboardInterrupt
    assert not out.exists(), "nothing carries the output's name before the run completes"
    with ResumableJsonlWriter(str(out), fingerprint) as writer:
        assert writer.resumed and (writer.tally.records, writer.tally.written) == (2, 2)
        writer.write({"n": 2})
        writer.write({"n": 3})
    assert [r["n"] for r in _records(out)] == [0, 1, 2, 3]
    assert sorted(os.listdir(tmp_path)) == sorted(["in.jsonl", name]), "part and state files are gone"


def test_a_state_of_another_run_is_refused_naming_what_differs(tmp_path):
    out = tmp_path / "out.jsonl"
    with pytest.raises(SystemExit), ResumableJsonlWriter(str(out), _fingerprint(tmp_path)) as writer:
        writer.checkpoint()
        raise SystemExit(143)
    with pytest.raises(ResumeError, match="the interrupted run had other options"):
        ResumableJsonlWriter(str(out), _fingerprint(tmp_path, threshold=0.7))
    (tmp_path / "in.jsonl").write_text('{"text": "changed"}\n', encoding="utf-8")
    with pytest.raises(ResumeError, match="other inputs"):
        ResumableJsonlWriter(str(out), _fingerprint(tmp_path))


def test_a_bad_record_under_on_error_fail_discards_the_run_like_a_plain_one(tmp_path):
    out = tmp_path / "out.jsonl"
    with pytest.raises(InputError), ResumableJsonlWriter(str(out), _fingerprint(tmp_path)) as writer:
        writer.write({"n": 0})
        writer.checkpoint()
        raise InputError("in.jsonl:2", "malformed JSON")
    assert os.listdir(tmp_path) == ["in.jsonl"]


def _write_input(path, count: int) -> None:
    texts = [page.text for page in generated_pages(8)]
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(count):
            handle.write(json.dumps({"id": i, "text": texts[i % len(texts)]}, ensure_ascii=False) + "\n")


def _clean(tiny_model_dir, *args: str):
    return CliRunner().invoke(main, ["clean", "--model", tiny_model_dir, "--device", "cpu", *args])


def test_resume_refuses_stdin_and_stdout(tiny_model_dir, tmp_path):
    _write_input(tmp_path / "in.jsonl", 2)
    result = _clean(tiny_model_dir, str(tmp_path / "in.jsonl"), "-o", "-", "--resume")
    assert result.exit_code == 1 and "--resume needs an output file" in result.output
    result = _clean(tiny_model_dir, "-", "-o", str(tmp_path / "out.jsonl"), "--resume")
    assert result.exit_code == 1 and "cannot read stdin again" in result.output


def test_a_completed_resumable_run_equals_a_plain_one(tiny_model_dir, tmp_path):
    source = tmp_path / "in.jsonl"
    _write_input(source, 150)
    assert _clean(tiny_model_dir, str(source), "-o", str(tmp_path / "plain.jsonl")).exit_code == 0
    result = _clean(tiny_model_dir, str(source), "-o", str(tmp_path / "resumable.jsonl.gz"), "--resume")
    assert result.exit_code == 0, result.output
    assert _records(tmp_path / "resumable.jsonl.gz") == _records(tmp_path / "plain.jsonl")


@pytest.mark.parametrize(
    "stop", [signal.SIGINT, pytest.param(signal.SIGTERM, marks=pytest.mark.slow), pytest.param(signal.SIGKILL, marks=pytest.mark.slow)],
    ids=["SIGINT", "SIGTERM", "SIGKILL"],
)
def test_a_run_killed_part_way_resumes_to_the_uninterrupted_output(tiny_model_dir, tmp_path, stop):
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    total = 800
    _write_input(source, total)
    args = [str(source), "-o", str(out), "--resume"]
    command = [sys.executable, "-m", "boilerplate_ml.cli", "clean", "--model", tiny_model_dir, "--device", "cpu", *args]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    state = tmp_path / ".out.jsonl.resume.json"
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if state.exists() and json.loads(state.read_text())["tally"]["records"] >= 128:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the run should still be going when it is stopped"
    process.send_signal(stop)
    stderr = process.communicate(timeout=60)[1].decode()
    assert process.returncode != 0
    assert not out.exists(), "an interrupted run leaves nothing under the output's name"
    done = json.loads(state.read_text())["tally"]["records"]
    assert 128 <= done < total
    if stop != signal.SIGKILL:
        assert "run the same command with --resume to go on" in stderr

    result = _clean(tiny_model_dir, *args)
    assert result.exit_code == 0, result.output
    assert f"resuming {out}: {done} records done before" in result.output
    assert f"cleaned {total} pages" in result.output
    reference = tmp_path / "reference.jsonl"
    assert _clean(tiny_model_dir, str(source), "-o", str(reference)).exit_code == 0
    resumed = _records(out)
    assert [r["id"] for r in resumed] == list(range(total)), "every record once, in order"
    assert resumed == _records(reference)
    assert sorted(os.listdir(tmp_path)) == ["in.jsonl", "out.jsonl", "reference.jsonl"]


def test_a_run_with_workers_stopped_part_way_resumes_with_workers_to_the_plain_output(tiny_model_dir, tmp_path, monkeypatch):
    """Workers hold chunks beyond the last checkpoint when the run stops; the resumed run redoes those, once each."""
    import boilerplate_ml.cli as cli
    from boilerplate_ml.resume import ResumableJsonlWriter as Writer

    monkeypatch.setattr(cli, "PAGES_PER_CHUNK", 2)  # 13 records: 7 chunks, several in the workers at a stop
    source, out, plain = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "plain.jsonl"
    _write_input(source, 12)
    with open(source, "a", encoding="utf-8") as handle:
        handle.write("not json\n")  # a skip after the stop: the tally of the first run carries over
    checkpoint = Writer.checkpoint

    def stop_after_two_checkpoints(writer: Writer) -> None:
        checkpoint(writer)
        if writer.tally.records >= 4:
            raise KeyboardInterrupt

    options = ["--on-error", "skip", "--with-labels", "--workers", "2", "--threads", "1"]
    with monkeypatch.context() as patch:
        patch.setattr(Writer, "checkpoint", stop_after_two_checkpoints)
        stopped = _clean(tiny_model_dir, str(source), "-o", str(out), "--resume", *options)
    assert stopped.exit_code != 0 and not out.exists()
    assert json.loads((tmp_path / ".out.jsonl.resume.json").read_text())["tally"]["records"] == 4

    resumed = _clean(tiny_model_dir, str(source), "-o", str(out), "--resume", *options)
    assert resumed.exit_code == 0, resumed.output
    assert f"resuming {out}: 4 records done before" in resumed.output
    assert "cleaned 12 pages" in resumed.output and "skipped 1 bad records" in resumed.output
    assert _clean(tiny_model_dir, str(source), "-o", str(plain), *options[:3]).exit_code == 0
    assert [r["id"] for r in _records(out)] == list(range(12))
    assert out.read_bytes() == plain.read_bytes()
    assert sorted(os.listdir(tmp_path)) == ["in.jsonl", "out.jsonl", "plain.jsonl"]


def test_resuming_with_another_quantize_setting_is_refused(tiny_model_dir, tmp_path, monkeypatch):
    """int8 layers decide some lines otherwise: one output must not mix the two models' decisions."""
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    _write_input(source, 3)

    def stop(writer: ResumableJsonlWriter) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(ResumableJsonlWriter, "commit", stop)
        assert _clean(tiny_model_dir, str(source), "-o", str(out), "--resume").exit_code != 0
    result = _clean(tiny_model_dir, str(source), "-o", str(out), "--resume", "--quantize")
    assert result.exit_code == 1 and "the interrupted run had other options" in result.output
