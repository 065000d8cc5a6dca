"""``future-skills`` commands for the HR data: export (and validate) the dataset, suggest a contract."""
from __future__ import annotations

import argparse


def cmd_export(args: argparse.Namespace) -> int:
    from future_skills.data.database import export_dataset
    from future_skills.data.dataset import write_snapshot
    from future_skills.data.demo import ensure_demo_database
    from future_skills.data.validation import normalise_dataset, validate_dataset

    frame, tidied = normalise_dataset(export_dataset(ensure_demo_database(args.db_url)))
    info = write_snapshot(validate_dataset(frame, source="the database export"), args.output, details={"input": tidied})
    print(f"Exported {info['total_samples']} validated rows to {info['csv_path']} (sha256 {info['sha256'][:12]}).")
    return 0


def cmd_contract_infer(args: argparse.Namespace) -> int:
    from future_skills.data.infer import infer_section

    print(infer_section(args.source), end="")
    return 0


def add_data_commands(sub: argparse._SubParsersAction) -> None:
    """Register the data subcommands on ``future-skills``."""
    p = sub.add_parser("export", help="export and validate the dataset from the HR database to a CSV")
    p.add_argument("--output", default="data/exports/future_skills_dataset.csv", help="CSV to write")
    p.add_argument("--db-url", help="SQLAlchemy URL (default: FUTURE_SKILLS_DB_URL or the embedded demo DB)")
    p.set_defaults(handler=cmd_export)

    contract = sub.add_parser("contract", help="the dataset contract (rules every dataset row must follow)")
    actions = contract.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("infer", help="print a [dataset] section for future_skills.toml suggested by a CSV")
    p.add_argument("--from", dest="source", required=True, metavar="FILE.csv",
                   help="a dataset CSV (any delimiter, decimal mark and encoding the pipeline reads)")
    p.set_defaults(handler=cmd_contract_infer)
