"""boilerplate-ml: keep the article lines of Chinese web pages, drop boilerplate and spam."""

from boilerplate_ml.labels import LABELS
from boilerplate_ml.predictor import LinePrediction, Predictor

__all__ = ["LABELS", "LinePrediction", "Predictor"]
