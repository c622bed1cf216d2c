"""The package's face: its version, and a light import that loads the model stack only when asked."""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
from importlib.metadata import requires, version
from pathlib import Path

import pytest

from boilerplate_ml.model_location import MODEL_ENV_VAR
from sample_data import handwritten_page


def test_the_package_says_its_version():
    import boilerplate_ml

    assert boilerplate_ml.__version__ == version("boilerplate-ml")


def test_importing_the_package_does_not_load_torch_until_the_predictor_is_used():
    code = "import sys, boilerplate_ml; assert 'torch' not in sys.modules; boilerplate_ml.Predictor; assert 'torch' in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


#: What the extras bring ([train], [data], [parquet], [report], [datatrove]), and cleaning a text page does not need.
EXTRA_ONLY = ("datasets", "accelerate", "matplotlib", "resiliparse", "html_text", "opencc", "tldextract", "pyarrow", "datatrove")
REPOSITORY = Path(__file__).resolve().parents[1]


def _without(modules, code: str) -> subprocess.CompletedProcess:
    """``code`` run in a fresh interpreter in which ``modules`` cannot be imported (as if not installed)."""
    blocked = "import sys\n" + "".join(f"sys.modules[{name!r}] = None\n" for name in modules)
    return subprocess.run([sys.executable, "-c", blocked + code], capture_output=True, text=True,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})


@pytest.mark.parametrize("module, dependency, extra", [
    ("boilerplate_ml.training", "accelerate", "train"),
    ("boilerplate_ml.training", "datasets", "train"),
    ("boilerplate_ml.pretraining", "matplotlib", "train"),
    ("boilerplate_ml.config", "yaml", "train"),
    ("boilerplate_ml.site_folds", "tldextract", "data"),
    ("boilerplate_ml.datatrove_step", "datatrove", "datatrove"),
])
def test_a_module_of_an_extra_names_the_extra_when_its_dependency_is_missing(module, dependency, extra):
    run = _without([dependency], f"import {module}")
    assert run.returncode != 0
    assert f"needs {dependency}, which the [{extra}] extra installs: pip install 'boilerplate-ml[{extra}]'" in run.stderr


@pytest.mark.parametrize("dependency, code", [
    ("resiliparse", "from boilerplate_ml.datagen.html_extract import extract_resiliparse\nextract_resiliparse('<p>x</p>')"),
    ("html_text", "from boilerplate_ml.datagen.html_extract import extract_html_text\nextract_html_text('<p>x</p>')"),
    ("opencc", "from boilerplate_ml.datagen.chinese_script import script_converter\nscript_converter('t2s')"),
])
def test_building_data_names_the_data_extra_when_a_dependency_is_missing(dependency, code):
    run = _without([dependency], code)
    assert run.returncode != 0
    assert f"needs {dependency}, which the [data] extra installs: pip install 'boilerplate-ml[data]'" in run.stderr


def test_a_parquet_input_without_pyarrow_is_one_line_naming_the_parquet_extra(tmp_path):
    (tmp_path / "pages.parquet").write_bytes(b"PAR1")
    code = (f"from boilerplate_ml.cli import main\nmain(['clean', {str(tmp_path / 'pages.parquet')!r}, "
            f"'-o', {str(tmp_path / 'out.jsonl')!r}])")
    run = _without(["pyarrow"], code)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr[-2000:]
    assert "Error: reading .parquet files needs pyarrow, which the [parquet] extra installs: pip install 'boilerplate-ml[parquet]'" in run.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_a_report_without_matplotlib_is_one_line_naming_the_report_extra(tmp_path):
    page = tmp_path / "pages.jsonl"
    page.write_text(json.dumps({"text": handwritten_page().text}, ensure_ascii=False) + "\n", encoding="utf-8")
    code = f"from boilerplate_ml.cli import main\nmain(['report', {str(page)!r}, '-o', {str(tmp_path / 'report.html')!r}])"
    run = _without(["matplotlib"], code)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr[-2000:]
    assert "Error: boilerplate-ml report needs matplotlib, which the [report] extra installs" in run.stderr
    assert not (tmp_path / "report.html").exists()


def test_cleaning_a_page_needs_no_training_or_data_dependency(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text(handwritten_page().text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run = _without(EXTRA_ONLY, f"from boilerplate_ml.cli import main\nmain(['clean', {str(page)!r}, '-o', {str(out)!r}])")
    assert "cleaned 1 pages" in run.stderr, run.stderr[-2000:]
    assert json.loads(out.read_text(encoding="utf-8"))["clean_text"]


def test_the_core_requirements_hold_no_training_or_data_dependency():
    core = {req.split(";")[0].split(">")[0].split("=")[0].strip().lower() for req in requires("boilerplate-ml") if "extra ==" not in req}
    assert core and not core & {"datasets", "accelerate", "matplotlib", "resiliparse", "html-text", "opencc-python-reimplemented",
                                "tldextract", "pyarrow", "datatrove"}


def _build_wheel(out: Path) -> Path:
    """A wheel built from a copy of the checkout, so that no build/ folder of an earlier build leaks into it."""
    source = out / "source"
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(REPOSITORY / "src", source / "src", ignore=skip)
    shutil.copytree(REPOSITORY / "models", source / "models")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPOSITORY / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out / "dist"), str(source)],
                   check=True)
    return next((out / "dist").glob("boilerplate_ml-*.whl"))


@pytest.mark.slow
def test_a_wheel_installed_in_a_fresh_environment_cleans_a_page_from_any_folder(tmp_path):
    wheel = _build_wheel(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "page.txt").write_text(handwritten_page().text, encoding="utf-8")
    # As a user's shell: no PYTHONPATH to the checkout, no model named, nothing in the cache.
    user_env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", MODEL_ENV_VAR)}
    user_env.update(XDG_CACHE_HOME=str(tmp_path / "empty-cache"), OMP_NUM_THREADS="1")

    def run(*command: str | Path) -> str:
        done = subprocess.run([str(part) for part in command], cwd=elsewhere, env=user_env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    env = tmp_path / "env"
    run(sys.executable, "-m", "venv", env)
    python = env / "bin" / "python"
    run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel)
    # torch and the other dependencies come from this environment's site-packages (a .pth line, read
    # after the fresh environment's own), not downloaded again; the package itself only from the wheel.
    # Written after the install: pip would otherwise take the package as installed already (editable here).
    site_packages = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip())
    (site_packages / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")

    run(env / "bin" / "boilerplate-ml", "clean", "page.txt", "-o", "out.jsonl")
    kept = json.loads((elsewhere / "out.jsonl").read_text(encoding="utf-8"))["clean_text"].split("\n")
    assert kept[0] and set(kept) <= set(handwritten_page().texts)
    loaded_from = run(python, "-c", "from boilerplate_ml import Predictor\nfrom boilerplate_ml.model_location import resolve_model_dir\n"
                                    "Predictor.from_pretrained()\nprint(resolve_model_dir())").strip()
    assert Path(loaded_from).is_relative_to(site_packages), "the model inside the installed package, not the checkout's"
