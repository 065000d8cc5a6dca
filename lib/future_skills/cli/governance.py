"""``future-skills`` commands for human oversight: the stop switch and the audit log check.

* ``suspend --by NAME --reason TEXT``: serving answers with the rules engine until ``resume``
  (running processes notice at their next prediction);
* ``resume --by NAME``: the production model answers again;
* ``audit verify``: checks the hash chain of ``models/audit_log.jsonl`` and that
  ``registry.json`` agrees with it; exits 1 naming the first place that breaks.
"""
from __future__ import annotations

import argparse

from future_skills.cli.registry import refresh_reports


def cmd_suspend(args: argparse.Namespace) -> int:
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.registry.store import Registry

    registry = Registry()
    suspension = registry.suspend(by=args.by, reason=args.reason)
    refresh_reports(registry)
    print(f"Serving suspended by {suspension.by}: the rules engine answers every prediction until "
          "`future-skills resume --by NAME`.")
    return 0


def cmd_resume(args: argparse.Namespace) -> int:
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.registry.store import Registry

    registry = Registry()
    ended = registry.resume(by=args.by, comment=args.comment)
    refresh_reports(registry)
    production = registry.production_version()
    model = f"the production model {production}" if production else "the rules engine (no model is in production)"
    print(f"Serving resumed by {args.by} (suspended by {ended.by} since {ended.at}); {model} answers again.")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.registry.store import Registry

    result = Registry().verify()
    if result.ok:
        print(f"Audit log verified: {result.lines} events, chain head {result.head}; registry.json agrees with it.")
        return 0
    print("Audit check FAILED:")
    for problem in result.problems:
        print(f"  - {problem}")
    return 1


def add_governance_commands(sub: argparse._SubParsersAction) -> None:
    """Register suspend, resume and audit on ``future-skills``."""
    p = sub.add_parser("suspend", help="stop the ML model: serving answers with the rules engine until resume")
    p.add_argument("--by", required=True, help="who suspends (name)")
    p.add_argument("--reason", required=True, help="why")
    p.set_defaults(handler=cmd_suspend)

    p = sub.add_parser("resume", help="end a suspension: the production model answers again")
    p.add_argument("--by", required=True, help="who resumes (name)")
    p.add_argument("--comment", help="why")
    p.set_defaults(handler=cmd_resume)

    p = sub.add_parser("audit", help="check the tamper-evident audit log")
    audit_sub = p.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = audit_sub.add_parser("verify", help="check the hash chain and that registry.json agrees with it")
    verify.set_defaults(handler=cmd_audit_verify)
