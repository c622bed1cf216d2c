"""Build the whole model from one config: ``python scripts/train.py --config configs/bpml-zh-small.yaml``.

The line classifier first, then the stages the config's ``stages`` names (n-gram model, refiner
with its site-fold first passes, page tagger), all in ``output_dir``; the export folder is
replaced only when every stage is done. ``--resume`` continues an interrupted build of the same
config, skipping the stages it finished.
"""

from __future__ import annotations

import argparse
import logging
import sys

from boilerplate_ml.config import ConfigError, load_config
from boilerplate_ml.jsonl import InputError
from boilerplate_ml.recipe import build_model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True, help="YAML training config")
    parser.add_argument("--resume", action="store_true", help="continue the interrupted build in output_dir, skipping finished stages")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = load_config(args.config)
        export_dir = build_model(config, resume=args.resume)
    # A bad config, a bad record in a data file, a base that cannot be loaded (a hub id with no hub reachable).
    except (ConfigError, InputError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"model saved to {export_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
