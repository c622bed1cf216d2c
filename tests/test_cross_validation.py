"""Site-grouped cross-validation: out-of-fold scoring, per-page and per-kind figures, page kinds."""

from __future__ import annotations

import json

import pytest
import torch

from boilerplate_ml.cross_validation import cv_report, out_of_fold
from boilerplate_ml.datagen.annotations import AnnotationError, page_kinds
from boilerplate_ml.evaluation import keep_errors, mean_page_f1
from boilerplate_ml.labels import CONTENT, LABELS
from boilerplate_ml.pages import Page
from boilerplate_ml.pipeline import read_pipeline


def one_hot(label: str) -> torch.Tensor:
    probs = torch.zeros(len(LABELS))
    probs[LABELS.index(label)] = 1.0
    return probs


class RecordingScorer:
    """Calls every line content, and remembers which pages it was fitted on."""

    def __init__(self, training: list[Page]) -> None:
        self.trained_on = {page.id for page in training}
        self.scored: list[list[str]] = []

    def line_probabilities(self, pages):
        self.scored.extend(pages)
        return [[None if not text.strip() else one_hot(CONTENT) for text in texts] for texts in pages]


def page(page_id: str, labels: list[str | None]) -> Page:
    return Page(page_id, f"{page_id}.example", ["" if label is None else f"行{i}" for i, label in enumerate(labels)], labels)


def page_line_f1(gold: list[str | None], kept: list[bool]) -> float:
    return keep_errors(Page("p", "p.example", ["行"] * len(gold), gold), kept).line_f1


def test_page_line_f1_counts_only_labelled_lines_and_rewards_an_empty_page_kept_empty():
    assert page_line_f1(["content", None, "navigation"], [True, True, False]) == 1.0
    assert page_line_f1(["navigation", "footer"], [False, False]) == 1.0
    assert page_line_f1(["navigation", "footer"], [True, False]) == 0.0
    assert page_line_f1(["content", "content", "navigation"], [True, False, True]) == pytest.approx(0.5)


def test_mean_page_f1_weighs_each_page_once_however_long():
    long_page = page("long", ["content"] * 98 + ["navigation"] * 2)
    short_page = page("short", ["content", "navigation"])
    kept = [[True] * 100, [False, True]]
    assert mean_page_f1([long_page, short_page], kept) == pytest.approx((2 * 98 / 198 + 0.0) / 2)


def test_out_of_fold_never_scores_a_page_with_a_model_that_saw_its_fold():
    pages = [page(f"p{i}", ["content", "navigation"]) for i in range(6)]
    folds = {f"p{i}": i % 3 for i in range(6)}
    fitted: list[RecordingScorer] = []

    def fit(training):
        fitted.append(RecordingScorer(training))
        return fitted[-1]

    probabilities = out_of_fold(pages, folds, fit, extra_training=[page("synthetic", ["content"])],
                                train_filter=lambda p: p.id != "p1")
    assert len(fitted) == 3 and all(len(page_probs) == 2 for page_probs in probabilities)
    for fold, scorer in enumerate(fitted):
        held_out = {p.id for p in pages if folds[p.id] == fold}
        assert not held_out & scorer.trained_on
        assert "synthetic" in scorer.trained_on and "p1" not in scorer.trained_on
        assert len(scorer.scored) == len(held_out)


def test_out_of_fold_refuses_a_page_without_a_fold():
    with pytest.raises(ValueError, match="have no fold"):
        out_of_fold([page("p0", ["content"])], {}, RecordingScorer)


def test_cv_report_gives_pooled_per_kind_and_per_label_figures():
    pages = [page("a", ["content", "navigation"]), page("b", ["navigation", "navigation"])]
    probabilities = [[one_hot(CONTENT), one_hot("navigation")], [one_hot(CONTENT), one_hot("navigation")]]
    report = cv_report(pages, probabilities, kinds={"a": "article", "b": "directory"})
    assert report["line_f1"] == pytest.approx(2 / 3)
    assert report["mean_page_f1"] == pytest.approx(0.5)
    assert report["kinds"]["article"]["line_f1"] == 1.0
    assert report["kinds"]["directory"]["line_f1"] is None  # no content to keep: F1 says nothing
    assert report["kinds"]["directory"]["wrongly_kept"] == 0.5
    assert report["labels"]["navigation"]["recall"] == pytest.approx(2 / 3)


def test_page_kinds_from_label_files_and_kinds_tsv(tmp_path):
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "N1.labels").write_text("# extractor: html_text\n# digest: 0\n# kind: list\n1 content\n")
    (tmp_path / "kinds.tsv").write_text("# id\tkind\nT1\tforum\n")
    sources = [tmp_path / "more", tmp_path / "kinds.tsv"]
    assert page_kinds(sources) == {"N1": "list", "T1": "forum"}
    (tmp_path / "kinds.tsv").write_text("N1\tarticle\n")
    with pytest.raises(AnnotationError, match="two kinds"):
        page_kinds(sources)
    (tmp_path / "kinds.tsv").write_text("T2\tessay\n")
    with pytest.raises(AnnotationError, match="kinds.tsv:1: unknown page kind 'essay'"):
        page_kinds(sources)
    with pytest.raises(AnnotationError, match="no such folder"):
        page_kinds([tmp_path / "elsewhere"])


def test_cross_validate_tool_scores_every_page_out_of_fold_and_leaves_a_repository_out_of_training(tmp_path, capsys):
    from conftest import load_script
    from sample_data import generated_pages

    from boilerplate_ml.pages import write_pages

    pages = generated_pages(num_pages=12, seed=3)
    write_pages(pages, tmp_path / "pages.jsonl")
    (tmp_path / "folds.json").write_text(json.dumps({"folds": 3, "domains": {}, "pages": {p.id: i % 3 for i, p in enumerate(pages)}}))
    (tmp_path / "index.jsonl").write_text("".join(
        json.dumps({"id": p.id, "repo": "one/topic" if i < 4 else "other"}) + "\n" for i, p in enumerate(pages)))
    (tmp_path / "kinds.tsv").write_text("".join(f"{p.id}\tarticle\n" for p in pages))
    tool = load_script("cross_validate", "tools")
    assert tool.main([str(tmp_path / "pages.jsonl"), "--folds", str(tmp_path / "folds.json"), "--kinds",
                      str(tmp_path / "kinds.tsv"), "--train-without-repo", "one/topic", "--index",
                      str(tmp_path / "index.jsonl"), "--json", str(tmp_path / "report.json")]) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    (name, scores), = report.items()
    assert "without the 4 pages of one/topic" in name
    assert scores["pages"] == 12 and scores["kinds"]["article"]["pages"] == 12
    assert scores["sources"]["one/topic"]["pages"] == 4 and scores["sources"]["other"]["pages"] == 8
    assert 0.0 < scores["line_f1"] <= 1.0
    assert "line F1" in capsys.readouterr().out


@pytest.mark.slow
def test_the_whole_recipe_is_built_per_fold_without_that_folds_sites(tmp_path):
    """Cross-validation of the full stack: each fold's model is the recipe with the fold's sites taken out of every real source."""
    from test_recipe import _recipe

    from boilerplate_ml.config import load_config
    from boilerplate_ml.cross_validation import recipe_fold_config, recipe_out_of_fold
    from boilerplate_ml.pages import read_pages
    from boilerplate_ml.site_folds import SiteFolds

    config = load_config(_recipe(tmp_path))
    pages = list(read_pages(tmp_path / "train.jsonl"))
    folds = SiteFolds(2, {}, {page.id: i % 2 for i, page in enumerate(pages)})
    probabilities = recipe_out_of_fold(config, pages, folds, tmp_path / "cv")
    for fold in range(2):
        trained_on = {page.id for page in read_pages(tmp_path / "cv" / f"fold{fold}" / "source0.jsonl")}
        assert trained_on == {page.id for page in pages if folds.pages[page.id] != fold}
        assert read_pipeline(tmp_path / "cv" / f"fold{fold}" / "model")[-1] == "tagger", "every stage built"
    assert all(len(page_probs) == len(page.texts) for page, page_probs in zip(pages, probabilities))
    fold_sources = recipe_fold_config(config, folds, 0, tmp_path / "cv").data.train
    assert [source.path for source in fold_sources] == [str(tmp_path / "cv" / "fold0" / "source0.jsonl"),
                                                         str(tmp_path / "synth.jsonl")], "generated pages train every fold whole"
    assert recipe_fold_config(config, folds, 0, tmp_path / "cv").data.test is None, "dev is never scored by a fold model"
    built = (tmp_path / "cv" / "fold0" / "model" / "model.safetensors").stat().st_mtime
    recipe_out_of_fold(config, pages, folds, tmp_path / "cv", reuse=True)
    assert (tmp_path / "cv" / "fold0" / "model" / "model.safetensors").stat().st_mtime == built, "--reuse builds nothing again"
