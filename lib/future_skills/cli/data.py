"""``future-skills`` commands for the HR data: export (and validate) the dataset, suggest a contract."""
from __future__ import annotations

import argparse
from pathlib import Path

EXPORT_FILENAME = "future_skills_dataset.csv"


def default_export_path() -> Path:
    """``data/exports/future_skills_dataset.csv`` under the project root (``FUTURE_SKILLS_HOME``)."""
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.paths import get_paths

    return get_paths().data_dir / "exports" / EXPORT_FILENAME


def cmd_export(args: argparse.Namespace) -> int:
    """The 01_export notebook's export (:func:`dataset.export_snapshot`), written where asked."""
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.data.dataset import export_snapshot

    output = Path(args.output) if args.output else default_export_path()
    snapshot = export_snapshot(version="export", db_url=args.db_url, output_csv=str(output))
    print(f"Exported {snapshot['total_samples']} validated rows to {snapshot['csv_path']} "
          f"(sha256 {snapshot['sha256'][:12]}).")
    return 0


def cmd_contract_infer(args: argparse.Namespace) -> int:
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.data.infer import infer_section

    print(infer_section(args.source), end="")
    return 0


def add_data_commands(sub: argparse._SubParsersAction) -> None:
    """Register the data subcommands on ``future-skills``."""
    p = sub.add_parser("export", help="export and validate the dataset from the HR database to a CSV")
    p.add_argument("--output", help="CSV to write (default: data/exports/future_skills_dataset.csv under "
                                    "FUTURE_SKILLS_HOME or the repository)")
    p.add_argument("--db-url", help="SQLAlchemy URL (default: FUTURE_SKILLS_DB_URL or the embedded demo DB)")
    p.set_defaults(handler=cmd_export)

    contract = sub.add_parser("contract", help="the dataset contract (rules every dataset row must follow)")
    actions = contract.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("infer", help="print a [dataset] section for future_skills.toml suggested by a CSV")
    p.add_argument("--from", dest="source", required=True, metavar="FILE.csv",
                   help="a dataset CSV (any delimiter, decimal mark and encoding the pipeline reads)")
    p.set_defaults(handler=cmd_contract_infer)
