"""Source weights and the site split: what training sees and what it is scored on."""

from __future__ import annotations

from boilerplate_ml.config import Config, DataConfig, SourceConfig
from boilerplate_ml.dataset import weighted
from boilerplate_ml.pages import Page, site_of, write_pages
from boilerplate_ml.training import load_training_pages


def _page(page_id: str, host: str) -> Page:
    return Page(page_id, host, ["标题", "正文。"], ["navigation", "content"])


def test_fractional_weight_adds_a_seeded_sample_to_whole_copies():
    pages = [_page(f"p{i}", f"site{i}.cn") for i in range(10)]
    once_and_a_half = weighted(pages, 1.5, seed=3)
    assert len(once_and_a_half) == 15 and once_and_a_half[:10] == pages
    assert len({page.id for page in once_and_a_half[10:]}) == 5, "the half is a sample without repeats"
    assert once_and_a_half == weighted(pages, 1.5, seed=3), "seeded"
    assert len(weighted(pages, 0.3, seed=3)) == 3, "a weight below one samples that share"


def test_held_out_sites_leave_every_source_and_validation_comes_from_validating_sources_only(tmp_path):
    hosts = [f"www.site{i}.com.cn" for i in range(8)]
    human = [_page(f"h{i}", host) for i, host in enumerate(hosts)]
    # A second source with pages of the same sites (sub-hosts too) and one site of its own.
    other = [_page(f"o{i}", host.replace("www.", "news.")) for i, host in enumerate(hosts)] + [_page("o-own", "own.cn")]
    write_pages(human, tmp_path / "human.jsonl")
    write_pages(other, tmp_path / "other.jsonl")
    config = Config(
        name="split",
        data=DataConfig(
            train=[SourceConfig(str(tmp_path / "human.jsonl"), validate=True), SourceConfig(str(tmp_path / "other.jsonl"), weight=2.0)],
            validation_fraction=0.25,
        ),
    )
    train, validation, summary = load_training_pages(config)

    held_out = set(summary["validation_sites"])
    assert len(held_out) == 2 and {site_of(page) for page in validation} == held_out
    assert all(page.id.startswith("h") for page in validation), "the non-validating source gives no validation pages"
    assert not held_out & {site_of(page) for page in train}, "a held-out site is in no source's training pages"
    assert sum(page.id.startswith("o") for page in train) == 2 * 7, "other.jsonl twice, its held-out sites removed"
    assert [source["pages"] for source in summary["sources"]] == [6, 7]
