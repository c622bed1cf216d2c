"""Shared fixtures: a tiny, untrained line classifier built from generated text in seconds."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest
import torch
from hypothesis import HealthCheck, settings

from boilerplate_ml.modeling import BertShape, create_base_checkpoint, load_for_line_classification
from boilerplate_ml.windows import WindowSpec
from sample_data import generated_pages

# Property tests run the model on every example: a few by default, many in the "slow" profile
# (HYPOTHESIS_PROFILE=slow python -m pytest tests/test_properties.py tests/test_hostile_inputs.py).
_PROFILE = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("default", max_examples=40, **_PROFILE)
settings.register_profile("ci", max_examples=40, derandomize=True, **_PROFILE)
settings.register_profile("slow", max_examples=500, **_PROFILE)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

REPOSITORY = Path(__file__).resolve().parents[1]


def load_script(name: str, folder: str = "scripts") -> ModuleType:
    """A script of scripts/ (or tools/) loaded as a module, so that its main() runs in the test's process."""
    spec = importlib.util.spec_from_file_location(name, REPOSITORY / folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TINY_SHAPE = BertShape(layers=1, hidden=32, heads=2, intermediate=64, max_positions=128)
#: Small windows so that ordinary test pages span several of them.
TINY_SPEC = WindowSpec(line_tokens=8, tail_tokens=2, window_tokens=64, stride=0.5)


@pytest.fixture(scope="session")
def tiny_base_dir(tmp_path_factory) -> str:
    texts = [text for page in generated_pages(20) for text in page.texts]
    return str(create_base_checkpoint(texts, TINY_SHAPE, 600, tmp_path_factory.mktemp("base"), seed=0))


@pytest.fixture(scope="session")
def tiny_model_dir(tiny_base_dir, tmp_path_factory) -> str:
    torch.manual_seed(0)
    tokenizer, model = load_for_line_classification(tiny_base_dir, TINY_SPEC)
    out = tmp_path_factory.mktemp("classifier")
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return str(out)
