"""``future-skills``: the command line over the package (retrain, registry, serving, monitoring).

Every user-caused error ends with one sentence on stderr and a non-zero exit code,
never a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
import warnings
from typing import Callable, Sequence

from .exceptions import FutureSkillsError

Handler = Callable[[argparse.Namespace], int]


def add_retrain_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``run_retrain.py`` (also ``future-skills retrain``)."""
    parser.add_argument("--version", required=True, help="new model version: v followed by digits, e.g. v2 or v2.1")
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


def cmd_retrain(args: argparse.Namespace) -> int:
    from .pipeline import RetrainOptions, run_retrain

    options = RetrainOptions(
        version=args.version, n_estimators=args.n_estimators, test_size=args.test_size,
        random_state=args.random_state, skip_export=args.skip_export, dataset_csv=args.dataset_csv,
        db_url=args.db_url, window=args.window, auto_promote=args.auto_promote, kernel=args.kernel,
        validation_csv=args.validation_csv, report_lang=args.report_lang, operator=args.operator,
    )
    result = run_retrain(options)
    print(f"{result.version}: {result.message}")
    print(f"{result.version} registered as {result.status}. Audit report: {result.report_index}")
    return 0


def cmd_registry(args: argparse.Namespace) -> int:
    from .registry import Registry

    entries = Registry().versions()
    if args.json:
        print(json.dumps(entries, indent=2, default=str))
        return 0
    if not entries:
        print("The registry is empty: run `python run_retrain.py --version v1` to train the first model.")
        return 0
    header = f"{'Version':<9}{'Status':<11}{'Date':<21}{'Samples':>8}{'Accuracy':>10}{'F1':>8}  Gate"
    print(header)
    print("-" * len(header))
    for e in entries:
        gate = e.get("gate") or {}
        verdict = "—" if not gate else ("passed" if gate.get("passed") else "failed")
        print(f"{e['version']:<9}{e['status']:<11}{str(e.get('created_at', ''))[:19]:<21}"
              f"{e.get('dataset', {}).get('total_samples', 0):>8}{e['metrics']['accuracy']:>10.4f}"
              f"{e['metrics']['f1_weighted']:>8.4f}  {verdict}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from .registry import Registry
    from .run_summary import read_metadata
    from .paths import get_paths

    entry = Registry().get(args.version)
    metadata = read_metadata(get_paths(), entry)
    print(json.dumps({"registry": entry, "metadata": metadata}, indent=2, default=str))
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    from .registry import Registry

    entry = Registry().approve(args.version, by=args.by, comment=args.comment)
    print(f"{args.version} approved by {args.by}.")
    if (entry.get("gate") or {}).get("passed") is True:
        print(f"Put it in production with `future-skills promote {args.version}`.")
    else:
        print(f"Note: the promotion gate of {args.version} did not pass (`future-skills gate {args.version}`), "
              "so `promote` will refuse it unless forced.")
    return 0


def cmd_reject(args: argparse.Namespace) -> int:
    from .registry import Registry

    Registry().reject(args.version, by=args.by, comment=args.comment)
    print(f"{args.version} rejected by {args.by}.")
    return 0


def cmd_promote(args: argparse.Namespace) -> int:
    from .registry import Registry

    from .environment import login_name

    registry = Registry()
    comment = args.comment or (None if args.force else _approval_note(registry.get(args.version)))
    by = args.by if args.force else args.by or login_name()  # an override names its owner explicitly
    registry.promote(args.version, by=by, comment=comment, force=args.force)
    print(f"{args.version} is now in production.")
    return 0


def _approval_note(entry: dict) -> str | None:
    """"approved by NAME on DATE": the default comment of a promotion, so the history shows both people."""
    approvals = [a for a in entry.get("approvals", []) if a.get("decision") in ("approved", "auto-approved")]
    return f"approved by {approvals[-1]['by']} on {str(approvals[-1]['at'])[:10]}" if approvals else None


def cmd_rollback(args: argparse.Namespace) -> int:
    from .environment import login_name
    from .registry import Registry

    registry = Registry()
    before = registry.production_version()
    registry.rollback(by=args.by or login_name(), comment=args.comment)
    print(f"Rolled back: production is {registry.production_version()} again (was {before}).")
    return 0


def cmd_gate(args: argparse.Namespace) -> int:
    from .registry import Registry

    entry = Registry().get(args.version)
    gate = entry.get("gate")
    if not gate:
        raise FutureSkillsError(f"{args.version} has no gate result; it was not evaluated by the pipeline.")
    print(f"{args.version} ({entry['status']}): {gate.get('verdict', '')}")
    marks = {True: "PASS", False: "FAIL", None: "PENDING"}
    for criterion in gate.get("criteria", []):
        print(f"  {marks[criterion.get('passed')]:<8}{criterion['name']}: {criterion.get('detail', '')}")
    for target in gate.get("targets", []):
        met = "met" if target.get("met") else "not met"
        print(f"  target  {target['metric']}: {target['value']:.4f} vs {target['target']:.2f} ({met})")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from .diff import diff_versions, format_diff
    from .paths import get_paths
    from .registry import Registry
    from .run_summary import read_metadata

    registry, paths = Registry(), get_paths()
    metas = []
    for version in (args.a, args.b):
        meta = read_metadata(paths, registry.get(version))
        if meta is None:
            raise FutureSkillsError(f"The metadata JSON of {version} is missing or unreadable; restore it from models/.")
        metas.append(meta)
    print(format_diff(diff_versions(*metas), fmt="md" if args.md else "table"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``future-skills``."""
    from .cli_monitoring import add_monitoring_commands

    parser = argparse.ArgumentParser(prog="future-skills", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("retrain", help="run the retraining pipeline (same as run_retrain.py)")
    add_retrain_arguments(p)
    p.set_defaults(handler=cmd_retrain)

    p = sub.add_parser("registry", help="list the versions in the model registry")
    p.add_argument("--json", action="store_true", help="print registry entries as JSON")
    p.set_defaults(handler=cmd_registry)

    p = sub.add_parser("show", help="print one version's registry entry and metadata")
    p.add_argument("version")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("approve", help="record DRH / data team approval of a version")
    p.add_argument("version")
    p.add_argument("--by", required=True, help="who approves (name)")
    p.add_argument("--comment", help="why")
    p.set_defaults(handler=cmd_approve)

    p = sub.add_parser("reject", help="reject a candidate or approved version")
    p.add_argument("version")
    p.add_argument("--by", required=True, help="who rejects (name)")
    p.add_argument("--comment", required=True, help="why")
    p.set_defaults(handler=cmd_reject)

    p = sub.add_parser("promote", help="put an approved version whose gate passed into production")
    p.add_argument("version")
    p.add_argument("--force", action="store_true", help="override the gate and approval (needs --by and --comment)")
    p.add_argument("--by", help="who promotes (default: the login name; the approver is named in the comment)")
    p.add_argument("--comment", help="why (required with --force)")
    p.set_defaults(handler=cmd_promote)

    p = sub.add_parser("rollback", help="put the previous production version back into production")
    p.add_argument("--by", help="who rolls back (default: the login name)")
    p.add_argument("--comment", help="why")
    p.set_defaults(handler=cmd_rollback)

    p = sub.add_parser("gate", help="print a version's promotion criteria and targets")
    p.add_argument("version")
    p.set_defaults(handler=cmd_gate)

    p = sub.add_parser("diff", help="compare two versions: metrics, hyperparameters, data, features")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--md", action="store_true", help="print a Markdown table")
    p.set_defaults(handler=cmd_diff)

    add_monitoring_commands(sub)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    """Warnings on the command line as one plain line, without source file and line."""
    print(f"warning: {message}", file=file or sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``future-skills``; returns the process exit code."""
    return _dispatch(build_parser(), argv)


def retrain_main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``run_retrain.py``: the ``retrain`` command under its own name."""
    parser = argparse.ArgumentParser(
        prog="run_retrain.py",
        description="Run 01_export -> 02_train -> 03_evaluate -> 04_drift with papermill, "
        "publish the model, write the HTML audit reports and register the version.",
    )
    add_retrain_arguments(parser)
    parser.set_defaults(handler=cmd_retrain)
    return _dispatch(parser, argv)


def _dispatch(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    """Parse ``argv``, run the chosen handler, and turn known errors into one line + exit code."""
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return args.handler(args)
    except FutureSkillsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("error: interrupted; nothing was published for an unfinished run.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
