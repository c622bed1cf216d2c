"""Pretrain our own small Chinese BERT: ``python scripts/pretrain.py --config configs/pretrain-<name>.yaml``."""

from __future__ import annotations

import argparse
import logging
import sys

from boilerplate_ml.config import ConfigError
from boilerplate_ml.jsonl import InputError
from boilerplate_ml.pretraining import load_pretrain_config, pretrain


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True, help="YAML pretraining config")
    parser.add_argument("--resume", action="store_true", help="continue from the last checkpoint in output_dir")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = load_pretrain_config(args.config)
        export_dir = pretrain(config, resume=args.resume)
    # A bad config, a bad record in the corpus, an init_from checkpoint that cannot be loaded.
    except (ConfigError, InputError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"base model saved to {export_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
