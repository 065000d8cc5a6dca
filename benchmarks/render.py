"""Print the latest benchmark results (benchmarks/results/*.json) as the Markdown tables of BENCHMARKS.md.

    .venv/bin/python benchmarks/render.py [retrain_ratio retrain_scale ...]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS  # noqa: E402


def markdown(name: str) -> str:
    body = json.loads((RESULTS / f"{name}.json").read_text(encoding="utf-8"))
    rows = body.get("results") or []
    if not isinstance(rows, list) or not rows:
        return f"_{name}: no table_\n"
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = [f"{v:,}" if isinstance(v, int) else json.dumps(v) if isinstance(v, dict) else str(v)
                 for v in (row.get(c) for c in columns)]
        lines.append("| " + " | ".join(cells) + " |")
    machine = body.get("machine", {})
    lines.append("")
    lines.append(f"_{name}.json — measured {body.get('measured_at')}, load average {machine.get('load_average_1_5_15')}"
                 f" on {machine.get('cpus')} CPUs, commit {str(body.get('git_commit'))[:12]}_")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    names = sys.argv[1:] or sorted(p.stem for p in RESULTS.glob("*.json"))
    for name in names:
        print(f"### {name}\n\n{markdown(name)}")
