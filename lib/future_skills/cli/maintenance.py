"""``future-skills`` commands that keep a project trustworthy: doctor, publish, reproduce."""
from __future__ import annotations

import argparse


def cmd_doctor(args: argparse.Namespace) -> int:
    """List leftovers and registry problems; with --fix, remove what is safe and say what was done."""
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.paths import get_paths
    from future_skills.pipeline.doctor import describe, diagnose, repair

    paths = get_paths()
    findings = diagnose(paths)
    if args.fix and findings:
        for sentence in repair(findings):
            print(f"fixed: {sentence}")
        findings = diagnose(paths)
    for finding in findings:
        print(describe(finding))
    if not findings:
        print(f"No problem found under {paths.root}.")
        return 0
    fixable = sum(1 for f in findings if f.fix)
    hint = f" ({fixable} fixable with `future-skills doctor --fix`)" if fixable and not args.fix else ""
    print(f"{len(findings)} problem(s) found{hint}.")
    return 1


def cmd_publish(args: argparse.Namespace) -> int:
    from future_skills.pipeline.retrain import publish_staged  # papermill/nbconvert: slow import

    result = publish_staged(args.version)
    print(f"{result.version} published and registered as {result.status}. Audit report: {result.report_index}")
    return 0


def cmd_reproduce(args: argparse.Namespace) -> int:
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.paths import get_paths
    from future_skills.pipeline.reproduce import reproduce, reproduction_sentence

    result = reproduce(args.version, get_paths())
    print(reproduction_sentence(result))
    return 0 if result.identical else 1


def add_maintenance_commands(sub: argparse._SubParsersAction) -> None:
    """Register doctor, publish and reproduce on ``future-skills``."""
    p = sub.add_parser("doctor", help="find leftovers of interrupted runs and check the registry and model files")
    p.add_argument("--fix", action="store_true", help="remove what is safe to remove and say what was done")
    p.set_defaults(handler=cmd_doctor)
    p = sub.add_parser("publish", help="publish a trained model that could not be published (disk full, read-only)")
    p.add_argument("version", help="the version whose run ended unpublished, e.g. v2")
    p.set_defaults(handler=cmd_publish)
    p = sub.add_parser("reproduce", help="retrain a registered version from its records and compare predictions")
    p.add_argument("version", help="a registered version, e.g. v1")
    p.set_defaults(handler=cmd_reproduce)
