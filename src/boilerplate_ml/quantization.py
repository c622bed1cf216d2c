"""Compact storage of weights (int8 for the large hashed tables, float16 for the rest), and int8 compute for CPU inference.

Those tables are most of the shipped folder's size, and the folder must stay under 30 MB. Each
row is stored as int8 with its own float16 scale (its largest magnitude over 127): a row is one
n-gram bucket, and buckets of rare n-grams hold small values that one scale for the whole table
would round to zero. On the shipped model's validation pages this moved the tagger's
probabilities by at most 0.005 and the first pass's by at most 0.009, and no keep decision.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import torch

#: Suffix of the tensor that holds a quantized table's row scales, beside the table's own name.
SCALE_SUFFIX = ".row_scale"


def quantize_rows(name: str, table: np.ndarray) -> dict[str, np.ndarray]:
    """``table`` (2-D) as int8 under ``name`` and its row scales under ``name + SCALE_SUFFIX``."""
    scales = (np.abs(table).max(axis=1, keepdims=True) / 127).astype(np.float16)
    scales[scales == 0] = 1  # an all-zero row (a bucket never seen in training) stays zero
    values = np.round(table / scales.astype(np.float32)).clip(-127, 127).astype(np.int8)
    return {name: values, name + SCALE_SUFFIX: scales}


def dequantize(tensors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``tensors`` as float32, with each quantized table restored from its row scales (and the scales dropped)."""
    restored = {}
    for name, values in tensors.items():
        if name.endswith(SCALE_SUFFIX):
            continue
        scale_name = name + SCALE_SUFFIX
        scales = tensors[scale_name].astype(np.float32) if scale_name in tensors else 1.0
        restored[name] = values.astype(np.float32) * scales
    return restored


def storable_state(state: Mapping[str, torch.Tensor], int8_table: Callable[[str], bool] = lambda name: False) -> dict[str, np.ndarray]:
    """A module's weights as saved: the tables ``int8_table`` picks by name in int8 with row scales, the rest in float16."""
    stored: dict[str, np.ndarray] = {}
    for name, tensor in state.items():
        if int8_table(name):
            stored.update(quantize_rows(name, tensor.numpy()))
        else:
            stored[name] = tensor.numpy().astype(np.float16)
    return stored


def loaded_state(tensors: Mapping[str, np.ndarray]) -> dict[str, torch.Tensor]:
    """Saved weights (as :func:`storable_state` writes them, or the float files of earlier versions) as float32 tensors."""
    return {name: torch.from_numpy(values) for name, values in dequantize(dict(tensors)).items()}


def int8_linear_layers(model: torch.nn.Module) -> torch.nn.Module:
    """``model`` with every ``nn.Linear`` computing in int8 (weights quantized per tensor, activations per batch), for CPU inference.

    Linear layers are most of the line classifier's time; torch's dynamic quantization runs them
    on fbgemm/oneDNN int8 kernels. The API is deprecated in favour of torchao, which is not a
    dependency here, so its warnings are silenced.
    """
    import warnings

    from torch.ao.quantization import quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (DeprecationWarning, UserWarning, FutureWarning))
        return quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
