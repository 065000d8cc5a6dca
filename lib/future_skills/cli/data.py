"""``future-skills`` commands for the HR data: export (and validate) the dataset."""
from __future__ import annotations

import argparse


def cmd_export(args: argparse.Namespace) -> int:
    from future_skills.data.database import export_dataset
    from future_skills.data.dataset import write_snapshot
    from future_skills.data.demo import ensure_demo_database
    from future_skills.data.validation import validate_dataset

    frame = validate_dataset(export_dataset(ensure_demo_database(args.db_url)))
    info = write_snapshot(frame, args.output)
    print(f"Exported {info['total_samples']} validated rows to {info['csv_path']} (sha256 {info['sha256'][:12]}).")
    return 0


def add_data_commands(sub: argparse._SubParsersAction) -> None:
    """Register the data subcommands on ``future-skills``."""
    p = sub.add_parser("export", help="export and validate the dataset from the HR database to a CSV")
    p.add_argument("--output", default="data/exports/future_skills_dataset.csv", help="CSV to write")
    p.add_argument("--db-url", help="SQLAlchemy URL (default: FUTURE_SKILLS_DB_URL or the embedded demo DB)")
    p.set_defaults(handler=cmd_export)
