"""The page tagger: one distribution per non-blank line, learning from page context, saving, and its place in the Predictor."""

from __future__ import annotations

import json
import shutil

import pytest
import torch

from boilerplate_ml.jsonl import current_umask
from boilerplate_ml.labels import LABELS
from boilerplate_ml.page_models import average_probabilities
from boilerplate_ml.page_tagger import PageTagger, TaggerSpec
from boilerplate_ml.pages import Page
from boilerplate_ml.pipeline import add_stage
from boilerplate_ml.predictor import Predictor
from boilerplate_ml.refiner import PageRefiner
from sample_data import generated_pages, handwritten_page

SMALL = TaggerSpec(hash_bits=10, shape_bits=8, dimensions=8, hidden=8, layers=1)


def test_one_distribution_per_non_blank_line_in_order() -> None:
    tagger = PageTagger.fit(generated_pages(4, seed=1), SMALL, epochs=1)
    pages = [handwritten_page().texts, [], [""], ["\u3000", "只有一行"], ["长" * 100_000]]
    probabilities = tagger.line_probabilities(pages)
    assert [len(page) for page in probabilities] == [len(page) for page in pages]
    for page, page_probs in zip(pages, probabilities):
        assert [p is None for p in page_probs] == [not line.strip() for line in page]
        for p in filter(lambda p: p is not None, page_probs):
            assert p.shape == (len(LABELS),) and abs(float(p.sum()) - 1.0) < 1e-5


def test_a_page_scores_the_same_alone_or_in_a_batch_of_longer_and_shorter_pages() -> None:
    tagger = PageTagger.fit(generated_pages(4, seed=1), SMALL, epochs=1)
    pages = [page.texts for page in generated_pages(5, seed=3)] + [["一行"]]
    together = tagger.line_probabilities(pages)
    for page, batched in zip(pages, together):
        alone = tagger.line_probabilities([page])[0]
        assert all(torch.allclose(a, b, atol=1e-5) for a, b in zip(alone, batched) if a is not None)


def test_it_reads_the_page_not_just_the_line() -> None:
    """The same line gets one label on article pages and another on menu pages, from the lines around it."""
    article = ["今天的新闻讲了公园的新步道。", "更多", "市民说步道很方便，周末常来散步。"]
    menu = ["首页", "更多", "体育"]
    pages = [Page(f"p{i}", "site.test", article if i % 2 else menu, ["content"] * 3 if i % 2 else ["navigation"] * 3)
             for i in range(20)]
    tagger = PageTagger.fit(pages, SMALL, epochs=10)
    in_article, in_menu = (probs[1] for probs in tagger.line_probabilities([article, menu]))
    assert LABELS[int(in_article.argmax())] == "content" and LABELS[int(in_menu.argmax())] == "navigation"


def test_saved_tagger_reloads_with_the_same_probabilities(tmp_path) -> None:
    assert PageTagger.load(tmp_path) is None, "a folder without one has none"
    tagger = PageTagger.fit(generated_pages(4, seed=2), SMALL, epochs=1, seed=3, members=2)
    tagger.save(tmp_path)
    assert (tmp_path / "tagger.safetensors").stat().st_mode & 0o777 == 0o666 & ~current_umask(), "not safetensors' 0600"
    loaded = PageTagger.load(tmp_path)
    assert loaded.spec == SMALL and len(loaded.members) == 2
    page = [handwritten_page().texts]
    for a, b in zip(tagger.line_probabilities(page)[0], loaded.line_probabilities(page)[0]):
        assert (a is None and b is None) or torch.allclose(a, b, atol=1e-2)  # int8 tables


def test_members_are_averaged_and_member_k_is_the_tagger_trained_from_seed_plus_k() -> None:
    pages = generated_pages(4, seed=1)
    pair = PageTagger.fit(pages, SMALL, epochs=1, seed=5, members=2)
    first, second = (PageTagger.fit(pages, SMALL, epochs=1, seed=seed) for seed in (5, 6))
    page = [handwritten_page().texts]
    expected = average_probabilities(first.line_probabilities(page), second.line_probabilities(page))[0]
    got = pair.line_probabilities(page)[0]
    assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(got, expected) if a is not None)
    assert any(not torch.allclose(a, b, atol=1e-3) for a, b in zip(got, first.line_probabilities(page)[0]) if a is not None)


def test_a_tagger_made_for_other_labels_is_refused(tmp_path) -> None:
    PageTagger.fit(generated_pages(2, seed=2), SMALL, epochs=1).save(tmp_path)
    config = json.loads((tmp_path / "tagger.json").read_text())
    config["labels"][-1] = "other"
    (tmp_path / "tagger.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="other labels"):
        PageTagger.load(tmp_path)


def test_a_tagger_saved_before_members_existed_is_refused_in_words(tmp_path) -> None:
    PageTagger.fit(generated_pages(2, seed=2), SMALL, epochs=1).save(tmp_path)
    config = json.loads((tmp_path / "tagger.json").read_text())
    del config["members"]  # as session 11's single tagger was saved
    (tmp_path / "tagger.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="than this version"):
        PageTagger.load(tmp_path)


def test_a_tagger_of_no_members_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one member"):
        PageTagger(SMALL, members=0)


def test_pages_without_a_non_blank_line_are_refused_in_words() -> None:
    with pytest.raises(ValueError, match="at least one labelled page"):
        PageTagger.fit([Page("a", "s.test", ["", " "], [None, None])], SMALL)


def test_the_predictor_averages_the_tagger_with_the_refined_first_pass(tiny_model_dir, tmp_path) -> None:
    model_dir = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model_dir)
    PageRefiner.untrained(hidden=8, layers=1).save(model_dir)
    add_stage(model_dir, "refiner")
    page = generated_pages(1, seed=5)[0].text
    without = Predictor.from_pretrained(model_dir, device="cpu")
    assert without.tagger is None and without.refiner is not None
    PageTagger.fit(generated_pages(4, seed=4), SMALL, epochs=1).save(model_dir)
    add_stage(model_dir, "tagger")
    both = Predictor.from_pretrained(model_dir, device="cpu")
    assert both.tagger is not None

    expected = average_probabilities(without.line_probabilities([page]), both.tagger.line_probabilities([page.split("\n")]))[0]
    got = both.line_probabilities([page])[0]
    assert [p is None for p in got] == [p is None for p in expected]
    assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(got, expected) if a is not None)
    assert any(not torch.allclose(a, b, atol=1e-3) for a, b in zip(got, without.line_probabilities([page])[0]) if a is not None)
    assert [p.text for p in both.predict(page)] == page.split("\n")


def test_average_of_three_models_keeps_blank_lines_blank() -> None:
    a, b, c = torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0]), torch.tensor([0.0, 1.0])
    averaged = average_probabilities([[None, a]], [[None, b]], [[None, c]])[0]
    assert averaged[0] is None and torch.allclose(averaged[1], torch.tensor([1 / 3, 2 / 3]))
