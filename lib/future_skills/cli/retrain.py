"""``run_retrain.py`` and ``future-skills retrain``: the retraining pipeline's options."""
from __future__ import annotations

import argparse
import sys

from future_skills.pipeline.limits import DEFAULT_CELL_TIMEOUT, DEFAULT_NOTEBOOK_TIMEOUT
from future_skills.pipeline.warm_kernels import warm_kernels
from future_skills.startup import uncollected_imports


def add_retrain_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``run_retrain.py`` (also ``future-skills retrain``)."""
    parser.add_argument("--version", required=True, help="new model version: v followed by digits, e.g. v2 or v2.1")
    parser.add_argument("--model", choices=["rf", "hgb", "auto"], default="auto",
                        help="model family: rf (random forest), hgb (gradient boosting with target-encoded names) "
                             "or auto: rf below 50,000 training rows, hgb from there (default auto)")
    parser.add_argument("--n-estimators", type=int, default=200, help="trees in the random forest (default 200)")
    parser.add_argument("--test-size", type=float, default=0.2, help="share of rows held out for testing (default 0.2)")
    parser.add_argument("--random-state", type=int, default=42, help="seed for the split and the forest (default 42)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--skip-export", action="store_true", help="reuse the last exported dataset")
    source.add_argument("--dataset-csv", metavar="PATH", help="train on this CSV instead of the database export")
    parser.add_argument("--db-url", metavar="URL",
                        help="SQLAlchemy URL of the HR database (default: FUTURE_SKILLS_DB_URL or the embedded demo DB)")
    parser.add_argument("--window", default="30d", help="prediction-log window for the drift report (default 30d)")
    parser.add_argument("--validation-csv", metavar="PATH", help="manual validation sample scored by both models")
    parser.add_argument("--auto-promote", "--auto-update-settings", dest="auto_promote", action="store_true",
                        help="promote to production when the automatic criteria pass (approval by the operator)")
    parser.add_argument("--kernel", help="Jupyter kernel to run the notebooks with (default: the notebooks' own)")
    parser.add_argument("--report-lang", choices=["en", "fr"], default="en", help="language of index.html (default en)")
    parser.add_argument("--operator", help="name recorded for --auto-promote approvals (default: the login name)")
    parser.add_argument("--cell-timeout", type=float, default=DEFAULT_CELL_TIMEOUT, metavar="SECONDS",
                        help=f"stop a notebook whose cell runs longer (default {DEFAULT_CELL_TIMEOUT:g})")
    parser.add_argument("--notebook-timeout", type=float, default=DEFAULT_NOTEBOOK_TIMEOUT, metavar="SECONDS",
                        help=f"stop a notebook that runs longer (default {DEFAULT_NOTEBOOK_TIMEOUT:g})")
    parser.add_argument("--new-registry", action="store_true",
                        help="start a new registry although models/ holds model files and registry.json is missing")


def cmd_retrain(args: argparse.Namespace) -> int:
    # the warm kernel template starts first: it imports the notebooks' libraries while this process imports its own
    with warm_kernels(enabled=not args.kernel):
        return _retrain(args)


def _retrain(args: argparse.Namespace) -> int:
    # imported when the command runs (`future-skills --help` stays fast); papermill and nbconvert: slow imports
    with uncollected_imports():
        from future_skills.formatting import decimal  # noqa: I001 - one block under its comment
        from future_skills.pipeline.retrain import RetrainOptions, run_retrain
        from future_skills.reporting.texts import cli_text

    options = RetrainOptions(
        version=args.version, n_estimators=args.n_estimators, model=args.model, test_size=args.test_size,
        random_state=args.random_state, skip_export=args.skip_export, dataset_csv=args.dataset_csv,
        db_url=args.db_url, window=args.window, auto_promote=args.auto_promote, kernel=args.kernel,
        validation_csv=args.validation_csv, report_lang=args.report_lang, operator=args.operator,
        cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout, new_registry=args.new_registry,
    )
    result = run_retrain(options)
    print(f"{result.version}: {result.message}")
    for sentence in result.warnings:
        print(f"warning: {sentence}", file=sys.stderr)
    print(cli_text("registered", args.report_lang, version=result.version, status=result.status,
                   path=result.report_index))
    if result.seconds is not None:
        print(cli_text("timing", args.report_lang, version=result.version, seconds=decimal(result.seconds, 1,
              args.report_lang), notebooks=decimal(result.notebooks_seconds or 0, 1, args.report_lang)))
    return 0


def add_retrain_command(sub: argparse._SubParsersAction) -> None:
    """Register ``future-skills retrain``."""
    p = sub.add_parser("retrain", help="run the retraining pipeline (same as run_retrain.py)")
    add_retrain_arguments(p)
    p.set_defaults(handler=cmd_retrain)
