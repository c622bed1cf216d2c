"""clean on a corpus of hostile files: documented errors only, every good record written exactly once."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from boilerplate_ml.cli import main


def _good(record_id: str, text: str = "正文第一行。\n菜单") -> bytes:
    return json.dumps({"id": record_id, "text": text}, ensure_ascii=False).encode() + b"\n"


#: Records that are not pages, each with the words its error message must hold.
BAD_RECORDS = {
    "malformed": (b"{oops\n", "malformed JSON"),
    "array": (b'[{"text": "x"}]\n', "record is not a JSON object"),
    "string": (b'"text"\n', "record is not a JSON object"),
    "number": (b"3\n", "record is not a JSON object"),
    "null": (b"null\n", "record is not a JSON object"),
    "missing-field": (b'{"id": "x"}\n', "missing field 'text'"),
    "not-a-string": (b'{"text": ["a"]}\n', "field 'text' is not a string"),
    "invalid-utf8": (b'{"text": "\xc3\x28"}\n', "invalid UTF-8"),
    "lone-surrogate": (b'{"text": "a\\udc00b"}\n', "lone surrogate"),
    "control-character": (b'{"text": "a\x01b"}\n', "malformed JSON"),
}


def hostile_corpus(folder) -> tuple[list[str], int]:
    """Write the corpus; return the ids of its good records (all but the truncated file's) and its bad-record count."""
    folder.mkdir()
    good: list[str] = []
    bad = 0

    def page(record_id: str, text: str = "正文第一行。\n菜单") -> bytes:
        good.append(record_id)
        return _good(record_id, text)

    mixed = b"\xef\xbb\xbf" + page("mixed-bom")  # a byte-order mark before the first record is no error
    for name, (record, _) in BAD_RECORDS.items():
        mixed += record + page(f"mixed-after-{name}")
        bad += 1
    mixed += b"\n  \n" + page("mixed-crlf").replace(b"\n", b"\r\n")
    mixed += page("mixed-nul", "正文\x00中间有空字符\u200b和零宽空格\ufeff")
    mixed += page("mixed-long", "长" * 100_000 + "\r\n\r第二行")
    (folder / "mixed.jsonl").write_bytes(mixed)
    (folder / "empty.jsonl").write_bytes(b"")
    (folder / "blank.jsonl").write_bytes(b"\n \n\t\n")
    (folder / "crlf-bom.txt").write_bytes("\ufeff标题\r\n正文。\r\n".encode())
    good.append(str(folder / "crlf-bom.txt"))
    (folder / "bad-utf8.txt").write_bytes("第一行\n".encode() + b"\xff\xfe\n")
    bad += 1
    whole = gzip.compress(b"".join(_good(f"gz-{i}") for i in range(400)))
    (folder / "truncated.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    bad += 1
    (folder / "truncated.txt.gz").write_bytes(gzip.compress("一页文字\n".encode() * 200)[:40])
    bad += 1
    return good, bad


def _clean(tiny_model_dir, *args: str):
    return CliRunner().invoke(main, ["clean", "--model", tiny_model_dir, "--device", "cpu", "--threshold", "0", *args])


def _ids(path) -> list[str]:
    return [record.get("id", record.get("path")) for record in map(json.loads, path.read_text(encoding="utf-8").split("\n")[:-1])]


def _no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


def test_skip_writes_every_good_record_exactly_once_and_names_every_bad_one(tiny_model_dir, tmp_path):
    good, bad = hostile_corpus(tmp_path / "corpus")
    out = tmp_path / "out.jsonl"
    result = _clean(tiny_model_dir, str(tmp_path / "corpus"), "-o", str(out), "--on-error", "skip")
    _no_traceback(result)
    assert result.exit_code == 0, result.output
    written = _ids(out)
    assert len(written) == len(set(written)), "no record twice"
    truncated = [record_id for record_id in written if record_id.startswith("gz-")]
    assert truncated == [f"gz-{i}" for i in range(len(truncated))] and 0 < len(truncated) < 400
    assert f"truncated.jsonl.gz:{len(truncated) + 1}: cannot read past line {len(truncated)}" in result.output
    assert set(good) <= set(written), "every good record of the readable files"
    in_order = [record_id for record_id in good if record_id.startswith("mixed-")]
    assert [record_id for record_id in written if record_id.startswith("mixed-")] == in_order, "in input order"
    assert f"skipped {bad} bad records:" in result.output
    for name, (_, reason) in BAD_RECORDS.items():
        line = 2 * list(BAD_RECORDS).index(name) + 2
        assert re.search(rf"mixed\.jsonl:{line}: .*{re.escape(reason)}", result.output), (name, reason)
    assert "bad-utf8.txt:2: invalid UTF-8" in result.output and "truncated.txt.gz: cannot read" in result.output
    record = json.loads(out.read_text(encoding="utf-8").split("\n")[written.index("mixed-long")])
    assert record["clean_text"] == "长" * 100_000 + "\r\n\r第二行", "kept byte for byte, CR and all"


@pytest.mark.parametrize("name", ["mixed.jsonl", "bad-utf8.txt", "truncated.jsonl.gz", "truncated.txt.gz"])
def test_fail_stops_at_the_first_bad_record_naming_it_and_writes_nothing(tiny_model_dir, tmp_path, name):
    hostile_corpus(tmp_path / "corpus")
    out = tmp_path / "out.jsonl"
    result = _clean(tiny_model_dir, str(tmp_path / "corpus" / name), "-o", str(out))
    _no_traceback(result)
    assert result.exit_code == 1 and f"{tmp_path / 'corpus' / name}:" in result.output
    assert "nothing written" in result.output and not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"], "no temporary file left behind"


def test_skipping_everything_is_a_failure_with_the_counts(tiny_model_dir, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"{oops\n" * 3)
    result = _clean(tiny_model_dir, str(source), "-o", str(tmp_path / "out.jsonl"), "--on-error", "skip")
    assert result.exit_code == 1
    assert "skipped 3 of 3 records (100.0%), so nothing was cleaned" in result.output


def test_max_skip_fraction_sets_how_many_skips_fail_a_run(tiny_model_dir, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(_good("a") + b"{oops\n" + _good("b") + _good("c"))
    args = [str(source), "-o", str(tmp_path / "out.jsonl"), "--on-error", "skip"]
    assert _clean(tiny_model_dir, *args).exit_code == 0, "by default only skipping everything fails"
    assert _clean(tiny_model_dir, *args, "--max-skip-fraction", "0.25").exit_code == 0
    result = _clean(tiny_model_dir, *args, "--max-skip-fraction", "0.2")
    assert result.exit_code == 1
    assert "skipped 1 of 4 records (25.0%), more than --max-skip-fraction 0.2" in result.output
    assert _ids(tmp_path / "out.jsonl") == ["a", "b", "c"], "the good records are written all the same"


_records = st.lists(st.one_of(st.text(min_size=1, max_size=30), st.sampled_from(sorted(BAD_RECORDS))), max_size=12)


@given(records=_records)
def test_skip_writes_each_good_record_once_in_order_whatever_the_mix(tiny_model_dir, tmp_path_factory, records):
    folder = tmp_path_factory.mktemp("mix")
    source, out = folder / "in.jsonl", folder / "out.jsonl"
    lines, expected = [], []
    for number, item in enumerate(records):
        if item in BAD_RECORDS:
            lines.append(BAD_RECORDS[item][0])
        else:
            lines.append(_good(str(number), item))
            expected.append(str(number))
    source.write_bytes(b"".join(lines))
    result = _clean(tiny_model_dir, str(source), "-o", str(out), "--on-error", "skip")
    _no_traceback(result)
    skipped = len(records) - len(expected)
    assert result.exit_code == (1 if skipped and not expected else 0), result.output
    assert _ids(out) == expected
    assert (f"skipped {skipped} bad records" in result.output) == bool(skipped)
