"""Clean a folder of WET files with datatrove on this machine: WARC/WET reader → boilerplate-ml → JSON Lines.

    pip install "boilerplate-ml[datatrove]"
    python examples/datatrove_pipeline.py crawl/ cleaned/ --tasks 4 --workers 2

Each task reads its share of the files and loads the model once. Stats (documents kept and
dropped, lines kept and dropped per label) are written under ``--logs``. On a cluster, the same
pipeline runs under datatrove's SlurmPipelineExecutor (see the README).
"""

from __future__ import annotations

import argparse

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import WarcReader
from datatrove.pipeline.writers import JsonlWriter

from boilerplate_ml.datatrove_step import BoilerplateCleaner


def pipeline(input_folder: str, output_folder: str, glob_pattern: str = "*.wet.gz", **cleaner_options) -> list:
    """The steps: read WET conversion records, keep their article lines, write JSON Lines (gzipped).

    ``cleaner_options`` go to :class:`BoilerplateCleaner` (model, threads, quantize, threshold …).
    """
    return [
        WarcReader(input_folder, glob_pattern=glob_pattern, compression="infer"),
        BoilerplateCleaner(**{"threads": 1, **cleaner_options}),
        JsonlWriter(output_folder),
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input_folder")
    parser.add_argument("output_folder")
    parser.add_argument("--glob", default="*.wet.gz", help="which files of input_folder to read")
    parser.add_argument("--tasks", type=int, default=1, help="shares the files are split into")
    parser.add_argument("--workers", type=int, default=1, help="tasks run at once (each loads the model)")
    parser.add_argument("--logs", default="logs/boilerplate-ml", help="datatrove's logs and stats folder")
    parser.add_argument("--quantize", action="store_true", help="int8 linear layers: faster on CPU, nearly the same output")
    args = parser.parse_args(argv)
    LocalPipelineExecutor(pipeline(args.input_folder, args.output_folder, args.glob, quantize=args.quantize),
                          tasks=args.tasks, workers=args.workers, logging_dir=args.logs).run()


if __name__ == "__main__":
    main()
