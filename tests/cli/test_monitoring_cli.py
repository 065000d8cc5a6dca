"""The monitoring commands end to end: predict logs one line per pair; drift runs the notebook,
writes its JSON and HTML and exits 3 on `retrain` only with --fail-on-drift; monitor-history."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from future_skills.cli import main
from future_skills.pipeline.warm_kernels import WarmKernelPool
from future_skills.schema import LABEL
from future_skills.serving import predict as serving
from helpers.model import make_dataset
from helpers.monitoring import pairs

SHIFTED = ("trend_score", "hiring_difficulty")


def _log_lines(root: Path) -> list[str]:
    log = root / "logs" / "predictions_monitoring.jsonl"
    return log.read_text().splitlines() if log.exists() else []


def test_predict_cli_writes_predictions_and_logs_one_line_per_pair(serving_project: Path, tmp_path: Path, capsys):
    source = tmp_path / "pairs.csv"
    pairs(7).to_csv(source, index=False)
    assert main(["predict", "--input", str(source)]) == 0
    assert "ml_random_forest_v1" in capsys.readouterr().out
    assert len(_log_lines(serving_project)) == 7
    output = tmp_path / "predictions.csv"
    assert main(["predict", "--input", str(source), "--output", str(output)]) == 0
    written = pd.read_csv(output)
    assert len(written) == 7 and set(written["predicted_level"]) <= {"LOW", "MEDIUM", "HIGH"}
    assert len(_log_lines(serving_project)) == 14
    assert all(json.loads(line)["model_version"] == "ml_random_forest_v1" for line in _log_lines(serving_project))


def test_predict_cli_refuses_pairs_without_features(serving_project: Path, tmp_path: Path, capsys):
    source = tmp_path / "pairs.csv"
    pairs(3).drop(columns=["scarcity_index"]).to_csv(source, index=False)
    assert main(["predict", "--input", str(source)]) == 2
    err = capsys.readouterr().err
    assert "scarcity_index" in err and "Traceback" not in err
    assert _log_lines(serving_project) == []


def _traffic_log(path: Path, shifted: bool, seed: int) -> Path:
    """A log of 600 predictions drawn like the training data, optionally with two features moved up."""
    frame = pd.concat([make_dataset(seed=seed + k) for k in range(3)]).drop(columns=[LABEL]).reset_index(drop=True)
    if shifted:
        for name in SHIFTED:
            frame[name] = (frame[name] + 0.3).clip(upper=1)
    serving.predict(frame, log=True, timestamp="2026-11-20T10:00:00")
    return path


@pytest.mark.slow
def test_drift_command_flags_exactly_the_shifted_features_and_exits_3_only_on_retrain(
        serving_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    drifted_log = tmp_path / "drifted.jsonl"
    monkeypatch.setenv("FUTURE_SKILLS_MONITORING_LOG", str(drifted_log))
    _traffic_log(drifted_log, shifted=True, seed=10)
    with open(drifted_log, "a") as handle:
        handle.write("not json\n{\"timestamp\": \"2026-11-20T10:00:00\", \"job_role_id\": 1, \"ski\n")
    out_json = tmp_path / "d.json"
    no_db = f"sqlite:///{tmp_path / 'absent.sqlite'}"
    forked = []  # the notebook's kernel comes from a warm template that imported its libraries and scipy.special
    launch = WarmKernelPool.launch
    monkeypatch.setattr(WarmKernelPool, "launch", lambda pool, cmd, env, cwd, needs=None: forked.append(needs) or
                        launch(pool, cmd, env, cwd, needs))
    code = main(["drift", "--window", "all", "--log", str(drifted_log), "--output-json", str(out_json),
                 "--db-url", no_db, "--fail-on-drift"])
    assert len(forked) == 1 and {"scipy.special", "future_skills.monitoring.drift"} <= set(forked[0])
    printed = capsys.readouterr().out
    report = json.loads(out_json.read_text())
    assert code == 3 and report["verdict"] == "retrain" and "Drift verdict: retrain" in printed
    assert {name for name, r in report["features"].items() if r["status"] == "drift"} == set(SHIFTED)
    assert report["malformed_lines"] == 2 and report["rows"] == len(_traffic_rows(drifted_log))
    html = sorted((serving_project / "reports" / "monitoring").glob("2*.html"))
    assert len(html) == 1 and "Drift monitoring" in html[0].read_text()
    assert list((serving_project / "runs" / "monitoring").glob("*/04_drift.ipynb"))

    calm_log = tmp_path / "calm.jsonl"
    monkeypatch.setenv("FUTURE_SKILLS_MONITORING_LOG", str(calm_log))
    _traffic_log(calm_log, shifted=False, seed=20)
    code = main(["drift", "--window", "all", "--log", str(calm_log), "--db-url", no_db, "--fail-on-drift"])
    assert code == 0, capsys.readouterr().out
    assert main(["monitor-history"]) == 0
    assert "Monitoring history of 2 drift runs written" in capsys.readouterr().out
    index = BeautifulSoup((serving_project / "reports" / "monitoring" / "index.html").read_text(), "html.parser")
    verdicts = [td.get_text() for td in index.select("#history td.retrain, #history td.watch, #history td.ok")]
    assert len(verdicts) == 2 and verdicts.count("retrain") == 1
    assert index.find(id="psi-chart")["src"].startswith("data:image/png")


def _traffic_rows(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if line.startswith('{"timestamp"') and line.endswith("}}")]


def test_drift_no_report_compacts_the_log_and_gives_the_verdict_without_kernel_or_html(
        serving_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    log = tmp_path / "drifted.jsonl"
    monkeypatch.setenv("FUTURE_SKILLS_MONITORING_LOG", str(log))
    _traffic_log(log, shifted=True, seed=10)
    log.rename(tmp_path / "drifted.jsonl.1")  # as the writer's rotation leaves it
    _traffic_log(log, shifted=True, seed=13)
    logged = len(_traffic_rows(tmp_path / "drifted.jsonl.1")) + len(_traffic_rows(log))
    no_db = f"sqlite:///{tmp_path / 'absent.sqlite'}"
    code = main(["drift", "--no-report", "--window", "all", "--log", str(log), "--db-url", no_db, "--fail-on-drift"])
    printed = capsys.readouterr().out
    assert code == 3 and "Compacted 1 rotated log file(s)" in printed and "Drift verdict: retrain" in printed
    assert not (tmp_path / "drifted.jsonl.1").exists() and list((tmp_path / "drifted.jsonl.parquet").glob("*.parquet"))
    [saved] = list((serving_project / "runs" / "monitoring").glob("*/drift.json"))
    report = json.loads(saved.read_text())
    assert report["rows"] == logged and {n for n, r in report["features"].items() if r["status"] == "drift"} == set(SHIFTED)
    assert not list((serving_project / "reports" / "monitoring").glob("*.html"))
    assert not list((serving_project / "runs" / "monitoring").glob("*/04_drift.ipynb"))
    assert main(["compact-logs", "--log", str(log)]) == 0
    assert "No rotated log file to compact." in capsys.readouterr().out


def test_drift_verdict_line_and_reasons_in_french(serving_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys):
    log = tmp_path / "drifted.jsonl"
    monkeypatch.setenv("FUTURE_SKILLS_MONITORING_LOG", str(log))
    _traffic_log(log, shifted=True, seed=10)
    no_db = f"sqlite:///{tmp_path / 'absent.sqlite'}"
    code = main(["drift", "--no-report", "--window", "all", "--log", str(log), "--db-url", no_db, "--report-lang",
                 "fr", "--fail-on-drift"])
    printed = capsys.readouterr().out
    assert code == 3 and "Verdict de dérive\u00a0: réentraînement recommandé (" in printed
    assert "signaux en dérive" in printed and "JSON de dérive\u00a0:" in printed
    assert "Drift verdict" not in printed and "features drifted" not in printed


def test_drift_verdict_imports_no_report_or_model_library(serving_project: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch, capsys):
    """A scheduler's `drift --no-report` pays for what the verdict needs only: once the reference model's test
    predictions are cached (first run), neither scikit-learn, the report libraries, pandera (dataset checks)
    nor SQLAlchemy (the embedded SQLite HR database is read through sqlite3) is imported."""
    import subprocess
    import sys

    from future_skills.data.dataset import write_snapshot
    from future_skills.monitoring import verdict_cache
    from future_skills.paths import get_paths

    write_snapshot(make_dataset(seed=0), get_paths().dataset_csv("v1"))  # as an export leaves it: a vouched typed copy
    log = tmp_path / "traffic.jsonl"
    monkeypatch.setenv("FUTURE_SKILLS_MONITORING_LOG", str(log))
    _traffic_log(log, shifted=False, seed=10)
    output = tmp_path / "drift.json"
    arguments = ["drift", "--no-report", "--window", "all", "--output-json", str(output)]
    assert main(arguments) == 0  # builds the demo HR database, computes and caches the reference predictions
    heavy = ("sklearn", "matplotlib", "nbconvert", "papermill", "jinja2", "nbformat", "pandera", "sqlalchemy",
             "scipy.stats")
    script = ("import sys\nfrom future_skills.monitoring import builtin_statistics as b\n"
              "tested, real = [], b.ks_two_sample\n"
              "b.ks_two_sample = lambda ref, cur: tested.append(1) or real(ref, cur)\n"
              "from future_skills.cli import main\n"
              f"code = main({arguments!r})\n"
              f"print('CODE', code, 'LOADED', sorted(m for m in {heavy!r} if m in sys.modules), "
              "'COMPUTED', bool(tested))")
    output.unlink()
    verdict_cache.cache_file(get_paths()).unlink(missing_ok=True)  # computed again, not reused
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Drift verdict:" in done.stdout and "CODE 0 LOADED [] COMPUTED True" in done.stdout
    report = json.loads(output.read_text())
    assert report["status"] != "no_data" and report["prediction_mix"]["status"] != "no_data"
    assert not any("HR database" in note for note in report["notes"]), report["notes"]  # the catalog was read
