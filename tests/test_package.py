"""The package's face: its version, and a light import that loads the model stack only when asked."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version


def test_the_package_says_its_version():
    import boilerplate_ml

    assert boilerplate_ml.__version__ == version("boilerplate-ml")


def test_importing_the_package_does_not_load_torch_until_the_predictor_is_used():
    code = "import sys, boilerplate_ml; assert 'torch' not in sys.modules; boilerplate_ml.Predictor; assert 'torch' in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
