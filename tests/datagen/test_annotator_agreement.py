"""tools/annotator_agreement.py: agreement of label files with reference pages, and refusals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from boilerplate_ml.datagen.annotations import format_label_ranges, lines_digest
from boilerplate_ml.pages import Page, write_pages

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "annotator_agreement.py"
TEXTS = ["首页 新闻", "", "标题", "正文第一段。", "版权所有"]
HUMAN = ["navigation", None, "content", "content", "footer"]


def _run(tmp_path: Path, annotator_labels: list[str | None], texts: list[str] = TEXTS) -> subprocess.CompletedProcess:
    write_pages([Page("P1", "example.org", TEXTS, HUMAN)], tmp_path / "ref.jsonl")
    labels_dir = tmp_path / "labels"
    labels_dir.mkdir(exist_ok=True)
    # "none", as in annotations/calibration: made on the page's own lines, not on an extraction.
    (labels_dir / "P1.labels").write_text(format_label_ranges(annotator_labels, "none", lines_digest(texts)))
    return subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "ref.jsonl"), str(labels_dir)],
                          capture_output=True, text=True)


def test_counts_disagreements_over_non_blank_lines(tmp_path) -> None:
    result = _run(tmp_path, ["content", None, "content", "content", "navigation"])
    assert result.returncode == 0, result.stderr
    assert "all 4 lines: content agreement 0.750" in result.stdout
    assert "8-way 0.500" in result.stdout
    assert "P 0.667 R 1.000" in result.stdout


def test_label_files_made_on_other_text_are_refused(tmp_path) -> None:
    result = _run(tmp_path, HUMAN, texts=[*TEXTS[:-1], "另一行"])
    assert result.returncode != 0 and "made on other lines than page P1" in result.stderr


def test_a_label_file_for_a_page_not_in_the_reference_is_named(tmp_path) -> None:
    _run(tmp_path, HUMAN)  # writes the reference and P1's label file
    (tmp_path / "labels" / "P9.labels").write_text(format_label_ranges(HUMAN, "none", lines_digest(TEXTS)))
    result = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "ref.jsonl"), str(tmp_path / "labels")],
                            capture_output=True, text=True)
    assert result.returncode != 0 and "page P9 is not in" in result.stderr and "Traceback" not in result.stderr
