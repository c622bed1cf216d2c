"""Card sections that later training stages write into a model's card."""

from __future__ import annotations

from boilerplate_ml.card import set_card_section

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
