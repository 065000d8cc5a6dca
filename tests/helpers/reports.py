"""A candidate's metadata with a gate and evaluation evidence, built from made-up predictions."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import pandas as pd

from future_skills.model import evidence
from future_skills.model.decision import recommend
from future_skills.model.gate import promotion_gate
from future_skills.model.metrics import classification_metrics, comparison_rows
from future_skills.reporting import status_block
from future_skills.reporting.model_card import model_card_context
from future_skills.reporting.run_index import decision_commands
from future_skills.schema import LEVELS
from future_skills.thresholds import load_config


def noisy(truth: list[str], error: float, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice([lv for lv in LEVELS if lv != t]) if rng.random() < error else t for t in truth]


def candidate_metadata(rows: int = 400, cand_error: float = 0.15, prod_error: float = 0.15,
                       with_production: bool = True, config: dict | None = None) -> dict[str, Any]:
    """Metadata shaped like evaluate_candidate's output (gate + evaluation), for report tests."""
    rng = random.Random(1)
    truth = [rng.choice(LEVELS) for _ in range(rows)]
    frame = pd.DataFrame({"job_department": [f"Dept {i % 4}" for i in range(rows)],
                          "skill_category": [f"Cat {i % 3}" for i in range(rows)],
                          "snapshot_date": ["2026-10-31" if i % 5 == 0 else "2026-06-30" for i in range(rows)],
                          "future_need_level": truth})
    cand = noisy(truth, cand_error, 2)
    prod = noisy(truth, prod_error, 3) if with_production else None
    cand_metrics = classification_metrics(truth, cand)
    prod_metrics = classification_metrics(truth, prod) if prod else None
    gate = promotion_gate(cand_metrics, prod_metrics, None, config or load_config(), rows_compared=rows,
                          production_version="v1" if prod else None)
    block = evidence.collect(frame, truth, None, cand, prod, {"2026-09-30"} if prod else set())
    evaluation = {"production_version": "v1" if prod else None, "test_rows": rows + 100, "rows_compared": rows,
                  "excluded_overlap": 100, "candidate": cand_metrics, "production": prod_metrics,
                  "validation": None, **block}
    return {"model_version": "v2", "gate": gate, "evaluation": evaluation,
            "dataset": {"total_samples": 2000, "period": {"start": "2024-12-31", "end": "2026-10-31"},
                        "class_distribution": {"LOW": 700, "MEDIUM": 600, "HIGH": 700}},
            "comparison": comparison_rows(cand_metrics, prod_metrics)}


DRIFT = {"status": "analysed", "verdict": "retrain", "window": "30d", "reference": {"version": "v1"},
         "realised_accuracy": {"accuracy": 0.814, "rows": 4814, "test_accuracy": 0.854},
         "features": {"trend_score": {"status": "drift"}}}


def live_status(lang: str) -> str:
    """The registry's status block as the pipeline renders it (reporting.status_block)."""
    return status_block.render_status_block({
        "version": "v2", "status": "candidate", "refreshed_at": "2026-11-24T04:00:00", "restricted": True,
        "suspension": None, "production": "v1", "production_approval": "—", "approval": None,
        "reports_changed": [], "duplicate_of": None, "commands": decision_commands("v2")}, lang)


def index_context(metadata: dict, lang: str = "en") -> dict:
    """The context of index.html for ``metadata``, with a drift report and a live status block (report tests)."""
    evaluation = metadata["evaluation"]
    return {
        "version": "v2", "run_date": "2026-11-24T03:51:36", "run_id": "v2-20261124", "status": "candidate",
        "failed": False, "failure": {}, "dataset": metadata["dataset"], "verdict": metadata["gate"]["verdict"],
        "gate_passed": metadata["gate"]["passed"], "criteria": metadata["gate"]["criteria"],
        "targets": metadata["gate"]["targets"],
        "comparison": {"production_version": "v1", "rows_compared": evaluation["rows_compared"],
                       "excluded_overlap": evaluation["excluded_overlap"], "rows": metadata["comparison"]},
        "paired": evaluation["paired"], "recent": evaluation["recent"], "decision": recommend(metadata, DRIFT),
        "drift": DRIFT, "model_card": model_card_context(metadata, {"owner": "HR data team", "contact": ""}),
        "status_block": live_status(lang), "changes": None,
        "reports": [{"step": "train", "href": "02_train.html", "exists": True}],
        "generated_at": "2026-11-24T04:00:00", "git_commit": "abc",
    }


def english_sentences() -> set[str]:
    """Every run of four or more words of the English catalogues (placeholders and punctuation split runs)."""
    from future_skills.model import gate_texts
    from future_skills.monitoring.statistics import registered
    from future_skills.reporting import (
        changes_view,
        decision_view,
        drift_texts,
        evaluate_view,
        export_view,
        metrics_view,
        model_card,
        plots,
        texts,
        train_view,
    )

    catalogues = [texts.TEXT, decision_view.TEXT, evaluate_view.TEXT, export_view.TEXT, train_view.TEXT,
                  metrics_view.TEXT, model_card.TEXT, texts.STATUS_TEXT, gate_texts.DETAILS, gate_texts.NAMES,
                  plots.LABELS, plots.CALIBRATION_LABELS, drift_texts.TEXT, drift_texts.CHART_TEXT,
                  drift_texts.MONITORING_TEXT, texts.CLI_TEXT,
                  changes_view.LABELS]
    # the monitoring layer's own English words for its statistics (display names, descriptions, headers)
    catalogues.append({"en": {f"{s.name}.{i}": text for s in registered() for i, text in
                              enumerate((s.display_name, s.description, *(c.header for c in s.columns)))}})
    fragments = set()
    for catalogue in catalogues:
        for text in catalogue["en"].values():
            fragments |= _runs(re.sub(r"[*`]", "", text))  # Markdown emphasis is not part of the words
    return fragments


def english_notebook_sentences(notebooks: Path) -> set[str]:
    """Runs of four or more words of the notebooks' English markdown cells (tagged lang-en)."""
    fragments = set()
    for path in notebooks.glob("0*.ipynb"):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if "lang-en" in cell["metadata"].get("tags", []):
                fragments |= _runs(re.sub(r"[*#`_]", "", "".join(cell["source"])))
    return fragments


def _runs(text: str) -> set[str]:
    found = set()
    for part in re.split(r"\{[^}]*\}|[;:().,—]", text):
        words = part.split()
        if len(words) >= 4:
            found.add(" ".join(words))
    return found
