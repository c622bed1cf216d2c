"""The datatrove example pipeline (WET reader → BoilerplateCleaner → JSON Lines) under LocalPipelineExecutor."""

from __future__ import annotations

import gzip
import importlib.util
import json
import pickle
from pathlib import Path

import pytest

pytest.importorskip("datatrove")
pytest.importorskip("magic")  # datatrove's WarcReader needs its io extra (warcio, faust-cchardet, python-magic)

from datatrove.executor import LocalPipelineExecutor  # noqa: E402

from boilerplate_ml.datatrove_step import BoilerplateCleaner  # noqa: E402
from sample_data import generated_pages, wet_file  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "datatrove_pipeline.py"


def _example():
    spec = importlib.util.spec_from_file_location("datatrove_pipeline", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_pipeline_cleans_a_wet_file_and_counts_kept_and_dropped_lines(tiny_model_dir, tmp_path):
    pages = generated_pages(4)
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "part-0.wet.gz").write_bytes(gzip.compress(wet_file([(f"http://d.test/{i}", p.text) for i, p in enumerate(pages)])))
    # The untrained tiny model gives content 0.11-0.14 (about 1/8): 0.125 keeps some lines and drops others.
    steps = _example().pipeline(str(crawl), str(tmp_path / "out"), model=tiny_model_dir, threshold=0.125, keep_empty=True)
    LocalPipelineExecutor(steps, tasks=1, workers=1, logging_dir=str(tmp_path / "logs")).run()

    with gzip.open(tmp_path / "out" / "00000.jsonl.gz", "rt", encoding="utf-8") as handle:
        documents = [json.loads(line) for line in handle]
    assert [d["metadata"]["url"] for d in documents] == [f"http://d.test/{i}" for i in range(4)]
    for document, page in zip(documents, pages):
        kept = [line for line in document["text"].split("\n") if line]
        assert set(kept) <= set(page.texts) and len(kept) < len([t for t in page.texts if t.strip()])

    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    ours = next(step["stats"] for step in stats if "boilerplate-ml" in step["name"])
    kept = sum(v["total"] for k, v in ours.items() if k.startswith("lines_kept/"))
    dropped = sum(v["total"] for k, v in ours.items() if k.startswith("lines_dropped/"))
    kept_in_output = sum(1 for d in documents for line in d["text"].split("\n") if line.strip())
    assert kept == kept_in_output and dropped > 0
    assert kept + dropped == sum(1 for p in pages for t in p.texts if t.strip())


def test_a_pickled_step_carries_no_loaded_model(tiny_model_dir):
    step = BoilerplateCleaner(model=tiny_model_dir)
    assert step.predictor is not None
    assert pickle.loads(pickle.dumps(step))._predictor is None
