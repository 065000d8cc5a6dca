"""Drift statistics and the drift verdict: training data of the reference model vs logged predictions.

Each feature is compared by the registered drift statistics of its type
(:mod:`future_skills.monitoring.statistics`; built-ins in :mod:`~future_skills.monitoring.builtin_statistics`).
Numeric features: PSI on the reference's deciles, two-sample KS, share of values outside the
reference range (and, for information, ``outside_contract_share``: outside the dataset
contract's rule in force, :func:`data.contract.numeric_ranges`). A feature is ``drift`` when PSI ≥ ``psi_drift`` AND the KS p-value <
``ks_pvalue`` (the KS test guards against PSI noise on small samples), ``watch`` when PSI ≥
``psi_watch`` or PSI ≥ ``psi_drift`` without KS significance or more than
``out_of_range_watch`` of the values are outside the training range, else ``ok``.
Categorical features: ``watch`` when more than ``unseen_category_watch`` of the rows have a
value never seen in training, or when the chi-square p-value < ``chi2_pvalue`` AND the total
variation ≥ ``total_variation_watch``, else ``ok``.

Verdict (thresholds from :func:`config.load_config` ``["drift"]``):

* ``retrain`` when ≥ 2 numeric features drift; or 1 drifts AND the predicted-level mix drifts;
  or the realised accuracy (≥ ``min_rows`` labelled predictions) is more than
  ``accuracy_drop_retrain`` below the model's test accuracy;
* ``watch`` when anything else is ``watch``/``drift`` (a feature, a categorical feature, the
  prediction mix, the score, the estimated accuracy), or when fewer than ``min_rows``
  predictions are in the window (a retrain signal is then capped at ``watch``);
* ``ok`` otherwise — also when there is nothing to compare (no production model, no log, no
  prediction in the window): the JSON then says ``"status": "no_data"`` with the reason.

The estimated accuracy without labels is the mean of the highest predicted probability; it
assumes calibrated probabilities and no concept drift (same feature → need relation).
"""
from __future__ import annotations

import functools
import math
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from future_skills.atomic import atomic_write_json
from future_skills.data.contract import numeric_ranges
from future_skills.monitoring.builtin_statistics import (  # noqa: F401  (re-exported: the statistics' home)
    PSI_EPSILON,
    finite_pair,
    ks_test,
    out_of_range_share,
    population_stability_index,
    share_psi,
    sorted_finite,
)
from future_skills.monitoring.categorical import categorical_drift
from future_skills.monitoring.inputs import DriftInputs, load_drift_inputs
from future_skills.monitoring.log_reader import window_bounds
from future_skills.monitoring.statistics import compare, resolved_thresholds
from future_skills.monitoring.verdict_cache import cached_report, store_report, verdict_key
from future_skills.paths import ProjectPaths, get_paths
from future_skills.schema import ID_COLUMNS, LABEL, LEVELS, NUMERIC_FEATURES, PROBABILITY_COLUMNS
from future_skills.thresholds import load_config

STATUS_ORDER = ("ok", "watch", "drift")
# Numeric features compared this many at a time: sorting a large log's values and scipy's exact KS p-values (a small
# log's: 0.27 s of the demo's verdict) both release the GIL, so a second core takes 0.2 s off `drift --no-report`.
NUMERIC_WORKERS = 2


class DriftReport(dict):
    """The drift JSON (a plain dict) that also keeps its inputs for the plots (``report.inputs``)."""

    inputs: DriftInputs | None = None


def compare_numeric(reference: Any, current: Any, thresholds: Mapping[str, Any]) -> dict[str, Any]:
    """The registered numeric statistics of one column (NaN ignored, values sorted once) and its status."""
    return compare(*sorted_finite(reference, current), "numeric", thresholds)


def numeric_drift(reference: pd.DataFrame, current: pd.DataFrame, thresholds: Mapping[str, Any]) -> dict[str, dict]:
    """:func:`compare_numeric` of every numeric feature, :data:`NUMERIC_WORKERS` at a time (same results)."""
    def one(name: str) -> dict[str, Any]:
        return compare_numeric(reference[name], current[name], thresholds)

    with ThreadPoolExecutor(max_workers=NUMERIC_WORKERS) as pool:
        return dict(zip(NUMERIC_FEATURES, pool.map(one, NUMERIC_FEATURES)))


def level_shares(levels: pd.Series) -> dict[str, float]:
    """Share of each level (LOW, MEDIUM, HIGH) among ``levels`` (any other value, even missing, counts in the total)."""
    counts = levels.value_counts(dropna=False)
    total = max(int(counts.sum()), 1)
    return {level: float(counts.get(level, 0)) / total for level in LEVELS}


def model_rows(inputs: DriftInputs, columns: list[str]) -> pd.DataFrame:
    """``columns`` of the logged rows scored by the reference model (its ``model_version``); no copy of the
    whole log when every row is the reference model's."""
    current = inputs.current
    if inputs.model_version is None:
        return current.iloc[0:0].reindex(columns=columns)
    mask = (current["model_version"] == inputs.model_version).to_numpy()
    return current[columns] if mask.all() else current.loc[mask, columns]


def prediction_drift(inputs: DriftInputs, thresholds: dict[str, float]) -> tuple[dict, dict]:
    """(prediction mix, score) of the reference model's logged rows vs its own test-split predictions."""
    reference, rows = inputs.reference_predictions, model_rows(inputs, ["predicted_level", "score"])
    if reference is None or rows.empty:
        why = ("the reference model's test predictions are not available" if reference is None
               else f"no logged prediction was made by {inputs.model_version}")
        empty = {"status": "no_data", "rows": int(len(rows)), "note": why}
        return dict(empty), dict(empty)
    ref_mix, cur_mix = level_shares(reference["predicted_level"]), level_shares(rows["predicted_level"])
    psi = share_psi(list(ref_mix.values()), list(cur_mix.values()))
    mix_status = ("drift" if psi >= thresholds["prediction_mix_psi_drift"] else
                  "watch" if psi >= thresholds["prediction_mix_psi_watch"] else "ok")
    mix = {"reference": ref_mix, "current": cur_mix, "psi": psi, "rows": int(len(rows)),
           "reference_rows": int(len(reference)), "status": mix_status}
    score = compare_numeric(reference["score"], rows["score"], thresholds)
    score.update({"reference_mean": float(reference["score"].mean()), "current_mean": float(rows["score"].mean()),
                  "rows": int(len(rows))})
    return mix, score


def realised_accuracy(inputs: DriftInputs, min_rows: int) -> dict[str, Any] | None:
    """Accuracy on logged pairs whose HR decision came after the prediction (None without such pairs).

    A prediction is matched with the decision of the same pair whose snapshot date is the
    first on or after the prediction date, provided it was decided after the prediction.
    """
    decisions, current = inputs.decisions, inputs.current
    if decisions is None or decisions.empty or current.empty:
        return None
    current = _decidable(current, decisions)
    if current.empty:
        return None
    logs = current
    logs["date"] = logs["timestamp"].dt.normalize().astype("datetime64[ns]")
    labels = pd.DataFrame({
        "job_role_id": decisions["job_role_id"].astype("int64"), "skill_id": decisions["skill_id"].astype("int64"),
        "snapshot": pd.to_datetime(decisions["snapshot_date"]).astype("datetime64[ns]"),
        "decided": pd.to_datetime(decisions["decided_at"], format="ISO8601").astype("datetime64[ns]"),
        "actual": decisions[LABEL].astype(str)})
    merged = pd.merge_asof(logs.sort_values("date"), labels.sort_values("snapshot"), left_on="date",
                           right_on="snapshot", by=list(ID_COLUMNS), direction="forward")
    matched = merged.loc[merged["actual"].notna() & (merged["decided"] > merged["timestamp"])]
    if matched.empty:
        return None
    correct = matched["predicted_level"].astype(str) == matched["actual"]
    by_version = {str(v): {"rows": int(len(g)), "accuracy": float(correct.loc[g.index].mean())}
                  for v, g in matched.groupby(matched["model_version"].astype(str))}
    own = by_version.get(str(inputs.model_version))
    accuracy = own["accuracy"] if own else None
    drop = None if accuracy is None or inputs.test_accuracy is None else inputs.test_accuracy - accuracy
    return {"rows": int(own["rows"]) if own else 0, "accuracy": accuracy, "test_accuracy": inputs.test_accuracy,
            "drop": drop, "enough_rows": bool(own and own["rows"] >= min_rows), "all_rows": int(len(matched)),
            "all_accuracy": float(correct.mean()), "by_model_version": by_version}


def _decidable(current: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """The columns :func:`realised_accuracy` needs, of the logged rows a decision could match: a decided
    pair, logged before the last decision and on or before the last snapshot date (the match looks forward)."""
    last_decided = pd.to_datetime(decisions["decided_at"], format="ISO8601").astype("datetime64[ns]").max()
    last_snapshot = pd.to_datetime(decisions["snapshot_date"]).astype("datetime64[ns]").max()
    stamps = current["timestamp"]
    possible = ((stamps < last_decided) & (stamps < last_snapshot.normalize() + pd.Timedelta(days=1))).to_numpy()
    columns = ["timestamp", *ID_COLUMNS, "predicted_level", "model_version"]
    if not possible.any():
        return current.iloc[0:0][columns]
    candidates = current.loc[possible, columns]
    decided = pd.MultiIndex.from_frame(decisions[list(ID_COLUMNS)].astype("int64")).unique()
    known = pd.MultiIndex.from_frame(candidates[list(ID_COLUMNS)].astype("int64")).isin(decided)
    return candidates.loc[known]


def estimated_accuracy(inputs: DriftInputs) -> dict[str, Any] | None:
    """Mean highest probability of the reference model's logged predictions (and on its test split)."""
    columns = list(PROBABILITY_COLUMNS)
    rows = model_rows(inputs, columns)
    highest = functools.reduce(np.fmax, (rows[c].to_numpy(dtype=float) for c in columns))  # NaN only if all are
    confidence = pd.Series(highest).dropna()
    if confidence.empty:
        return None
    reference = inputs.reference_predictions
    test_confidence = None if reference is None else float(reference[columns].max(axis=1).mean())
    return {"value": float(confidence.mean()), "rows": int(len(confidence)),
            "test_confidence": test_confidence, "test_accuracy": inputs.test_accuracy,
            "assumption": "calibrated probabilities and no concept drift (the same signals still mean the "
                          "same need), so the mean confidence estimates the accuracy without labels"}


def verdict(report: dict[str, Any], thresholds: dict[str, float]) -> tuple[str, list[str]]:
    """(ok | watch | retrain, reasons) from the analysed sections (rule in the module docstring)."""
    drifted = [f for f, r in report["features"].items() if r["status"] == "drift"]
    watched = [f for f, r in report["features"].items() if r["status"] == "watch"]
    watched += [f for f, r in report["categorical"].items() if r.get("status") == "watch"]
    mix, score = report["prediction_mix"].get("status"), report["score"].get("status")
    retrain, watch = [], []
    feature_and_mix = len(drifted) == 1 and mix == "drift"
    if len(drifted) >= 2:
        retrain.append(f"{len(drifted)} features drifted: {', '.join(drifted)}")
    elif feature_and_mix:
        retrain.append(f"{drifted[0]} drifted and the predicted-level mix drifted with it "
                       f"(PSI {report['prediction_mix']['psi']:.2f})")
    elif drifted:
        watch.append(f"{drifted[0]} drifted (one feature alone does not call for a retrain)")
    realised = report.get("realised_accuracy") or {}
    if realised.get("drop") is not None and realised["drop"] > thresholds["accuracy_drop_retrain"]:
        (retrain if realised["enough_rows"] else watch).append(
            f"realised accuracy {realised['accuracy']:.1%} is {realised['drop']:.1%} below the test accuracy "
            f"({realised['rows']} decided predictions)")
    if watched:
        watch.append(f"to watch: {', '.join(watched)}")
    if mix in ("watch", "drift") and not feature_and_mix:
        watch.append(f"the predicted-level mix moved (PSI {report['prediction_mix']['psi']:.2f})")
    if score in ("watch", "drift"):
        watch.append(f"the score distribution moved (PSI {report['score']['psi']:.2f})")
    estimate = report.get("estimated_accuracy") or {}
    if estimate.get("test_confidence") is not None and \
            estimate["test_confidence"] - estimate["value"] > thresholds["accuracy_drop_retrain"]:
        watch.append(f"the model's mean confidence fell from {estimate['test_confidence']:.1%} "
                     f"to {estimate['value']:.1%}")
    if retrain and report["rows"] < thresholds["min_rows"]:
        watch += retrain + [f"only {report['rows']} predictions (< {thresholds['min_rows']}): too few to ask "
                            "for a retrain"]
        retrain = []
    if retrain:
        return "retrain", retrain + watch
    if watch:
        return "watch", watch
    return "ok", ["no feature, prediction-mix or accuracy signal crossed its threshold"]


def _empty_report(inputs: DriftInputs, thresholds: dict[str, float]) -> dict[str, Any]:
    return {"window": inputs.window, "generated_at": datetime.now().isoformat(timespec="seconds"),
            "status": "analysed", "reference": inputs.reference_info, "rows": int(len(inputs.current)),
            "malformed_lines": int(inputs.malformed_lines), "total_lines": int(inputs.total_lines),
            "log_files": [str(f) for f in inputs.log_files], "features": {}, "categorical": {},
            "prediction_mix": {}, "score": {}, "realised_accuracy": None, "estimated_accuracy": None,
            "verdict": "ok", "reasons": [], "notes": list(inputs.notes), "thresholds": dict(thresholds)}


def analyse_drift(inputs: DriftInputs, config: dict[str, Any] | None = None) -> DriftReport:
    """The drift JSON (see the module docstring) from prepared inputs; pure, no I/O."""
    thresholds = resolved_thresholds((config or load_config())["drift"])
    report = _empty_report(inputs, thresholds)
    if inputs.no_data_reason or inputs.reference is None or inputs.current.empty:
        reason = inputs.no_data_reason or "no predictions in the window"
        report.update(status="no_data", reasons=[reason])
    else:
        report["features"] = numeric_drift(inputs.reference, inputs.current, thresholds)
        ranges = numeric_ranges()
        for name in NUMERIC_FEATURES:
            report["features"][name]["outside_contract_share"] = ranges[name].share_outside(inputs.current[name])
        report["categorical"] = categorical_drift(inputs.reference, inputs.current, inputs.catalog, thresholds)
        report["prediction_mix"], report["score"] = prediction_drift(inputs, thresholds)
        report["realised_accuracy"] = realised_accuracy(inputs, int(thresholds["min_rows"]))
        report["estimated_accuracy"] = estimated_accuracy(inputs)
        report["verdict"], report["reasons"] = verdict(report, thresholds)
        if report["rows"] < thresholds["min_rows"]:
            report["status"] = "insufficient_data"
    result = DriftReport(json_safe(report))
    result.inputs = inputs
    return result


def json_safe(value: Any) -> Any:
    """Plain JSON values: numpy scalars → Python, NaN/inf → None, paths → str."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, Path):
        return str(value)
    return value


def run_drift_analysis(*, reference_version: str | None = "auto", log_path: str | Path | None = None,
                       window: str = "30d", db_url: str | None = None, output_json: str | Path | None = None,
                       paths: ProjectPaths | None = None, version: str | None = None, since: Any = None,
                       until: Any = None, now: datetime | None = None, reuse: bool = False) -> DriftReport:
    """Load the reference and the log, analyse, and write the drift JSON atomically.

    ``output_json=None`` writes ``runs/<version>/drift.json`` when ``version`` is given, else nothing.
    ``reuse=True`` (a window, not ``since``/``until``) answers with the last such report when nothing it
    depends on has changed (:mod:`~future_skills.monitoring.verdict_cache`); that report has no ``inputs``.
    """
    paths = paths or get_paths()
    reuse = reuse and since is None and until is None
    now = (now or datetime.now()) if reuse else now  # one instant for the window and the cache
    where = dict(reference_version=reference_version, log_path=log_path, window=window, db_url=db_url, paths=paths)
    key = verdict_key(**where) if reuse else None
    lower_ns = _ns(window_bounds(window, now=now)[0]) if reuse else None
    cached = cached_report(key, lower_ns, paths)
    if cached is not None:
        report = DriftReport({**cached, "generated_at": datetime.now().isoformat(timespec="seconds")})
    else:
        inputs = load_drift_inputs(**where, since=since, until=until, now=now)
        report = analyse_drift(inputs)
        if key is not None and verdict_key(**where, verify_model=False) == key:  # nothing changed meanwhile
            oldest = inputs.current["timestamp"].min() if len(inputs.current) else None
            store_report(key, lower_ns, _ns(oldest), dict(report), paths)
    target = Path(output_json) if output_json else (paths.run_dir(version) / "drift.json" if version else None)
    if target is not None:
        atomic_write_json(target, dict(report))
        report["output_json"] = str(target)
    return report


def _ns(moment: Any) -> int | None:
    """A time as integer nanoseconds (None stays None): what the verdict cache compares."""
    return None if moment is None or pd.isna(moment) else int(pd.Timestamp(moment).value)
