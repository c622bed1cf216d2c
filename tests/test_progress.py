"""Progress of clean: rates per page and per line, a total where the inputs tell one, a log line without a terminal."""

from __future__ import annotations

import gzip
import io
import json
import re

from click.testing import CliRunner

from boilerplate_ml.cli import main
from boilerplate_ml.progress import RunProgress, count_records


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_records_are_counted_where_the_input_tells_how_many(tmp_path):
    (tmp_path / "a.txt").write_text("一页\n两行", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"text": "x"}\n\n{"text": "y"}\n{oops\n', encoding="utf-8")
    whole = gzip.compress(b"".join(b'{"text": "line %d"}\n' % i for i in range(2000)))
    (tmp_path / "c.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    assert count_records([str(tmp_path / "a.txt"), str(tmp_path / "b.jsonl")]) == 1 + 3
    truncated = count_records([str(tmp_path / "c.jsonl.gz")])
    assert 1 < truncated < 2000, "the lines before the break and the error the run reports there"
    assert count_records(["-"]) is None


def test_parquet_counts_its_rows_and_a_warc_is_not_counted_beforehand(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from sample_data import wet_file

    pq.write_table(pa.table({"text": ["一", "二", "三"]}), tmp_path / "pages.parquet")
    assert count_records([str(tmp_path / "pages.parquet")]) == 3
    (tmp_path / "crawl.txt").write_bytes(wet_file([("https://a.example/", "一页")]))  # a WET saved as .txt
    (tmp_path / "crawl.warc.zst").write_bytes(b"")
    assert count_records([str(tmp_path / "crawl.txt")]) is None
    assert count_records([str(tmp_path / "crawl.warc.zst")]) is None


def test_a_terminal_gets_a_bar_with_total_and_both_rates(tmp_path):
    (tmp_path / "in.jsonl").write_text('{"text": "x"}\n' * 5, encoding="utf-8")
    terminal = Terminal()
    progress = RunProgress([str(tmp_path / "in.jsonl")], stream=terminal)
    progress._counter.join()  # the total is counted in the background; wait for it here
    progress.update(3, 40)
    progress.update(2, 10)
    progress.close()
    shown = terminal.getvalue()
    assert "5/5" in shown and "page/s" in shown and "lines/s" in shown


def test_a_log_gets_plain_periodic_lines_with_rates_and_total(tiny_model_dir, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"text": f"第{i}页\n第二行"}, ensure_ascii=False) + "\n" for i in range(150)), encoding="utf-8")
    args = ["clean", "--model", tiny_model_dir, "--device", "cpu", str(source), "-o", str(tmp_path / "out.jsonl")]
    result = CliRunner().invoke(main, [*args, "--log-interval", "0"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("progress: ")]
    assert len(lines) >= 3, "one per chunk at interval 0, and one at the end"
    assert "\r" not in result.output, "no redrawn bar in a log"
    pattern = r"progress: (\d+)(?:/150 pages \([\d.]+%\)| pages), [\d.]+ pages/s, \d+ lines/s, (\d+) lines in \d+s"
    assert all(re.fullmatch(pattern, line) for line in lines), lines
    assert lines[-1].startswith("progress: 150/150 pages (100.0%)") and lines[-1].split(", ")[-1].startswith("300 lines")
    quiet = CliRunner().invoke(main, args)
    assert [line for line in quiet.output.splitlines() if line.startswith("progress: ")] == [
        line for line in quiet.output.splitlines() if line.startswith("progress: 150/150 pages")
    ] != [], "at the default interval (a minute), a run of seconds logs its end only"
