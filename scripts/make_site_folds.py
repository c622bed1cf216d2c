"""Split labelled pages into k folds by site, for out-of-fold predictions and cross-validation.

Each site lands in exactly one fold (a hash of its name, or the committed cross-validation
folds with ``--assignment``), so a model trained on the other folds has never seen any page of
the held-out one. Writes ``fold<k>_train.jsonl`` and ``fold<k>_heldout.jsonl`` per fold into OUT_DIR.

    python scripts/make_site_folds.py data/folds ../shared/data/pages/train.jsonl \\
        data/annotated_html.jsonl data/html_train.jsonl
    python scripts/make_site_folds.py data/cv ../shared/data/pages/train.jsonl \\
        data/annotated_html.jsonl --assignment annotations/folds.json
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

from boilerplate_ml.jsonl import InputError
from boilerplate_ml.pages import read_pages, site_of, write_pages
from boilerplate_ml.site_folds import SiteFolds


def fold_of(site: str, folds: int) -> int:
    return hashlib.sha256(site.encode()).digest()[0] % folds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("pages", nargs="+", help="labelled page files (real pages, not synthetic)")
    parser.add_argument("--folds", type=int, default=2, help="how many folds (at least 2); hashed sites")
    parser.add_argument("--assignment", type=Path, help="a committed folds file (scripts/assign_site_folds.py) instead of hashing")
    args = parser.parse_args(argv)
    if args.folds < 2:
        parser.error(f"--folds must be at least 2, got {args.folds}")
    try:
        pages = [page for path in args.pages for page in read_pages(path)]
        if args.assignment:
            assignment = SiteFolds.load(args.assignment)
            args.folds = assignment.folds
            folds = [assignment.fold_of(page.id, page.source) for page in pages]
        else:
            folds = [fold_of(site_of(page), args.folds) for page in pages]
    except (InputError, OSError, ValueError) as error:
        parser.exit(2, f"error: {error}\n")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for k in range(args.folds):
        held_out = [page for page, fold in zip(pages, folds) if fold == k]
        write_pages([page for page, fold in zip(pages, folds) if fold != k], args.out_dir / f"fold{k}_train.jsonl")
        write_pages(held_out, args.out_dir / f"fold{k}_heldout.jsonl")
        print(f"fold {k}: {len(pages) - len(held_out)} training pages, {len(held_out)} held out")


if __name__ == "__main__":
    main()
