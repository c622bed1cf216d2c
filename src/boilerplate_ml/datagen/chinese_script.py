"""Traditional/Simplified conversion with OpenCC, an optional dependency of the ``data`` extra."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache


@lru_cache(maxsize=2)
def script_converter(direction: str) -> Callable[[str], str]:
    """OpenCC's ``convert`` for ``direction`` ("t2s", "s2t"), built once: it loads dictionaries."""
    try:
        from opencc import OpenCC
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("Traditional/Simplified conversion needs OpenCC: pip install 'boilerplate-ml[data]'") from error
    return OpenCC(direction).convert
