"""Write the committed cross-validation folds: every labelled (or to-be-labelled) real page → a fold, by registered domain.

    python tools/assign_site_folds.py annotations/folds.json \\
        --pages ../shared/data/pages/train.jsonl \\
        --labels annotations/html annotations/html-nju --index ../shared/data/html/index.jsonl \\
        --all-of ../shared/data/html/more/index.jsonl

``--pages``: labelled page files (the page's ``source`` is its host). ``--labels``: folders of
``<id>.labels`` files, whose hosts ``--index`` gives. ``--all-of``: index files whose every page is
placed (pages still being labelled keep the fold they get now). Each index record has ``id``,
``site`` and ``repo``. The strata balanced across folds are the page files, the annotated pages,
and each source repository of the ``--all-of`` pages. ``tools/cross_validate.py`` scores by the
result.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from boilerplate_ml.jsonl import InputError, json_records
from boilerplate_ml.pages import read_pages
from boilerplate_ml.site_folds import FoldPage, SiteFolds


def index_records(paths: list[str]) -> dict[str, dict]:
    """Page id → index record; a record without an id fails naming its file and line."""
    records = {}
    for path in paths:
        for line_number, record in json_records(path):
            if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                raise InputError(f"{path}:{line_number}", "an index record needs a string 'id'")
            records[record["id"]] = record
    return records


def fold_pages(args: argparse.Namespace) -> list[FoldPage]:
    pages = [FoldPage(page.id, page.source, Path(path).name) for path in args.pages for page in read_pages(path)]
    index = index_records(args.index)
    for folder in args.labels:
        for label_file in sorted(Path(folder).glob("*.labels")):
            record = index.get(label_file.stem)
            if record is None:
                raise InputError(str(label_file), f"page {label_file.stem} is not in --index {args.index}")
            pages.append(FoldPage(label_file.stem, record.get("site"), "annotated", record.get("repo", "")))
    for path in args.all_of:
        for page_id, record in index_records([path]).items():
            pages.append(FoldPage(page_id, record.get("site"), f"{Path(path).parent.name}:{record.get('repo', '')}", record.get("repo", "")))
    return pages


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path, help="the folds file to write (JSON)")
    parser.add_argument("--pages", nargs="*", default=[], help="labelled page files (LABELS.md JSON Lines)")
    parser.add_argument("--labels", nargs="*", default=[], help="folders of <id>.labels files")
    parser.add_argument("--index", nargs="*", default=[], help="index files giving the --labels pages' sites")
    parser.add_argument("--all-of", nargs="*", default=[], help="index files whose every page is placed")
    parser.add_argument("--folds", type=int, default=5, help="how many folds (at least 2)")
    args = parser.parse_args(argv)
    if args.folds < 2:
        parser.error(f"--folds must be at least 2, got {args.folds}")
    if args.labels and not args.index:
        parser.error("--labels needs --index to find each page's site")
    try:
        pages = fold_pages(args)
        folds = SiteFolds.build(pages, args.folds)
    except (InputError, OSError, ValueError) as error:
        parser.exit(2, f"error: {error}\n")
    folds.save(args.output, pages)
    for row in folds.summary(pages):
        print(f"fold {row['fold']}: {row['domains']} domains, pages {row['pages']}")


if __name__ == "__main__":
    main()
