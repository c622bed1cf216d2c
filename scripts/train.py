"""Train a line classifier: ``python scripts/train.py --config configs/<name>.yaml``."""

from __future__ import annotations

import argparse
import logging
import sys

from boilerplate_ml.config import ConfigError, load_config
from boilerplate_ml.jsonl import InputError
from boilerplate_ml.training import train


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True, help="YAML training config")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = load_config(args.config)
        export_dir = train(config)
    # A bad config, a bad record in a data file, a base that cannot be loaded (a hub id with no hub reachable).
    except (ConfigError, InputError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"model saved to {export_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
