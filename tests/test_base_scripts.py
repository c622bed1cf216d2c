"""The scripts that compare candidate bases: the size/speed table and the frozen site-fold probe, on tiny models."""

from __future__ import annotations

import re

import numpy as np

from boilerplate_ml.pages import write_pages
from boilerplate_ml.site_folds import FoldPage, SiteFolds
from conftest import load_script
from sample_data import generated_pages


def table_rows(output: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in output.splitlines()
            if line.startswith("|") and not line.startswith("|---")][1:]


def test_benchmark_bases_prints_size_and_speed_beside_the_shipped_model(tiny_base_dir, tiny_model_dir, tmp_path, capsys):
    write_pages(generated_pages(3), tmp_path / "pages.jsonl")
    load_script("benchmark_bases", "tools").main([tiny_base_dir, "--pages", str(tmp_path / "pages.jsonl"), "--shipped", tiny_model_dir, "--rounds", "2"])
    rows = table_rows(capsys.readouterr().out)
    assert [row[0] for row in rows] == [f"shipped {tiny_model_dir.rsplit('/', 1)[-1]} (reference)", tiny_base_dir]
    assert rows[0][-1] == "1.00" and float(rows[1][-1]) > 0
    assert rows[1][1] == "1" and rows[1][2] == "32", "layers and hidden size read from the model"


def test_page_features_hold_each_line_with_two_neighbours_each_side_and_layout():
    probe = load_script("probe_bases", "tools")
    vectors = np.arange(1, 4, dtype=np.float32)[:, None] * np.ones((3, 2), dtype=np.float32)  # line i: [i+1, i+1]
    features = probe.page_features(vectors, ["菜单", "这是正文。", "页脚"])
    assert features.shape == (3, 5 * 2 + 4)
    assert features[0, :10].tolist() == [0, 0, 0, 0, 1, 1, 2, 2, 3, 3], "zeros before the first line"
    assert features[1, -2] == 1.0 and features[0, -2] == 0.0, "sentence-final punctuation"


def test_probe_scores_every_page_out_of_fold(tiny_base_dir, tmp_path, capsys):
    pages = generated_pages(10, seed=5)
    write_pages(pages, tmp_path / "pages.jsonl")
    folds = SiteFolds.build([FoldPage(page.id, page.source, "generated") for page in pages], 2)
    folds.save(tmp_path / "folds.json", [FoldPage(page.id, page.source, "generated") for page in pages])
    load_script("probe_bases", "tools").main([str(tmp_path / "folds.json"), "--pages", str(tmp_path / "pages.jsonl"), "--base", tiny_base_dir])
    output = capsys.readouterr().out
    assert re.search(r"10 pages, \d+ labelled lines, 2 site folds", output)
    (row,) = table_rows(output)
    assert row[:2] == [tiny_base_dir, "1"] and all(0.0 <= float(x) <= 1.0 for x in row[2:])
