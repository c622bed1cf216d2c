"""boilerplate-ml: keep the article lines of Chinese web pages, drop boilerplate and spam."""

from typing import TYPE_CHECKING

from boilerplate_ml.labels import LABELS

if TYPE_CHECKING:  # for type checkers and editors; at run time they load on first use, below
    from boilerplate_ml.predictor import LinePrediction, Predictor

    __version__: str

__all__ = ["LABELS", "LinePrediction", "Predictor", "__version__"]


def __getattr__(name: str):
    # Imported on first use: the predictor pulls in torch and transformers, which would make
    # every `boilerplate-ml --help` and every data-only import pay seconds of start-up.
    if name in ("LinePrediction", "Predictor"):
        from boilerplate_ml import predictor

        return getattr(predictor, name)
    if name == "__version__":  # read from the installed metadata only when asked, like the rest
        from importlib.metadata import version

        return version("boilerplate-ml")
    raise AttributeError(f"module 'boilerplate_ml' has no attribute {name!r}")
