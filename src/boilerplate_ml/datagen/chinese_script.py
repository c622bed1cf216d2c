"""Traditional/Simplified conversion with OpenCC, an optional dependency of the ``data`` extra."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from boilerplate_ml.extras import require_extra


@lru_cache(maxsize=2)
def script_converter(direction: str) -> Callable[[str], str]:
    """OpenCC's ``convert`` for ``direction`` ("t2s", "s2t"), built once: it loads dictionaries."""
    require_extra("data", "Traditional/Simplified conversion", "opencc")
    from opencc import OpenCC

    return OpenCC(direction).convert
