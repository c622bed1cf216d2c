"""Optional dependencies: a module that needs an extra says which one, instead of a bare ModuleNotFoundError.

``pip install boilerplate-ml`` installs what cleaning pages needs; training (``[train]``), building
training data and site folds (``[data]``), parquet inputs (``[parquet]``), ``boilerplate-ml report``
(``[report]``) and the datatrove step (``[datatrove]``) bring their own libraries.
"""

from __future__ import annotations

import importlib.util


def require_extra(extra: str, needed_by: str, *modules: str) -> None:
    """Raise ImportError naming ``extra`` when one of the importable ``modules`` is missing."""
    missing = [module for module in modules if importlib.util.find_spec(module) is None]
    if missing:
        raise ImportError(f"{needed_by} needs {', '.join(missing)}, which the [{extra}] extra installs: "
                          f"pip install 'boilerplate-ml[{extra}]'")
