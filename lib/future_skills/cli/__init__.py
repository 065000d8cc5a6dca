"""``future-skills``: the command line over the package (retrain, registry, serving, monitoring).

Every user-caused error ends with one sentence on stderr and a non-zero exit code,
never a traceback.
"""
from __future__ import annotations

import argparse
import gc
import sys
import warnings
from typing import Callable, NoReturn, Sequence

from future_skills.cli.data import add_data_commands
from future_skills.cli.governance import add_governance_commands
from future_skills.cli.maintenance import add_maintenance_commands
from future_skills.cli.monitoring import add_monitoring_commands
from future_skills.cli.registry import add_registry_commands
from future_skills.cli.retrain import add_retrain_arguments, add_retrain_command, cmd_retrain
from future_skills.exceptions import FutureSkillsError
from future_skills.startup import one_command_process

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``future-skills``: one command group per module of this package."""
    parser = argparse.ArgumentParser(prog="future-skills", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_retrain_command(sub)
    add_data_commands(sub)
    add_registry_commands(sub)
    add_governance_commands(sub)
    add_monitoring_commands(sub)
    add_maintenance_commands(sub)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    """Warnings on the command line as one plain line, without source file and line."""
    print(f"warning: {message}", file=file or sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``future-skills``; returns the process exit code."""
    return _dispatch(build_parser(), argv)


def console_main() -> NoReturn:
    """The ``future-skills`` command: :func:`main` in a process of its own (``one_command_process``), then
    :func:`exit_now`."""
    one_command_process()
    exit_now(main())


def exit_now(code: int) -> NoReturn:
    """End the process with ``code``, sparing interpreter shutdown its garbage collections.

    After a retrain the driver still holds ~180k objects (papermill, nbconvert, pandas); collecting
    them at exit took 0.2 s that nothing needs, every file being written and closed by then.
    Only for a process that ends here (never after :func:`main` called from Python).
    """
    gc.freeze()
    sys.exit(code)


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
    console_main()
