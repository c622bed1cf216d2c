"""Card sections and metrics.json entries that later training stages write into a model folder."""

from __future__ import annotations

import json

from boilerplate_ml.card import set_card_section, set_metrics_entry

CARD = "# model\n\nintro\n\n## Metrics\nold metrics\n\n## Page-level refiner\nrefiner figures\n"


def test_a_section_is_replaced_in_place(tmp_path) -> None:
    (tmp_path / "README.md").write_text(CARD, encoding="utf-8")
    set_card_section(tmp_path, "## Metrics", "new metrics")
    assert (tmp_path / "README.md").read_text() == CARD.replace("old metrics", "new metrics")


def test_a_new_section_goes_before_the_named_one_or_at_the_end(tmp_path) -> None:
    (tmp_path / "README.md").write_text(CARD, encoding="utf-8")
    set_card_section(tmp_path, "## N-grams", "ngram figures", before="## Page-level refiner")
    set_card_section(tmp_path, "## Notes", "a note", before="## Absent")
    text = (tmp_path / "README.md").read_text()
    assert text == CARD.replace("## Page-level refiner", "## N-grams\nngram figures\n\n## Page-level refiner") + "\n## Notes\na note\n"


def test_a_stage_sets_its_metrics_entry_and_keeps_the_others(tmp_path) -> None:
    (tmp_path / "metrics.json").write_text(json.dumps({"test": {"line_f1": 0.5}, "ngrams": {"old": 1}}))
    set_metrics_entry(tmp_path, "ngrams", {"line_f1": 0.9, "note": "数据"})
    set_metrics_entry(tmp_path, "refiner", {"line_f1": 0.95})
    text = (tmp_path / "metrics.json").read_text(encoding="utf-8")
    assert json.loads(text) == {"test": {"line_f1": 0.5}, "ngrams": {"line_f1": 0.9, "note": "数据"}, "refiner": {"line_f1": 0.95}}
    assert "数据" in text and text.endswith("}\n"), "readable Chinese, one trailing newline"
