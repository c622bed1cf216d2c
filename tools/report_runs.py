"""Print a Markdown table of the test scores that training runs wrote to their metrics.json.

    python tools/report_runs.py runs/human-random/model runs/human-pretrained/model …
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model_dirs", nargs="+", help="exported model folders holding metrics.json")
    args = parser.parse_args(argv)
    for model_dir in args.model_dirs:  # all checked before the table starts
        for needed in ("metrics.json", "training_config.json"):
            if not (Path(model_dir) / needed).is_file():
                parser.error(f"{model_dir}: no {needed}; give folders exported by scripts/train.py")
    print("| run | training sources (weight) | steps | validation line F1 | test line P | test line R | test line F1 | test char F1 |")
    print("|---|---|---|---|---|---|---|---|")
    for model_dir in args.model_dirs:
        metrics = json.loads((Path(model_dir) / "metrics.json").read_text(encoding="utf-8"))
        config = json.loads((Path(model_dir) / "training_config.json").read_text(encoding="utf-8"))
        sources = ", ".join(f"{Path(s['path']).name} ({s['weight']:g})" for s in config["data"]["train"])
        steps = max(h.get("step", 0) for h in metrics["log_history"])
        test = metrics.get("test")  # a run without data.test has no test figures
        scores = [test[key] for key in ("line_precision", "line_recall", "line_f1", "char_f1")] if test else []
        cells = " | ".join(f"{value:.3f}" for value in scores) or "- | - | - | -"
        print(f"| {config['name']} | {sources} | {steps} | {metrics['validation']['line_f1']:.3f} | {cells} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
