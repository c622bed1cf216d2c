"""The page-level refiner: features, learning from page context, saving, and use by the Predictor."""

from __future__ import annotations

import shutil

import pytest
import torch
from safetensors.torch import load_file

from boilerplate_ml.jsonl import current_umask
from boilerplate_ml.labels import LABELS, LABEL_TO_ID
from boilerplate_ml.page_models import LAYOUT_FEATURES
from boilerplate_ml.pipeline import add_stage
from boilerplate_ml.predictor import Predictor
from boilerplate_ml.refiner import BiGRUTagger, PageRefiner, line_features, train_refiner
from sample_data import generated_pages


def _uniform(texts: list[str]) -> list[torch.Tensor | None]:
    return [None if not t.strip() else torch.full((len(LABELS),), 1 / len(LABELS)) for t in texts]


def test_features_skip_blank_lines_and_describe_layout() -> None:
    texts = ["菜单", "", "这是正文。", "  "]
    indices, features = line_features(texts, _uniform(texts))
    assert indices == [0, 2]
    assert features.shape == (2, len(LABELS) + len(LAYOUT_FEATURES))
    layout = dict(zip(LAYOUT_FEATURES, features[1, len(LABELS):].tolist()))
    assert layout["sentence_end"] == 1.0 and layout["blank_before"] == 1.0 and layout["position"] == 1.0
    assert line_features([], [])[1].shape == (0, len(LABELS) + len(LAYOUT_FEATURES))


def test_refine_keeps_blank_lines_blank_and_returns_distributions() -> None:
    texts = ["菜单", "", "正文第一段。", "正文第二段。"]
    refined = PageRefiner.untrained(hidden=8).eval().refine(texts, _uniform(texts))
    assert refined[1] is None
    for probs in (refined[0], refined[2], refined[3]):
        assert probs.shape == (len(LABELS),) and abs(float(probs.sum()) - 1) < 1e-5
    assert PageRefiner.untrained(hidden=8).refine(["", " "], [None, None]) == [None, None]


def test_pages_refined_together_score_as_they_do_alone(monkeypatch) -> None:
    import boilerplate_ml.page_models as page_models

    monkeypatch.setattr(page_models, "PAGES_PER_BATCH", 2)  # several padded batches, pages of unequal length
    torch.manual_seed(0)
    refiner = PageRefiner.untrained(hidden=8, members=2).eval()
    pages = []
    for n in (7, 1, 0, 3, 12):
        texts = [f"第{i}行。" if i % 3 else "" for i in range(n)]
        probs = [None if not t else torch.softmax(torch.randn(len(LABELS)), dim=0) for t in texts]
        pages.append((texts, probs))
    together = refiner.refine_batch(pages)
    for (texts, probs), batched in zip(pages, together, strict=True):
        alone = refiner.refine(texts, probs)
        assert [p is None for p in batched] == [p is None for p in alone] == [p is None for p in probs]
        for a, b in zip(alone, batched):
            if a is not None:
                assert torch.allclose(a, b, atol=1e-6), "padding must not reach a page's lines"


@pytest.mark.slow
def test_it_learns_a_label_that_only_page_context_reveals() -> None:
    """Same line, same first-pass scores: content inside a body, navigation inside a menu run."""
    def page(context: str) -> tuple[list[str], list[str], list[torch.Tensor]]:
        label = "content" if context == "body" else "navigation"
        texts = ["正文段落，写得很长。" if context == "body" else "首页", "价格：30元", "正文段落，写得很长。" if context == "body" else "新闻"]
        labels = [label, label, label]
        probs = [torch.nn.functional.one_hot(torch.tensor(LABEL_TO_ID[label]), len(LABELS)).float() for label in labels]
        probs[1] = torch.full((len(LABELS),), 1 / len(LABELS))  # the first pass cannot tell
        return texts, labels, probs

    refiner = train_refiner([page("body"), page("menu")] * 20, epochs=5, seed=0, hidden=16)
    for context, label in (("body", "content"), ("menu", "navigation")):
        texts, _, probs = page(context)
        middle = refiner.refine(texts, probs)[1]
        assert LABELS[int(middle.argmax())] == label


def test_saved_refiner_is_loaded_by_the_predictor_and_changes_its_output(tiny_model_dir, tmp_path) -> None:
    model_dir = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model_dir)
    page = generated_pages(1, seed=5)[0].text
    plain = Predictor.from_pretrained(model_dir, device="cpu")
    assert plain.refiner is None

    torch.manual_seed(0)
    refiner = PageRefiner.untrained(hidden=8).eval()
    refiner.save(model_dir)
    add_stage(model_dir, "refiner")
    refined = Predictor.from_pretrained(model_dir, device="cpu")
    assert refined.refiner is not None

    first_pass = plain.line_probabilities([page])[0]
    expected = refiner.refine(page.split("\n"), first_pass)
    got = refined.line_probabilities([page])[0]
    assert [p is None for p in got] == [p is None for p in expected]
    assert all(torch.allclose(a, b, atol=2e-3) for a, b in zip(got, expected) if a is not None)  # saved in float16
    assert any(not torch.allclose(a, b, atol=1e-3) for a, b in zip(got, first_pass) if a is not None)
    assert [p.text for p in refined.predict(page)] == page.split("\n")


def test_a_refiner_made_for_other_labels_is_refused(tmp_path) -> None:
    PageRefiner.untrained(hidden=8).save(tmp_path)
    config = (tmp_path / "refiner.json").read_text().replace('"noise"', '"other"')
    (tmp_path / "refiner.json").write_text(config)
    with pytest.raises(ValueError, match="other labels or features"):
        PageRefiner.load(tmp_path)


def test_an_ensemble_averages_its_members_and_survives_saving(tmp_path) -> None:
    texts = ["正文段落，写得很长。", "价格：30元", "首页"]
    probs = _uniform(texts)
    torch.manual_seed(0)
    ensemble = PageRefiner.untrained(hidden=8, members=3).eval()
    _, features = line_features(texts, probs)
    each = [member(features[None])[0].softmax(dim=-1) for member in ensemble.members]
    assert not torch.allclose(each[0], each[1])
    refined = torch.stack(ensemble.refine(texts, probs))
    assert torch.allclose(refined, torch.stack(each).mean(dim=0), atol=1e-6)

    ensemble.save(tmp_path)
    assert (tmp_path / "refiner.safetensors").stat().st_mode & 0o777 == 0o666 & ~current_umask(), "not safetensors' 0600"
    assert all(t.dtype == torch.float16 for t in load_file(str(tmp_path / "refiner.safetensors")).values()), "half the file"
    loaded = PageRefiner.load(tmp_path)
    assert len(loaded.members) == 3 and all(p.dtype == torch.float32 for p in loaded.parameters()), "computed in float32"
    assert torch.allclose(torch.stack(loaded.refine(texts, probs)), refined, atol=2e-3)


def test_ensemble_members_are_trained_from_different_seeds() -> None:
    texts = ["正文段落，写得很长。", "价格：30元", "首页"]
    probs = _uniform(texts)
    refiner = train_refiner([(texts, ["content", "content", "navigation"], probs)] * 3, epochs=1, seed=0, hidden=8, members=2)
    first, second = (member.project.weight for member in refiner.members)
    assert not torch.allclose(first, second)
    single = train_refiner([(texts, ["content", "content", "navigation"], probs)] * 3, epochs=1, seed=0, hidden=8)
    assert torch.allclose(single.members[0].project.weight, first)


def test_member_k_is_the_refiner_trained_alone_from_seed_plus_k() -> None:
    pages = []
    for n in range(4):
        texts = [f"第{n}页的正文段落，写得很长。", "价格：30元" * (n + 1), "首页", "版权所有"][: n + 2]
        pages.append((texts, ["content", "content", "navigation", "footer"][: n + 2], _uniform(texts)))
    ensemble = train_refiner(pages, epochs=2, seed=0, hidden=8, members=2)
    alone = train_refiner(pages, epochs=2, seed=1, hidden=8)
    assert torch.equal(ensemble.members[1].classify.weight, alone.members[0].classify.weight)


def test_a_refiner_needs_members_of_one_shape() -> None:
    with pytest.raises(ValueError, match="at least one tagger"):
        PageRefiner([])
    with pytest.raises(ValueError, match="all of one shape"):
        PageRefiner([BiGRUTagger(8, 2), BiGRUTagger(16, 2)])
