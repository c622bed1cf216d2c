"""boilerplate-ml report: one self-contained HTML file, checked as a person sees it in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import numpy as np
import pytest
from click.testing import CliRunner

from boilerplate_ml.cli import main
from boilerplate_ml.labels import LABELS
from boilerplate_ml.pages import Page, write_pages
from boilerplate_ml.predictor import LinePrediction
from boilerplate_ml.report import (
    DISAGREEMENT_COLOUR,
    DROPPED_COLOUR,
    KEPT_COLOUR,
    LABEL_COLOURS,
    ReportPage,
    render_report,
)
from sample_data import generated_pages, handwritten_page

CHROMIUM = next((path for name in ("chromium", "chromium-browser") if (path := shutil.which(name))), None)


def _sample_report(labelled: bool = True) -> str:
    """Two pages with every label, kept and dropped lines, scores across the range, and two gold disagreements."""
    pages = []
    for number in range(2):
        texts, labels, predictions = [], [], []
        for i, label in enumerate(LABELS * 2):
            text = f"第{number}页 {label} 行{i}: 一些文字 <b>&amp;\x00"
            keep = label == "content"
            gold = "content" if (label, i) == ("navigation", 1) or (label, i) == ("spam", 14) else label
            texts.append(text)
            labels.append(gold if labelled else None)
            predictions.append(LinePrediction(text, label, 0.35 + 0.04 * i, keep))
        texts.append("")
        labels.append(None)
        predictions.append(LinePrediction("", None, None, False))
        pages.append(ReportPage(Page(f"page-{number}", "example.test", texts, labels), labelled, predictions))
    return render_report(pages, title="test report", settings="Model tiny.")


def test_every_line_is_shown_escaped_with_its_label_score_and_gold():
    document = _sample_report()
    assert document.count("<div class='line") == 2 * (2 * len(LABELS) + 1)
    assert "&lt;b&gt;&amp;amp;\u2400" in document, "markup in a line is text; NUL is shown as its control picture"
    assert "title='navigation 0.390 · dropped · gold content'" in document
    assert "title='content 0.350 · kept · gold content'" in document
    assert document.count("<span class='gold'>gold: content</span>") == 4
    assert "Confusion matrix" in document
    assert "Confusion matrix" not in _sample_report(labelled=False) and "gold" not in _sample_report(labelled=False).split("<section")[1]


def test_the_report_needs_no_network():
    document = _sample_report()
    assert not re.search(r"""(src|href)\s*=\s*['"]?(https?:|//)""", document), "nothing fetched to view it"
    assert "<script" not in document and "<link" not in document and "@import" not in document
    assert len(re.findall(r"src='data:image/png;base64,", document)) == 2, "both plots inlined"


def test_report_command_on_labelled_and_plain_pages(tiny_model_dir, tmp_path):
    labelled = tmp_path / "labelled.jsonl"
    write_pages([handwritten_page(), *generated_pages(2)], labelled)
    plain = tmp_path / "plain.jsonl"
    plain.write_text(json.dumps({"url": "http://x.test/1", "text": "标题\n\n正文。"}, ensure_ascii=False) + "\n", encoding="utf-8")
    for source, has_gold in ((labelled, True), (plain, False)):
        out = tmp_path / f"{source.stem}.html"
        result = CliRunner().invoke(main, ["report", str(source), "-o", str(out), "--model", tiny_model_dir, "--device", "cpu"])
        assert result.exit_code == 0, result.output
        document = out.read_text(encoding="utf-8")
        assert ("Confusion matrix" in document) == has_gold
        assert len(re.findall(r"<div class='line l-\w+", document)) == (
            sum(1 for line in handwritten_page().texts + [t for p in generated_pages(2) for t in p.texts] if line.strip())
            if has_gold else 2
        )
    (tmp_path / "bad.jsonl").write_text('{"text": "ok"}\n[1]\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(tmp_path / "bad.jsonl"), "-o", str(tmp_path / "bad.html"), "--model", tiny_model_dir])
    assert result.exit_code == 1 and f"{tmp_path / 'bad.jsonl'}:2: neither a labelled page" in result.output
    assert not (tmp_path / "bad.html").exists()


def _pixels_near(image: np.ndarray, colour: str, tolerance: int = 3) -> int:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(image[..., :3].astype(int) - rgb).max(axis=-1) <= tolerance).sum())


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium); the screenshot check needs it")
def test_chromium_shows_the_coloured_lines_and_the_plots(tmp_path):
    from PIL import Image

    report = tmp_path / "report.html"
    report.write_text(_sample_report(), encoding="utf-8")
    screenshot = tmp_path / "shot.png"
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars",
        f"--screenshot={screenshot}", "--window-size=1400,2400", report.as_uri(),
    ]
    subprocess.run(command, check=True, timeout=120, capture_output=True)
    image = np.asarray(Image.open(screenshot).convert("RGB"))
    for label, colour in LABEL_COLOURS.items():
        assert _pixels_near(image, colour) > 20_000, f"{label} lines are coloured {colour}"
    assert _pixels_near(image, DROPPED_COLOUR) > 500, "the histogram of dropped lines' scores is drawn"
    assert _pixels_near(image, KEPT_COLOUR) > 500, "kept lines are marked and their scores drawn"
    assert _pixels_near(image, DISAGREEMENT_COLOUR) > 1_000, "disagreements with gold are outlined"
