"""A model folder's manifest (pipeline.json): which stages run, in which order, and how each one's probabilities combine.

The line classifier comes first. Each later stage either gives probabilities of its own that are
averaged with what came before (``mean``: the n-gram model, the page tagger) or reads what came
before and replaces it (``refine``: the refiner). The Predictor runs what the manifest lists and
nothing else, so a stray file in the folder changes nothing and a missing one is an error.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

PIPELINE_FILE = "pipeline.json"
LINE_CLASSIFIER = "line_classifier"
#: Each stage after the line classifier and the one way it combines with what came before.
COMBINES = {"ngrams": "mean", "refiner": "refine", "tagger": "mean"}
#: The order the training command builds and ships them in: the refiner learnt from the first
#: pass (line classifier and n-grams), and the tagger joins after it (README, "Results").
SHIPPED_ORDER = (LINE_CLASSIFIER, "ngrams", "refiner", "tagger")
#: The files that hold each later stage, for the error about a folder from before manifests.
STAGE_FILES = {"ngrams": "ngrams.json", "refiner": "refiner.json", "tagger": "tagger.json"}


def pipeline_record(stages: Sequence[str]) -> dict:
    """The manifest of ``stages`` (the line classifier first), as written to pipeline.json."""
    return {"stages": [{"stage": LINE_CLASSIFIER}] + [{"stage": name, "combine": COMBINES[name]} for name in stages[1:]]}


def write_pipeline(model_dir: str | Path, stages: Sequence[str]) -> None:
    check_stages(stages, Path(model_dir) / PIPELINE_FILE)
    path = Path(model_dir) / PIPELINE_FILE
    path.write_text(json.dumps(pipeline_record(stages), indent=2) + "\n", encoding="utf-8")


def add_stage(model_dir: str | Path, name: str) -> None:
    """List ``name`` in the folder's manifest (once), in its place in SHIPPED_ORDER: each trained stage's last step (``stage_training``)."""
    stages = read_pipeline(model_dir) if (Path(model_dir) / PIPELINE_FILE).is_file() else [LINE_CLASSIFIER]
    wanted = set(stages) | {name}
    write_pipeline(model_dir, [stage for stage in SHIPPED_ORDER if stage in wanted])


def read_pipeline(model_dir: str | Path) -> list[str]:
    """The stages of a model folder in order, as its pipeline.json lists them.

    A folder without the file is run as the line classifier alone when it holds no other stage
    (a Trainer checkpoint, a run folder before its later stages); one that holds other stages
    but does not say how to combine them is refused rather than guessed at.
    """
    path = Path(model_dir) / PIPELINE_FILE
    if not path.is_file():
        present = [name for name, file in STAGE_FILES.items() if (Path(model_dir) / file).is_file()]
        if present:
            example = json.dumps(pipeline_record([s for s in SHIPPED_ORDER if s == LINE_CLASSIFIER or s in present]))
            raise ValueError(f"{model_dir} holds {', '.join(present)} but no {PIPELINE_FILE} saying how its stages combine "
                             f"(made before model folders carried one); to run them in the order they were trained for, write: {example}")
        return [LINE_CLASSIFIER]
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        stages = [entry["stage"] for entry in record["stages"]]
        combines = [entry.get("combine") for entry in record["stages"]]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ValueError(f"{path}: not a pipeline manifest ({error})") from None
    check_stages(stages, path)
    for name, combine in zip(stages[1:], combines[1:]):
        if combine != COMBINES[name]:
            raise ValueError(f"{path}: stage {name!r} combines by {COMBINES[name]!r}, not {combine!r}")
    return stages


def check_stages(stages: Sequence[str], where: Path) -> None:
    if not stages or stages[0] != LINE_CLASSIFIER:
        raise ValueError(f"{where}: the first stage must be {LINE_CLASSIFIER!r}, got {list(stages)}")
    for name in stages[1:]:
        if name not in COMBINES:
            raise ValueError(f"{where}: unknown stage {name!r}; known: {', '.join(COMBINES)}")
    if len(set(stages)) != len(stages):
        raise ValueError(f"{where}: a stage is listed twice: {list(stages)}")
