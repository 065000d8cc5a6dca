"""``future-skills`` commands for the model registry: list, show, approve, reject, promote, rollback, gate, diff.

After every decision the live status block of each version's ``index.html`` is refreshed from
the registry (:func:`refresh_reports`), so reports never contradict it.
"""
from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from future_skills.exceptions import FutureSkillsError

if TYPE_CHECKING:  # the registry is imported inside the commands, for start-up time
    from future_skills.registry.entities import RegistryEntry
    from future_skills.registry.reader import RegistryReader


def refresh_reports(registry: RegistryReader) -> None:
    """Rewrite the status block of every version's index.html from ``registry``."""
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.reporting.status_block import refresh_status_blocks

    refresh_status_blocks(registry.paths, registry.load())


def cmd_registry(args: argparse.Namespace) -> int:
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.registry.store import Registry

    entries = Registry().versions()
    if args.json:
        print(json.dumps([e.to_dict() for e in entries], indent=2, default=str))
        return 0
    suspension = Registry().suspension()
    if suspension is not None:
        print(f"SERVING SUSPENDED: {suspension.sentence()}.")
    if not entries:
        print("The registry is empty: run `python run_retrain.py --version v1` to train the first model.")
        return 0
    header = f"{'Version':<9}{'Status':<11}{'Date':<21}{'Samples':>8}{'Accuracy':>10}{'F1':>8}  Gate"
    print(header)
    print("-" * len(header))
    for e in entries:
        verdict = "—" if not e.gate else ("passed" if e.gate.get("passed") else "failed")
        print(f"{e.version:<9}{e.status:<11}{str(e.created_at or '')[:19]:<21}"
              f"{e.dataset.get('total_samples', 0):>8}{e.metrics['accuracy']:>10.4f}"
              f"{e.metrics['f1_weighted']:>8.4f}  {verdict}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.registry.reader import entry_metadata
    from future_skills.registry.store import Registry

    registry = Registry()
    entry = registry.get(args.version)
    metadata = entry_metadata(registry.paths, entry)
    print(json.dumps({"registry": entry.to_dict(), "approved_reports": approved_reports(registry, entry),
                      "metadata": metadata}, indent=2, default=str))
    return 0


def approved_reports(registry: RegistryReader, entry: RegistryEntry) -> dict[str, Any] | None:
    """Which report version the last approval saw (sha256 per report) and whether they still match."""
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.registry.governance import changed_reports, report_fingerprints

    approval = entry.last_approval()
    if approval is None or approval.reports is None:
        return None
    changed = changed_reports(approval.reports, report_fingerprints(registry.paths, entry.version))
    return {"by": approval.by, "at": approval.at, "by_person": approval.by_person,
            "sha256": approval.reports, "unchanged": not changed, "changed": changed}


def cmd_approve(args: argparse.Namespace) -> int:
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.registry.store import Registry

    registry = Registry()
    entry = registry.approve(args.version, by=args.by, comment=args.comment)
    refresh_reports(registry)
    approval = entry.approvals[-1]
    read = [name for name, sha in (approval.reports or {}).items() if sha]
    print(f"{args.version} approved by {args.by} (account {approval.account}, {approval.at}); the sha256 of the "
          f"reports read ({', '.join(read) or 'none found'}) is recorded: `promote` refuses if they change.")
    if (entry.gate or {}).get("passed") is True:
        print(f"Put it in production with `future-skills promote {args.version}`.")
    else:
        print(f"Note: the promotion gate of {args.version} did not pass (`future-skills gate {args.version}`), "
              "so `promote` will refuse it unless forced.")
    return 0


def cmd_reject(args: argparse.Namespace) -> int:
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.registry.store import Registry

    registry = Registry()
    registry.reject(args.version, by=args.by, comment=args.comment)
    refresh_reports(registry)
    print(f"{args.version} rejected by {args.by}.")
    return 0


def cmd_promote(args: argparse.Namespace) -> int:
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.registry.governance import default_name
    from future_skills.registry.store import Registry

    registry = Registry()
    comment = args.comment or (None if args.force else _approval_note(registry.get(args.version)))
    by = args.by if args.force else args.by or default_name("promote")  # an override names its owner explicitly
    registry.promote(args.version, by=by, comment=comment, force=args.force)
    refresh_reports(registry)
    print(f"{args.version} is now in production.")
    return 0


def _approval_note(entry: RegistryEntry) -> str | None:
    """"approved by NAME on DATE": the default comment of a promotion, so the history shows both people."""
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.registry.markdown import approval_phrase

    approval = entry.last_approval()
    return approval_phrase(approval) if approval else None


def cmd_rollback(args: argparse.Namespace) -> int:
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.registry.governance import default_name
    from future_skills.registry.store import Registry

    registry = Registry()
    before = registry.production_version()
    registry.rollback(by=args.by or default_name("rollback"), comment=args.comment)
    refresh_reports(registry)
    print(f"Rolled back: production is {registry.production_version()} again (was {before}).")
    return 0


def cmd_gate(args: argparse.Namespace) -> int:
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.formatting import mark, outcome
    from future_skills.registry.store import Registry

    entry = Registry().get(args.version)
    gate = entry.gate
    if not gate:
        raise FutureSkillsError(f"{args.version} has no gate result; it was not evaluated by the pipeline.")
    print(f"{args.version} ({entry.status}): {gate.get('verdict', '')}")
    for criterion in gate.get("criteria", []):
        shown = mark(outcome(criterion.get("passed"), checked=criterion.get("checked", True)))
        print(f"  {str(shown):<14}{criterion['name']}: {criterion.get('detail', '')}")
    for target in gate.get("targets", []):
        met = mark("met" if target.get("met") else "not_met")
        print(f"  {'target':<14}{target['metric']}: {target['value']:.4f} vs {target['target']:.2f} ({met})")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.registry.diff import diff_versions, format_diff
    from future_skills.registry.reader import entry_metadata
    from future_skills.registry.store import Registry

    registry = Registry()
    metas = []
    for version in (args.a, args.b):
        meta = entry_metadata(registry.paths, registry.get(version))
        if meta is None:
            raise FutureSkillsError(f"The metadata JSON of {version} is missing or unreadable; restore it from models/.")
        metas.append(meta)
    print(format_diff(diff_versions(*metas), fmt="md" if args.md else "table"))
    return 0


def add_registry_commands(sub: argparse._SubParsersAction) -> None:
    """Register the registry subcommands on ``future-skills``."""
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
    p.add_argument("--by", help="who promotes (default: your name in [governance] promoters, else the login name; the approver is named in the comment)")
    p.add_argument("--comment", help="why (required with --force)")
    p.set_defaults(handler=cmd_promote)

    p = sub.add_parser("rollback", help="put the previous production version back into production")
    p.add_argument("--by", help="who rolls back (default: your name in [governance] promoters, else the login name)")
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
