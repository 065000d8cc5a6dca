"""``future-skills`` commands for serving and monitoring: predict, drift, compact-logs, history, simulated traffic."""
from __future__ import annotations

import argparse
import sys

from future_skills.exceptions import FutureSkillsError

EXIT_RETRAIN = 3
EXIT_FALLBACK = 4  # predict: the production model is missing or damaged and the rules answered




def cmd_predict(args: argparse.Namespace) -> int:
    # imported when the command runs: `future-skills --help` stays fast
    import pandas as pd

    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.serving.predict import FALLBACK_ENGINE, fell_back, predict

    try:
        pairs = pd.read_csv(args.input)
    except (OSError, ValueError) as exc:
        raise FutureSkillsError(f"Cannot read {args.input} as CSV ({exc}); give a CSV of (job role, skill) pairs.") from None
    result = predict(pairs, on_invalid=args.on_invalid)
    if args.output:
        result.to_csv(args.output, index=False)
        print(f"Wrote {len(result)} predictions to {args.output}.")
    else:
        print(result.to_string(index=False))
    if fell_back(result) and not args.allow_fallback:
        print(f"error: the production model is missing or damaged, so the rules engine answered (engine "
              f"'{FALLBACK_ENGINE}' in the output and the log); run `future-skills doctor`, or pass "
              "--allow-fallback to accept rules answers.", file=sys.stderr)
        return EXIT_FALLBACK
    return 0


def cmd_drift(args: argparse.Namespace) -> int:
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.pipeline.drift_job import run_drift_job, run_drift_verdict

    lang = args.report_lang
    options = dict(window=args.window, log_path=args.log, output_json=args.output_json,
                   reference_version=args.reference, db_url=args.db_url)
    outcome = run_drift_verdict(**options) if args.no_report else run_drift_job(**options, report_lang=lang)
    # imported after the job: the full report's warm template starts before pandas is imported here (0.4 s)
    from future_skills.reporting.drift_reasons import reason_text  # noqa: I001 - one block under its comment
    from future_skills.reporting.texts import cli_text

    report = outcome["report"]
    if outcome["compaction"].files:
        print(outcome["compaction"].sentence())
    print(cli_text("drift_verdict", lang, verdict=report["verdict"], rows=report["rows"],
                   malformed=report["malformed_lines"]))
    for reason in report.get("reasons", []):
        print(f"  - {reason_text(reason, lang)}")
    print(cli_text("report", lang, path=outcome["html"]) if outcome["html"] else
          cli_text("drift_json", lang, path=outcome["json"]))
    if args.fail_on_drift and report["verdict"] == "retrain":
        return EXIT_RETRAIN
    return 0


def cmd_compact_logs(args: argparse.Namespace) -> int:
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.monitoring.log_compaction import compact_logs

    print(compact_logs(args.log).sentence())
    return 0


def cmd_monitor_history(args: argparse.Namespace) -> int:
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.reporting.monitoring_history import build_monitor_history, history_language
    from future_skills.reporting.texts import cli_text

    lang = args.report_lang or history_language()
    path, runs = build_monitor_history(lang=lang)
    print(cli_text("history", lang, runs=runs, plural="s" if runs != 1 else "", path=path))
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    # imported when the command runs: `future-skills --help` stays fast
    from future_skills.monitoring.simulate import simulate_traffic
    from future_skills.serving.predict import predict

    summary = simulate_traffic(predict=predict, days=args.days, rows_per_day=args.rows_per_day, drift=args.drift,
                               db_url=args.db_url, seed=args.seed)
    print("Simulated traffic: " + ", ".join(f"{k}={v}" for k, v in summary.items()))
    return 0


def add_monitoring_commands(sub: argparse._SubParsersAction) -> None:
    """Register the serving and monitoring subcommands on ``future-skills``."""
    p = sub.add_parser("predict", help="score (job role, skill) pairs with the production model")
    p.add_argument("--input", required=True, help="CSV with the dataset's feature columns and IDs")
    p.add_argument("--output", help="CSV to write (default: print)")
    p.add_argument("--on-invalid", choices=["refuse", "rules"], default="refuse",
                   help="pairs with missing, non-numeric or out-of-contract features: refuse them all (default) "
                        "or score them with the rules engine")
    p.add_argument("--allow-fallback", action="store_true",
                   help=f"exit 0 even when the production model is unusable and the rules answer (else {EXIT_FALLBACK})")
    p.set_defaults(handler=cmd_predict)

    p = sub.add_parser("drift", help="run the drift notebook on the prediction log")
    p.add_argument("--window", default="30d", help="30d, 12w, 24h or all (default 30d)")
    p.add_argument("--log", help="prediction log (default: FUTURE_SKILLS_MONITORING_LOG or logs/…)")
    p.add_argument("--output-json", help="also write the drift JSON here")
    p.add_argument("--reference", default="auto", help="version whose training data is the reference (default: production)")
    p.add_argument("--db-url", help="HR database used to map logged IDs to names")
    p.add_argument("--fail-on-drift", action="store_true", help=f"exit {EXIT_RETRAIN} when the verdict is retrain")
    p.add_argument("--no-report", action="store_true",
                   help="only the verdict and the drift JSON, computed in process (no notebook, no HTML); "
                        "the last verdict is reused while its log, models, HR database and config are unchanged")
    p.add_argument("--report-lang", choices=["en", "fr"], default="en",
                   help="language of the drift report and the verdict line (default en)")
    p.set_defaults(handler=cmd_drift)

    p = sub.add_parser("compact-logs", help="compact the rotated prediction log files into Parquet (drift does it too)")
    p.add_argument("--log", help="prediction log (default: FUTURE_SKILLS_MONITORING_LOG or logs/…)")
    p.set_defaults(handler=cmd_compact_logs)

    p = sub.add_parser("monitor-history", help="build reports/monitoring/index.html from past drift runs")
    p.add_argument("--report-lang", choices=["en", "fr"], default=None,
                   help="language of the page (default: the language of the newest drift report, else en)")
    p.set_defaults(handler=cmd_monitor_history)

    p = sub.add_parser("simulate-traffic", help="score demo pairs through the real predict path (demo data)")
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--rows-per-day", type=int, default=200)
    p.add_argument("--drift", type=float, default=0.0, help="feature shift from 0.0 (none) to 1.0 (strong)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--db-url", help="HR database (default: the embedded demo DB)")
    p.set_defaults(handler=cmd_simulate)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use `future-skills`")
