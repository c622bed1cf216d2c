"""A smaller base from a pretrained encoder: its first k layers and only the vocabulary our text uses.

multilingual-e5-small knows Chinese, but 96 M of its 118 M parameters are embedding rows of a
250k-piece vocabulary that is mostly other scripts, and its 12 layers are too slow for billions
of lines. Cutting both leaves an ordinary transformers folder that ``model.base`` points at.

On text whose pieces were all kept, the cut model computes exactly what the first k layers of the
original compute: a Unigram tokenizer picks the best-scoring segmentation, and removing pieces
that this segmentation does not use cannot change it. Kept pieces keep their original order, so
the special tokens at the start of the vocabulary keep their ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from itertools import islice
from pathlib import Path

import numpy as np
import torch
from transformers import AutoModel, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase

from boilerplate_ml.modeling import staged_export

#: Texts tokenized per call while counting: large enough for the Rust batch encoder to pay off.
COUNT_BATCH = 512


def token_counts(texts: Iterable[str], tokenizer: PreTrainedTokenizerBase) -> np.ndarray:
    """How often each id of ``tokenizer`` occurs in ``texts`` (no special tokens added)."""
    backend = tokenizer.backend_tokenizer
    counts = np.zeros(backend.get_vocab_size(with_added_tokens=True), dtype=np.int64)
    texts = iter(texts)
    while batch := list(islice(texts, COUNT_BATCH)):
        for encoding in backend.encode_batch(batch, add_special_tokens=False):
            np.add.at(counts, encoding.ids, 1)
    return counts


def choose_vocabulary(counts: np.ndarray, coverage: float, always: Iterable[int]) -> list[int]:
    """The most frequent ids that together make up ``coverage`` of all tokens, plus ``always``; ascending."""
    if not 0.0 < coverage <= 1.0:
        raise ValueError(f"coverage must lie in (0, 1], got {coverage}")
    total = counts.sum()
    if total == 0:
        raise ValueError("the corpus gave no tokens: nothing to choose a vocabulary from")
    by_frequency = np.argsort(-counts, kind="stable")
    covered = np.cumsum(counts[by_frequency]) / total
    needed = int(np.searchsorted(covered, coverage - 1e-12)) + 1
    return sorted({int(i) for i in by_frequency[:needed] if counts[i] > 0} | set(always))


def required_ids(tokenizer: PreTrainedTokenizerBase) -> set[int]:
    """Ids a base must keep whatever the corpus says: every special token the windows code and
    the Trainer use ([CLS]/[SEP] of this vocabulary, padding, unknown, mask)."""
    return set(tokenizer.all_special_ids)


def _remap_post_processor(processor: dict | None, new_id: dict[int, int]) -> None:
    """Point the special tokens that the post-processor inserts at their new ids (in place)."""
    if processor is None:
        return
    for inner in processor.get("processors", []):  # a Sequence of processors
        _remap_post_processor(inner, new_id)
    for special in processor.get("special_tokens", {}).values():  # TemplateProcessing
        special["ids"] = [new_id[i] for i in special["ids"]]
    for key in ("cls", "sep"):  # BertProcessing, RobertaProcessing: [token, id]
        if key in processor:
            processor[key][1] = new_id[processor[key][1]]


def cut_tokenizer_json(data: dict, kept: Sequence[int]) -> dict:
    """A serialised Unigram tokenizer (tokenizer.json) reduced to the ``kept`` ids, renumbered 0..n-1.

    Text that needs a dropped piece is segmented with the kept ones, or becomes the unknown token.
    """
    model = data["model"]
    if model.get("type") != "Unigram":
        raise ValueError(f"only Unigram (SentencePiece) tokenizers can be cut, this one is {model.get('type')!r}")
    new_id = {old: new for new, old in enumerate(kept)}
    if model["unk_id"] not in new_id:
        raise ValueError("the unknown token must be kept")
    cut = json.loads(json.dumps(data))
    cut["model"]["vocab"] = [model["vocab"][old] for old in kept]
    cut["model"]["unk_id"] = new_id[model["unk_id"]]
    missing = [token["content"] for token in data["added_tokens"] if token["special"] and token["id"] not in new_id]
    if missing:
        raise ValueError(f"special tokens {missing} must be kept")
    cut["added_tokens"] = [{**token, "id": new_id[token["id"]]} for token in data["added_tokens"] if token["id"] in new_id]
    _remap_post_processor(cut.get("post_processor"), new_id)
    return cut


def cut_model(model: PreTrainedModel, kept: Sequence[int], layers: int) -> PreTrainedModel:
    """``model`` (a BERT-family encoder) keeping its first ``layers`` layers and the embedding rows ``kept``, in that order; no pooler."""
    encoder_layers = model.encoder.layer
    if not 1 <= layers <= len(encoder_layers):
        raise ValueError(f"layers must lie in [1, {len(encoder_layers)}], got {layers}")
    model.encoder.layer = encoder_layers[:layers]
    model.config.num_hidden_layers = layers
    # Token classification never uses the pooler, and e5 does not even carry its weights (they load random).
    if getattr(model, "pooler", None) is not None:
        model.pooler = None
    new_id = {old: new for new, old in enumerate(kept)}
    model.config.vocab_size = len(kept)
    for key in ("pad_token_id", "bos_token_id", "eos_token_id", "sep_token_id", "cls_token_id"):
        old = getattr(model.config, key, None)
        if isinstance(old, int):
            setattr(model.config, key, new_id.get(old))
    rows = model.get_input_embeddings().weight.detach()[torch.tensor(kept)]
    embeddings = torch.nn.Embedding(len(kept), rows.shape[1], padding_idx=model.config.pad_token_id)
    embeddings.weight.data.copy_(rows)
    model.set_input_embeddings(embeddings)
    return model


def derive_base(source: str | Path, output: str | Path, layers: int, kept: Sequence[int]) -> Path:
    """Write ``source`` cut to its first ``layers`` layers and the ascending token ids ``kept`` to ``output``.

    The folder replaces ``output`` only once it is complete and its tokenizer loads back.
    """
    tokenizer = AutoTokenizer.from_pretrained(str(source))
    model = cut_model(AutoModel.from_pretrained(str(source), dtype=torch.float32), kept, layers)
    output = Path(output)
    with staged_export(output) as staging:
        tokenizer.save_pretrained(staging)
        tokenizer_file = staging / "tokenizer.json"
        data = json.loads(tokenizer_file.read_text(encoding="utf-8"))
        tokenizer_file.write_text(json.dumps(cut_tokenizer_json(data, kept), ensure_ascii=False), encoding="utf-8")
        model.save_pretrained(staging)
        reloaded = AutoTokenizer.from_pretrained(str(staging))
        if len(reloaded) != len(kept):
            raise RuntimeError(f"the cut tokenizer reloads with {len(reloaded)} ids, not {len(kept)}")
    return output
