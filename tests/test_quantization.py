"""Int8 row-wise storage of the hashed tables: close to the float weights, zero rows kept, old files still load."""

import numpy as np
from safetensors.numpy import load_file

from boilerplate_ml.ngrams import NgramLineModel, NgramSpec
from boilerplate_ml.page_tagger import PageTagger, TaggerSpec
from boilerplate_ml.quantization import SCALE_SUFFIX, dequantize, quantize_rows
from sample_data import generated_pages


def test_each_row_is_restored_within_half_a_step_of_its_own_scale() -> None:
    rng = np.random.default_rng(0)
    table = rng.normal(size=(50, 8)).astype(np.float32) * rng.uniform(1e-4, 10, size=(50, 1)).astype(np.float32)
    stored = quantize_rows("w", table)
    assert stored["w"].dtype == np.int8 and stored["w" + SCALE_SUFFIX].dtype == np.float16
    restored = dequantize(stored)
    assert set(restored) == {"w"} and restored["w"].dtype == np.float32
    step = np.abs(table).max(axis=1, keepdims=True) / 127
    # half a step of rounding, plus the float16 rounding of the scale itself (relative 2^-11, on up to 127 steps)
    assert np.all(np.abs(restored["w"] - table) <= step * (0.5 + 127 * 2**-10))
    assert np.all(np.abs(restored["w"][table == 0]) == 0)


def test_an_all_zero_row_stays_zero_and_tables_without_scales_pass_through() -> None:
    table = np.zeros((3, 4), dtype=np.float32)
    table[1] = [0.5, -1.0, 0.25, 0.0]
    restored = dequantize({**quantize_rows("w", table), "bias": np.full(4, -30.0, dtype=np.float64),
                           "old": np.ones((2, 2), dtype=np.float16)})
    assert np.all(restored["w"][[0, 2]] == 0) and np.allclose(restored["w"][1], table[1], atol=1e-2)
    assert restored["bias"].dtype == np.float32 and np.all(restored["bias"] == -30)
    assert restored["old"].dtype == np.float32 and np.all(restored["old"] == 1), "a float16 file from before int8 loads as it was"


def test_the_saved_tagger_and_ngram_model_keep_their_big_tables_in_int8(tmp_path) -> None:
    tagger_spec = TaggerSpec(hash_bits=10, shape_bits=8, dimensions=8, hidden=8, layers=1)
    PageTagger.fit(generated_pages(2, seed=2), tagger_spec, epochs=1, members=2).save(tmp_path)
    NgramLineModel.fit(generated_pages(4, seed=2), NgramSpec(hash_bits=10)).save(tmp_path)
    tagger = load_file(str(tmp_path / "tagger.safetensors"))
    embeddings = [name for name in tagger if name.endswith("embeddings.weight")]
    assert len(embeddings) == 2 and all(tagger[name].dtype == np.int8 for name in embeddings)
    assert all(tagger[name].dtype == np.float16 for name in tagger if name not in embeddings and not name.endswith(SCALE_SUFFIX))
    assert load_file(str(tmp_path / "ngrams.safetensors"))["weights"].dtype == np.int8
