"""Committed cross-validation folds by registered domain, on made-up index records and pages."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from boilerplate_ml.pages import Page, write_pages
from boilerplate_ml.site_folds import FoldPage, SiteFolds, assign_folds, registered_domain
from conftest import load_script


@pytest.mark.parametrize(
    ("host", "domain"),
    [("news.example.cn", "example.cn"), ("www.example.com.cn", "example.com.cn"), ("a.b.example.edu.tw", "example.edu.tw"),
     ("WWW.Example.COM", "example.com"), ("www.gov.cn", "www.gov.cn"), ("10.1.2.3", "10.1.2.3"), ("unknown:some-dataset", "unknown:some-dataset")],
)
def test_registered_domain_follows_the_public_suffix_list_offline(host, domain):
    assert registered_domain(host) == domain


def archive_and_other_pages() -> list[FoldPage]:
    """One big domain, many one-page archive domains, and pages without a host from one repository."""
    pages = [FoldPage(f"B{i}", f"s{i % 3}.big.example.cn", "train") for i in range(9)]
    pages += [FoldPage(f"A{i}", f"www.site{i}.com", "archive", "archive/repo") for i in range(40)]
    pages += [FoldPage(f"T{i}", f"www.train{i}.org", "train") for i in range(11)]
    pages += [FoldPage(f"S{i}", None, "spam", "spam/repo") for i in range(3)]
    return pages


def test_every_domain_lands_in_one_fold_and_every_stratum_spreads_evenly():
    pages = archive_and_other_pages()
    folds = SiteFolds.build(pages, 5)
    assert len(folds.pages) == len(pages)
    assert {folds.pages[f"B{i}"] for i in range(9)} == {folds.domains["example.cn"]}, "sub-hosts of one domain together"
    assert len({folds.pages[f"S{i}"] for i in range(3)}) == 1 and "repo:spam/repo" in folds.domains
    archive = Counter(folds.pages[f"A{i}"] for i in range(40))
    assert sorted(archive.values()) == [8] * 5
    train = Counter(folds.pages[page.id] for page in pages if page.stratum == "train")
    assert max(train.values()) == 9, "the big domain fills one fold's train share; the rest go elsewhere"
    assert assign_folds(pages, 5) == assign_folds(list(reversed(pages)), 5), "independent of input order"


def test_a_page_is_found_by_id_or_by_its_hosts_domain(tmp_path):
    pages = archive_and_other_pages()
    folds = SiteFolds.build(pages, 3)
    folds.save(tmp_path / "folds.json", pages)
    loaded = SiteFolds.load(tmp_path / "folds.json")
    assert loaded == folds
    assert loaded.fold_of("new-page", "m.big.example.cn") == folds.pages["B0"]
    with pytest.raises(ValueError, match="new-page.*no fold"):
        loaded.fold_of("new-page", "elsewhere.example.net")
    summary = json.loads((tmp_path / "folds.json").read_text())["summary"]
    assert sum(row["pages"]["archive"] for row in summary) == 40


def test_assignment_rejects_duplicate_ids_and_pages_it_cannot_group():
    with pytest.raises(ValueError, match="more than once"):
        assign_folds([FoldPage("P1", "a.example.cn", "x"), FoldPage("P1", "b.example.cn", "x")], 2)
    with pytest.raises(ValueError, match="P2"):
        assign_folds([FoldPage("P2", None, "x")], 2)


def test_scripts_assign_from_pages_labels_and_indexes_then_split_by_the_assignment(tmp_path):
    pages = [Page(f"T{i}", f"www.t{i % 4}.example.cn", ["首页", "正文"], ["navigation", "content"]) for i in range(8)]
    write_pages(pages, tmp_path / "train.jsonl")
    (tmp_path / "labels").mkdir()
    for page_id in ("X1", "X2"):
        (tmp_path / "labels" / f"{page_id}.labels").write_text("1 content\n", encoding="utf-8")
    index = [{"id": "X1", "site": "x.example.com", "repo": "r"}, {"id": "X2", "site": "t0.example.cn", "repo": "r"},
             {"id": "X3", "site": "unlabelled.example.com", "repo": "r"}]
    (tmp_path / "index.jsonl").write_text("".join(json.dumps(r) + "\n" for r in index), encoding="utf-8")
    more = [{"id": f"N{i}", "site": f"n{i}.example.net" if i else None, "repo": "archive"} for i in range(6)]
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "index.jsonl").write_text("".join(json.dumps(r) + "\n" for r in more), encoding="utf-8")

    load_script("assign_site_folds", "tools").main([
        str(tmp_path / "folds.json"), "--pages", str(tmp_path / "train.jsonl"), "--labels", str(tmp_path / "labels"),
        "--index", str(tmp_path / "index.jsonl"), "--all-of", str(tmp_path / "more" / "index.jsonl"), "--folds", "3",
    ])
    folds = SiteFolds.load(tmp_path / "folds.json")
    assert set(folds.pages) == {*(p.id for p in pages), "X1", "X2", *(r["id"] for r in more)}, "X3 has no label file"
    assert folds.pages["X2"] == folds.pages["T0"], "an annotated page shares its domain's fold"
    assert "repo:archive" in folds.domains


def test_assign_script_names_the_label_file_missing_from_the_index(tmp_path, capsys):
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "X9.labels").write_text("1 content\n", encoding="utf-8")
    (tmp_path / "index.jsonl").write_text('{"id": "X1", "site": "a.example.cn"}\n', encoding="utf-8")
    with pytest.raises(SystemExit):
        load_script("assign_site_folds", "tools").main([str(tmp_path / "folds.json"), "--labels", str(tmp_path / "labels"),
                                               "--index", str(tmp_path / "index.jsonl")])
    assert "X9.labels" in capsys.readouterr().err and not (tmp_path / "folds.json").exists()
