"""The ``boilerplate-ml`` command: clean pages, evaluate a model, draw a report of its decisions, build training data."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

import click

from boilerplate_ml.datagen.gold_align import MIN_GOLD_COVERAGE
from boilerplate_ml.documents import STDIN, Document, expand_inputs, read_documents, require_readers
from boilerplate_ml.jsonl import AtomicJsonlWriter, InputError, streams, write_text_atomically
from boilerplate_ml.labels import CONTENT, DEFAULT_THRESHOLD, LABELS
from boilerplate_ml.parallel import WorkerModelError, WorkerPool, default_threads, predict_in_order
from boilerplate_ml.progress import LOG_INTERVAL_SECONDS, RunProgress
from boilerplate_ml.resume import ResumableJsonlWriter, ResumeError, RunTally, run_fingerprint
from boilerplate_ml.text_encoding import check_encoding

if TYPE_CHECKING:
    from boilerplate_ml.predictor import LinePrediction, Predictor

#: Pages predicted together: enough to fill many batches of windows, little enough to stream.
PAGES_PER_CHUNK = 64


#: One definition for clean and evaluate, so that evaluate can score the rule clean applies.
THRESHOLD_OPTION = click.option(
    "--threshold", default=DEFAULT_THRESHOLD, show_default=True, type=click.FloatRange(0, 1),
    help="Keep a line when P(kept labels) reaches this.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="boilerplate-ml")
def main() -> None:
    """Keep the article lines of Chinese web pages; drop menus, footers, ads, spam and noise."""


def _load_predictor(
    model: str | None, device: str | None, keep: tuple[str, ...], threshold: float, batch_size: int,
    threads: int | None = None, quantize: bool = False, workers: int = 1,
) -> Predictor | WorkerPool:
    """The model in this process, or ``workers`` processes that each load it (their errors come with the first chunk)."""
    from boilerplate_ml.predictor import Predictor

    options = dict(device=device, keep_labels=keep or (CONTENT,), threshold=threshold, batch_size=batch_size,
                   threads=threads, quantize=quantize)
    if workers > 1:
        return WorkerPool(workers, model, options)
    try:
        return Predictor.from_pretrained(model, **options)
    except (OSError, ValueError) as error:
        raise click.ClickException(str(error)) from None


def _encoding(value: str) -> str:
    try:
        return check_encoding(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


def check_output_path(output: str, inputs: Iterable[str] = ()) -> None:
    """Refuse, before any work, an output that cannot be written or would overwrite an input."""
    if output == "-":
        return
    if not os.path.isdir(os.path.dirname(os.path.abspath(output))):
        raise click.ClickException(f"{output}: its folder does not exist")
    if os.path.isdir(output):
        raise click.ClickException(f"{output} is a folder; name the JSON Lines file to write")
    if os.path.exists(output) and any(os.path.exists(path) and os.path.samefile(path, output) for path in inputs):
        raise click.ClickException(f"{output} is also an input; writing it would replace what is being read")


def _documents(files: list[str], text_field: str, stdin_format: str, encoding: str) -> Iterator[Document | InputError]:
    for file in files:
        yield from read_documents(file, text_field, stdin_format, encoding)


@dataclass
class Chunk:
    """Input records read together: the good documents, the bad ones skipped, the bad one that ends a ``fail`` run."""

    good: list[Document]
    skipped: list[InputError]
    failure: InputError | None
    size: int


def _checked_chunks(documents: Iterator[Document | InputError], on_error: str) -> Iterator[tuple[Chunk, list[str]]]:
    """Chunks of records and the texts of their good documents, for prediction in order.

    Under ``fail`` the chunk that holds a bad record is the last: its records before it still go out.
    Skips are counted when their chunk is written, not when it is read, so that a checkpoint of a
    resumable run never counts records that workers were still holding.
    """
    while records := list(islice(documents, PAGES_PER_CHUNK)):
        chunk = Chunk([], [], None, len(records))
        for item in records:
            if not isinstance(item, InputError):
                chunk.good.append(item)
            elif on_error == "skip":
                chunk.skipped.append(item)
            else:
                chunk.failure = item
                break
        yield chunk, [doc.text for doc in chunk.good]
        if chunk.failure:
            return


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", required=True, help="JSON Lines file to write, or - for stdout.")
@click.option("--text-field", default="text", show_default=True, help="Field of JSON Lines records (column of parquet files) that holds the page.")
@click.option("--output-field", default="clean_text", show_default=True, help="Field that receives the kept lines.")
@click.option("--with-labels", is_flag=True, help="Also write per-line labels and scores (field 'lines').")
@click.option("--model", default=None, help="Model folder (default: the shipped model).")
@click.option("--device", default=None, help="cpu, cuda, cuda:1 … (default: CUDA if present).")
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(1), help="Windows per forward pass.")
@click.option("--keep", multiple=True, type=click.Choice(LABELS), help="Labels to keep (repeatable; default: content).")
@THRESHOLD_OPTION
@click.option("--on-error", type=click.Choice(["fail", "skip"]), default="fail", show_default=True,
              help="fail: stop at the first bad record and write nothing; skip: go on and report what was skipped.")
@click.option("--stdin-format", type=click.Choice(["jsonl", "txt", "warc"]), default="jsonl", show_default=True,
              help="What - on input holds: JSON Lines, one page of text, or WARC/WET.")
@click.option("--input-encoding", default="auto", show_default=True, callback=lambda ctx, param, value: _encoding(value),
              help="Encoding of text files and WARC payloads: auto (UTF-8 if valid, else detected: GB18030, Big5 …) or a codec.")
@click.option("--threads", default=None, type=click.IntRange(1), help="Torch threads per process (default: the cores torch sees, shared among workers).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1), help="Processes, each loading the model once.")
@click.option("--quantize", is_flag=True, help="Run the line classifier's linear layers in int8 (CPU; faster, nearly the same output).")
@click.option("--max-skip-fraction", default=1.0, show_default=True, type=click.FloatRange(0, 1),
              help="With --on-error skip, exit 1 when more than this share of the records was skipped (always when all were).")
@click.option("--resume", is_flag=True,
              help="Checkpoint the output as it grows, and continue an interrupted run of the same command.")
@click.option("--log-interval", default=LOG_INTERVAL_SECONDS, show_default=True, type=click.FloatRange(0),
              help="Seconds between progress lines when stderr is not a terminal.")
def clean(inputs, output, text_field, output_field, with_labels, model, device, batch_size, keep, threshold, on_error,
          stdin_format, input_encoding, threads, workers, quantize, max_skip_fraction, resume, log_interval) -> None:
    """Clean pages from INPUTS (.txt, WARC/WET and JSON Lines files, each also .gz or .zst; .parquet; folders; - for stdin)."""
    try:
        files = expand_inputs(list(inputs), output)
        require_readers(files)
    except (InputError, ImportError) as error:
        raise click.ClickException(str(error)) from None
    check_output_path(output, [file for file in files if file != STDIN])
    # What the output depends on (--quantize: int8 layers decide a few lines otherwise); not the speed options.
    options = dict(text_field=text_field, output_field=output_field, with_labels=with_labels, model=model,
                   keep=sorted(keep), threshold=threshold, on_error=on_error, input_encoding=input_encoding, quantize=quantize)
    fingerprint = _resume_fingerprint(files, output, options) if resume else None
    if threads is None and workers > 1:
        threads = default_threads(workers)
    predictor = _load_predictor(model, device, keep, threshold, batch_size, threads, quantize, workers)
    writer, tally = _open_output(output, fingerprint)
    documents = islice(_documents(files, text_field, stdin_format, input_encoding), tally.records, None)
    progress = RunProgress(files, done=tally.records, log_interval=log_interval)
    try:
        with stop_cleanly_on_sigterm(), writer:
            for chunk, predictions in predict_in_order(predictor, _checked_chunks(documents, on_error)):
                for doc, lines in zip(chunk.good, predictions):
                    writer.write(_output_record(doc, lines, output_field, with_labels))
                for error in chunk.skipped:
                    tally.skip(error)
                tally.written += len(chunk.good)
                progress.update(chunk.size, sum(map(len, predictions)))
                if chunk.failure:
                    raise chunk.failure
                tally.records += chunk.size
                if resume:
                    writer.checkpoint()
    except InputError as error:
        done = "the records before it have gone out" if streams(output) else "nothing written"
        raise click.ClickException(f"{error} ({done}; use --on-error skip to go on past bad records)") from None
    except WorkerModelError as error:
        raise click.ClickException(str(error)) from None
    except (KeyboardInterrupt, SystemExit):
        if resume:
            click.echo(f"stopped after {tally.records} records; run the same command with --resume to go on", err=True)
        raise
    finally:
        progress.close()
        if isinstance(predictor, WorkerPool):
            predictor.close()
    _report_skips(tally, output, max_skip_fraction)


def _resume_fingerprint(files: list[str], output: str, options: dict) -> dict:
    if output == "-" or streams(output):
        raise click.ClickException("--resume needs an output file (not stdout, a device or a pipe) to continue")
    if STDIN in files:
        raise click.ClickException("--resume cannot read stdin again; give the input as files")
    return run_fingerprint(files, options)


def _open_output(output: str, fingerprint: dict | None) -> tuple[AtomicJsonlWriter | ResumableJsonlWriter, RunTally]:
    """The writer for the run and its tally, carried over from the interrupted run when resuming one."""
    if fingerprint is None:
        return AtomicJsonlWriter(output), RunTally()
    try:
        writer = ResumableJsonlWriter(output, fingerprint)
    except ResumeError as error:
        raise click.ClickException(str(error)) from None
    if writer.resumed:
        click.echo(f"resuming {output}: {writer.tally.records} records done before "
                   f"({writer.tally.written} pages written, {writer.tally.skipped} skipped)", err=True)
    return writer, writer.tally


def _report_skips(tally: RunTally, output: str, max_skip_fraction: float) -> None:
    """The run's counts; an exit status of 1 when the skips say that the run did not do its job."""
    click.echo(f"cleaned {tally.written} pages into {output}", err=True)
    if tally.skipped:
        click.echo(f"skipped {tally.skipped} bad records:", err=True)
        for message in tally.skip_examples:
            click.echo(f"  {message}", err=True)
        if tally.skipped > len(tally.skip_examples):
            click.echo(f"  … and {tally.skipped - len(tally.skip_examples)} more", err=True)
    if tally.skipped_too_many(max_skip_fraction):
        share = tally.skipped / (tally.skipped + tally.written)
        raise click.ClickException(
            f"skipped {tally.skipped} of {tally.skipped + tally.written} records ({share:.1%}), "
            + ("so nothing was cleaned" if not tally.written else f"more than --max-skip-fraction {max_skip_fraction}")
        )


@contextmanager
def stop_cleanly_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM (``kill``, ``timeout``, a batch scheduler) into an exit that unwinds like Ctrl-C does.

    By default SIGTERM ends the process on the spot and leaves the temporary output behind.
    """
    if threading.current_thread() is not threading.main_thread():  # signal handlers belong to the main thread
        yield
        return

    def exit_on_sigterm(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, exit_on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _output_record(doc: Document, lines: list[LinePrediction], output_field: str, with_labels: bool) -> dict:
    from boilerplate_ml.predictor import join_kept

    record = dict(doc.record)
    record[output_field] = join_kept(lines)
    if with_labels:
        record["lines"] = [
            {"text": p.text, "label": p.label, "score": None if p.score is None else round(p.score, 4), "keep": p.keep}
            for p in lines
        ]
    return record


@main.command()
@click.argument("pages_file")
@click.option("--model", default=None, help="Model folder (default: the shipped model).")
@click.option("--device", default=None, help="cpu, cuda … (default: CUDA if present).")
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(1))
@THRESHOLD_OPTION
@click.option("--worst", default=0, show_default=True, type=click.IntRange(0),
              help="Also list the N pages with the most lines kept or dropped wrongly.")
def evaluate(pages_file, model, device, batch_size, threshold, worst) -> None:
    """Score a model on labelled PAGES_FILE (LABELS.md JSON Lines) beside two baselines."""
    from boilerplate_ml.evaluation import (
        BASELINES,
        LabelledLines,
        baseline_labels,
        content_scores,
        label_report,
        page_errors,
        worst_pages_table,
    )
    from boilerplate_ml.pages import read_pages

    try:
        pages = list(read_pages(pages_file))
    except (InputError, OSError) as error:
        raise click.ClickException(str(error)) from None
    if not any(label is not None for page in pages for label in page.labels):
        raise click.ClickException(f"{pages_file}: no labelled (non-blank) line to score")
    predictor = _load_predictor(model, device, (CONTENT,), threshold, batch_size)
    predictions = predictor.predict_batch([page.text for page in pages], progress=sys.stderr.isatty())
    model_lines = LabelledLines.from_predictions(pages, predictions)
    systems = {"model": model_lines}
    systems.update({name: LabelledLines.from_pages(pages, baseline_labels(pages, rule)) for name, rule in BASELINES.items()})
    click.echo(f"{pages_file}: {len(pages)} pages, {len(model_lines.gold)} non-blank lines; "
               f"the model keeps a line when P(content) >= {threshold}\n")
    click.echo("content kept vs dropped      line P  line R  line F1 | char P  char R  char F1")
    for name, lines in systems.items():
        s = content_scores(lines)
        click.echo(
            f"{name:<26} {s['line_precision']:7.3f} {s['line_recall']:7.3f} {s['line_f1']:8.3f} |"
            f"{s['char_precision']:7.3f} {s['char_recall']:7.3f} {s['char_f1']:8.3f}"
        )
    click.echo("\nper-label report (model)\n" + label_report(model_lines))
    if worst:
        click.echo(f"\npages with the most wrong keep decisions (model; at most {worst})\n"
                   + worst_pages_table(page_errors(pages, predictions), worst))


@main.command()
@click.argument("pages_file")
@click.option("-o", "--output", required=True, help="HTML file to write (self-contained: opens with no network).")
@click.option("--max-pages", default=100, show_default=True, type=click.IntRange(1), help="Show the first N pages of PAGES_FILE.")
@click.option("--text-field", default="text", show_default=True, help="Field of plain records that holds the page.")
@click.option("--model", default=None, help="Model folder (default: the shipped model).")
@click.option("--device", default=None, help="cpu, cuda … (default: CUDA if present).")
@click.option("--batch-size", default=32, show_default=True, type=click.IntRange(1))
@click.option("--keep", multiple=True, type=click.Choice(LABELS), help="Labels to keep (repeatable; default: content).")
@THRESHOLD_OPTION
def report(pages_file, output, max_pages, text_field, model, device, batch_size, keep, threshold) -> None:
    """Draw what the model does to the pages of PAGES_FILE (labelled pages or records with a text field) as HTML."""
    try:
        from boilerplate_ml.report import ReportPage, read_report_pages, render_report
    except ImportError as error:  # its plots need the [report] extra: said before the model is loaded
        raise click.ClickException(str(error)) from None

    check_output_path(output, inputs=[pages_file])
    try:
        pages = list(read_report_pages(pages_file, text_field, max_pages))
    except (InputError, OSError) as error:
        raise click.ClickException(str(error)) from None
    if not pages:
        raise click.ClickException(f"{pages_file}: no page to show")
    predictor = _load_predictor(model, device, keep, threshold, batch_size)
    predictions = predictor.predict_batch([page.text for page, _ in pages], progress=sys.stderr.isatty())
    settings = (f"Model {model or 'shipped'}; a line is kept when P({' + '.join(sorted(predictor.keep_labels))}) "
                f">= {threshold}, and its label is the most probable on the side of that verdict.")
    document = render_report([ReportPage(page, labelled, lines) for (page, labelled), lines in zip(pages, predictions)],
                             title=f"boilerplate-ml report: {os.path.basename(pages_file)}", settings=settings)
    write_text_atomically(output, document)
    click.echo(f"report of {len(pages)} pages written to {output}", err=True)


@main.command("prepare-html")
@click.argument("html_dir")
@click.option("--index", "index_path", required=True, help="index.jsonl with each page's id, site and has_gold.")
@click.option("-o", "--output", required=True, help="Labelled pages (LABELS.md JSON Lines) to write.")
@click.option("--report", required=True, help="Per-page report (JSON Lines): gold found, extractor, skip reason.")
@click.option("--seed", default=0, show_default=True, help="Picks the extractor of each page.")
@click.option("--min-coverage", default=MIN_GOLD_COVERAGE, show_default=True, type=click.FloatRange(0, 1),
              help="Skip pages whose gold is found less than this.")
def prepare_html(html_dir, index_path, output, report, seed, min_coverage) -> None:
    """Label the lines of HTML pages in HTML_DIR that have a gold main text (<id>.gold.txt)."""
    from boilerplate_ml.datagen.html_pages import prepare_html_dir

    for path in (output, report):
        check_output_path(path, inputs=[index_path])
    if os.path.abspath(output) == os.path.abspath(report):
        raise click.ClickException(f"-o and --report both name {output}; the report would replace the pages")
    try:
        reports = prepare_html_dir(html_dir, index_path, output, report, seed=seed, min_coverage=min_coverage)
    except (InputError, OSError) as error:
        raise click.ClickException(str(error)) from None
    kept = sum(r.prepared for r in reports)
    click.echo(f"{kept} pages labelled into {output}; {len(reports) - kept} skipped (reasons in {report})", err=True)


@main.command("apply-labels")
@click.argument("html_dir")
@click.option("--labels", "labels_dir", required=True, help="Folder of <id>.labels files (line ranges and labels).")
@click.option("--index", "index_path", required=True, help="index.jsonl giving each page's site.")
@click.option("-o", "--output", required=True, help="Labelled pages (LABELS.md JSON Lines) to write.")
def apply_labels(html_dir, labels_dir, index_path, output) -> None:
    """Rebuild annotated pages: re-extract each HTML page in HTML_DIR and attach its label file."""
    from boilerplate_ml.datagen.annotations import AnnotationError, build_annotated_pages

    check_output_path(output, inputs=[index_path])
    try:
        pages = build_annotated_pages(html_dir, labels_dir, index_path, output)
    except (AnnotationError, InputError, OSError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{len(pages)} annotated pages written to {output}", err=True)


@main.command("transfer-labels")
@click.argument("pages_files", nargs=-1, required=True)
@click.option("--html", "html_dir", required=True, help="Folder of <id>.html, the pages' HTML.")
@click.option("-o", "--output", required=True, help="The pages as the other extractor gives them (LABELS.md JSON Lines).")
def transfer_labels(pages_files, html_dir, output) -> None:
    """Carry the labels of PAGES_FILES over to their HTML as the other extractor reads it.

    Each labelled page with <id>.html in --html becomes a page <id>@<extractor>: the same HTML cut
    into lines by the extractor it was not made with, each line labelled from the labelled lines
    it repeats. Pages where that cannot be done without guessing are skipped, with the reason.
    """
    from boilerplate_ml.datagen.label_transfer import TransferError, transfer_pages

    check_output_path(output, inputs=pages_files)
    try:
        pages, skipped = transfer_pages(pages_files, html_dir, output)
    except (TransferError, InputError, OSError) as error:
        raise click.ClickException(str(error)) from None
    for page_id, reason in skipped:
        click.echo(f"skipped {page_id}: {reason}", err=True)
    click.echo(f"{len(pages)} pages written to {output}; {len(skipped)} skipped", err=True)


@main.command()
@click.argument("articles", nargs=-1, required=True)
@click.option("-o", "--output", required=True, help="Synthetic labelled pages (LABELS.md JSON Lines) to write.")
@click.option("--pages", "num_pages", default=1000, show_default=True, type=click.IntRange(1))
@click.option("--articles-max", default=5000, show_default=True, type=click.IntRange(1), help="Articles sampled from ARTICLES.")
@click.option("--seed", default=0, show_default=True)
@click.option("--traditional-rate", default=0.1, show_default=True, type=click.FloatRange(0, 1))
def synth(articles, output, num_pages, articles_max, seed, traditional_rate) -> None:
    """Compose synthetic labelled pages from ARTICLES (JSON Lines of title/text) and generated boilerplate."""
    from boilerplate_ml.datagen.synth import SynthConfig, load_articles, synthesize_pages
    from boilerplate_ml.pages import write_pages

    try:
        files = sorted(expand_inputs(list(articles), output))
    except InputError as error:
        raise click.ClickException(str(error)) from None
    check_output_path(output, inputs=files)
    try:
        pool = load_articles(files, articles_max, seed=seed)
    except (InputError, OSError) as error:
        raise click.ClickException(str(error)) from None
    if not pool:
        raise click.ClickException(f"no usable article (title and 80 characters of text) in {', '.join(articles)}")
    config = SynthConfig(num_pages=num_pages, seed=seed, traditional_rate=traditional_rate)
    count = write_pages(synthesize_pages(pool, config), output)
    click.echo(f"{count} synthetic pages from {len(pool)} articles into {output}", err=True)


if __name__ == "__main__":
    main()
