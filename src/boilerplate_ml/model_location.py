"""Where the model folder is found when none is named: an environment variable, a cache, the packaged copy.

An installed package carries the shipped model inside it (``boilerplate_ml/models``; the build
maps the repository's top-level ``models/`` there); a source checkout has it in that ``models/``
folder itself. A model put in the cache, or named by the variable, wins over the packaged copy,
so that a newer model can be used without reinstalling.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The model that ships with the package.
DEFAULT_MODEL_NAME = "bpml-zh-small"
#: A model folder to use when no path is given.
MODEL_ENV_VAR = "BOILERPLATE_ML_MODEL"


def cache_model_dir() -> Path:
    """``$XDG_CACHE_HOME/boilerplate-ml/models/<default model>`` (``~/.cache`` when the variable is unset)."""
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "boilerplate-ml" / "models" / DEFAULT_MODEL_NAME


def packaged_model_dirs() -> list[Path]:
    """Where the shipped model lies: inside the installed package, or in ``models/`` of a source checkout."""
    package = Path(__file__).resolve().parent
    return [package / "models" / DEFAULT_MODEL_NAME, package.parents[1] / "models" / DEFAULT_MODEL_NAME]


def is_model_dir(path: Path) -> bool:
    return (path / "config.json").is_file()


def resolve_model_dir(path: str | Path | None = None) -> Path:
    """The model folder to load: ``path``; else $BOILERPLATE_ML_MODEL; else the cache; else the packaged copy.

    A path or variable that names no folder is an error, not a reason to load another model.
    """
    if path is not None:
        return Path(path)
    if os.environ.get(MODEL_ENV_VAR):
        named = Path(os.environ[MODEL_ENV_VAR]).expanduser()
        if not named.is_dir():
            raise FileNotFoundError(f"{MODEL_ENV_VAR}={named}: model folder not found")
        return named
    candidates = [cache_model_dir(), *packaged_model_dirs()]
    for candidate in candidates:
        if is_model_dir(candidate):
            return candidate
    tried = "; ".join(str(candidate) for candidate in candidates)
    raise FileNotFoundError(
        f"no model found: no path given, {MODEL_ENV_VAR} not set, and no model folder at {tried}. "
        f"Pass a model folder (--model DIR), set {MODEL_ENV_VAR}, or copy the model to {cache_model_dir()}"
    )
