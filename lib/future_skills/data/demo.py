"""The embedded demo HR database: a deterministic SQLite file under data/, built on first use.

It has the shape of a real HR skills database: 30 job roles in 8 departments, 80 skills
in 8 categories, quarterly snapshots of market and internal signals per (role, skill),
and the HR decisions (the label). Labels come from :func:`hidden_need_level`, a hidden
rule with noise, so that a good model is right about 85 % of the time, never 100 %.
Everything here is synthetic: no person appears in it.
"""
from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from filelock import FileLock

from future_skills.paths import get_paths
from future_skills.schema import LABEL, LEVELS, NUMERIC_FEATURES
from future_skills.settings import default_db_url, load_settings

DEMO_SEED = 20251127
SNAPSHOT_DATES: tuple[str, ...] = ("2024-12-31", "2025-03-31", "2025-06-30", "2025-09-30",
                                   "2025-12-31", "2026-03-31", "2026-06-30", "2026-09-30")
SKILLS_PER_ROLE = 20
# Stored as SQLite's user_version: 2 = shares in 0–1 (the original system's scales). A demo
# database of another format (1: the earlier 0–100 scales) is rebuilt on first use.
DEMO_FORMAT = 2

DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "Engineering": ("Backend Developer", "Frontend Developer", "Mobile Developer", "QA Engineer",
                    "Software Architect"),
    "Data & Analytics": ("Data Scientist", "Data Engineer", "Data Analyst", "ML Engineer"),
    "IT Operations": ("DevOps Engineer", "Cloud Engineer", "Security Analyst", "Network Administrator"),
    "Finance": ("Financial Analyst", "Controller", "Accountant"),
    "Human Resources": ("HR Business Partner", "Talent Acquisition Specialist", "Payroll Specialist",
                        "Learning & Development Manager"),
    "Marketing": ("Digital Marketing Manager", "Content Strategist", "Product Marketing Manager"),
    "Sales": ("Account Executive", "Sales Manager", "Pre-sales Consultant"),
    "Customer Support": ("Support Engineer", "Customer Success Manager", "Service Desk Agent", "Support Team Lead"),
}

SKILL_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Programming": ("Python", "Java", "JavaScript", "TypeScript", "Go", "SQL", "C#", "Kotlin", "Rust", "Bash"),
    "Data": ("Data Visualization", "Statistics", "Data Modeling", "ETL Pipelines", "Power BI", "Excel Modeling",
             "Data Governance", "Spark", "A/B Testing", "Forecasting"),
    "Cloud & Infrastructure": ("AWS", "Azure", "Kubernetes", "Docker", "Terraform", "Linux Administration",
                               "CI/CD", "Observability", "Networking", "FinOps"),
    "Security": ("Threat Modeling", "Identity Management", "GDPR Compliance", "Incident Response",
                 "Secure Coding", "Penetration Testing", "Cryptography", "Risk Assessment", "SOC Operations",
                 "Zero Trust"),
    "AI & Machine Learning": ("Machine Learning", "Deep Learning", "NLP", "Generative AI", "Prompt Engineering",
                              "MLOps", "Computer Vision", "LLM Evaluation", "Recommender Systems",
                              "Responsible AI"),
    "Management": ("Project Management", "Agile Coaching", "Budgeting", "Change Management", "People Management",
                   "Strategic Planning", "Vendor Management", "OKR Setting", "Coaching", "Decision Making"),
    "Communication": ("Public Speaking", "Technical Writing", "Negotiation", "Storytelling", "English",
                      "Stakeholder Management", "Facilitation", "Active Listening", "Conflict Resolution",
                      "Cross-cultural Communication"),
    "Business": ("Financial Analysis", "Market Research", "CRM Tools", "Process Improvement", "Product Management",
                 "Customer Journey Mapping", "Pricing", "Procurement", "Lean Management", "Business Case Writing"),
}

# How much each skill category tends to trend (in points of 100; stored as shares 0–1) and how scarce it is on the market.
CATEGORY_TREND = {"Programming": 55, "Data": 60, "Cloud & Infrastructure": 62, "Security": 64,
                  "AI & Machine Learning": 72, "Management": 45, "Communication": 42, "Business": 44}
CATEGORY_SCARCITY = {"Programming": 50, "Data": 55, "Cloud & Infrastructure": 60, "Security": 68,
                     "AI & Machine Learning": 70, "Management": 38, "Communication": 30, "Business": 36}
# Departments that use a category most (their roles draw those skills more often).
DEPARTMENT_AFFINITY = {
    "Engineering": ("Programming", "Cloud & Infrastructure", "Security"),
    "Data & Analytics": ("Data", "AI & Machine Learning", "Programming"),
    "IT Operations": ("Cloud & Infrastructure", "Security", "Programming"),
    "Finance": ("Business", "Data", "Management"),
    "Human Resources": ("Communication", "Management", "Business"),
    "Marketing": ("Communication", "Business", "Data"),
    "Sales": ("Communication", "Business", "Management"),
    "Customer Support": ("Communication", "Cloud & Infrastructure", "Management"),
}
DEPARTMENT_SALARY = {"Engineering": 18, "Data & Analytics": 20, "IT Operations": 14, "Finance": 12,
                     "Human Resources": 2, "Marketing": 6, "Sales": 10, "Customer Support": 0}

# The hidden labelling rule (what HR "really" decides); the model has to learn it from examples.
HIDDEN_WEIGHTS = {"trend_score": 0.34, "internal_usage": 0.22, "training_requests": 0.14,
                  "scarcity_index": 0.20, "hiring_difficulty": 0.10}
HIDDEN_REQUESTS_FULL = 30.0
SHARE_COLUMNS = ("trend_score", "internal_usage", "scarcity_index", "hiring_difficulty")  # 0–1, as the original
HIDDEN_CATEGORY_BONUS = {"AI & Machine Learning": 4.0, "Security": 2.0, "Communication": -2.0, "Management": -3.0}
HIDDEN_ECONOMY_WEIGHT = 0.6
HIDDEN_THRESHOLDS = (44.0, 56.0)  # LOW below the first, HIGH from the second
HIDDEN_NOISE = 3.0

TABLES_SQL = (
    """CREATE TABLE job_roles (
        job_role_id INTEGER PRIMARY KEY, job_role_name TEXT NOT NULL UNIQUE, job_department TEXT NOT NULL)""",
    """CREATE TABLE skills (
        skill_id INTEGER PRIMARY KEY, skill_name TEXT NOT NULL UNIQUE, skill_category TEXT NOT NULL)""",
    """CREATE TABLE skill_signals (
        job_role_id INTEGER NOT NULL REFERENCES job_roles(job_role_id),
        skill_id INTEGER NOT NULL REFERENCES skills(skill_id),
        snapshot_date TEXT NOT NULL,
        trend_score REAL, internal_usage REAL, training_requests INTEGER, scarcity_index REAL,
        hiring_difficulty REAL, avg_salary_k REAL, economic_indicator REAL,
        PRIMARY KEY (job_role_id, skill_id, snapshot_date))""",
    """CREATE TABLE hr_decisions (
        job_role_id INTEGER NOT NULL, skill_id INTEGER NOT NULL, snapshot_date TEXT NOT NULL,
        future_need_level TEXT NOT NULL CHECK (future_need_level IN ('LOW', 'MEDIUM', 'HIGH')),
        decided_at TEXT NOT NULL,
        PRIMARY KEY (job_role_id, skill_id, snapshot_date))""",
)


def role_table() -> pd.DataFrame:
    rows = [(dept, name) for dept, names in DEPARTMENTS.items() for name in names]
    return pd.DataFrame({"job_role_id": range(1, len(rows) + 1), "job_role_name": [r[1] for r in rows],
                         "job_department": [r[0] for r in rows]})


def skill_table() -> pd.DataFrame:
    rows = [(cat, name) for cat, names in SKILL_CATEGORIES.items() for name in names]
    return pd.DataFrame({"skill_id": range(1, len(rows) + 1), "skill_name": [r[1] for r in rows],
                         "skill_category": [r[0] for r in rows]})


def hidden_need_level(frame: pd.DataFrame, rng: np.random.Generator | None = None) -> np.ndarray:
    """The level HR would decide for each row: the hidden weighted rule plus decision noise.

    Reusable on any frame with the numeric features (shares in 0–1) and ``skill_category``:
    the score is 100 × the weighted shares (training requests count fully from
    ``HIDDEN_REQUESTS_FULL``), plus the economy and a category bonus, cut at ``HIDDEN_THRESHOLDS``.
    """
    requests = np.minimum(frame["training_requests"].astype(float) / HIDDEN_REQUESTS_FULL, 1.0)
    shares = sum(HIDDEN_WEIGHTS[name] * frame[name].astype(float) for name in SHARE_COLUMNS)
    score = (100.0 * (shares + HIDDEN_WEIGHTS["training_requests"] * requests)
             + HIDDEN_ECONOMY_WEIGHT * frame["economic_indicator"].astype(float)
             + frame["skill_category"].map(HIDDEN_CATEGORY_BONUS).fillna(0.0).astype(float))
    score = score.to_numpy()
    if rng is not None:
        score = score + rng.normal(0.0, HIDDEN_NOISE, len(score))
    low, high = HIDDEN_THRESHOLDS
    return np.where(score < low, LEVELS[0], np.where(score < high, LEVELS[1], LEVELS[2]))


def _pairs(roles: pd.DataFrame, skills: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """About SKILLS_PER_ROLE skills per role, favouring the categories its department uses most."""
    chosen = []
    for role in roles.itertuples():
        favoured = DEPARTMENT_AFFINITY[role.job_department]
        weights = np.where(skills["skill_category"].isin(favoured), 4.0, 1.0)
        picks = rng.choice(len(skills), SKILLS_PER_ROLE, replace=False, p=weights / weights.sum())
        chosen += [(role.job_role_id, int(skills["skill_id"].iloc[i])) for i in sorted(picks)]
    pairs = pd.DataFrame(chosen, columns=["job_role_id", "skill_id"])
    return pairs.merge(roles, on="job_role_id").merge(skills, on="skill_id")


def _signals(pairs: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Quarterly signals per pair: persistent per-skill and per-pair levels, trends, and noise.

    Computed on a 0–100 scale, stored as the original system's shares (0–1, three decimals).
    """
    n_skills = int(pairs["skill_id"].max()) + 1
    skill_trend = rng.normal(0, 12, n_skills)
    skill_slope = rng.normal(0, 2.5, n_skills)
    skill_scarcity = rng.normal(0, 12, n_skills)
    pair_usage = rng.uniform(10, 90, len(pairs))
    economy = 1.0 + rng.normal(0.0, 0.2, len(SNAPSHOT_DATES))  # a calm economy: mostly row-level noise
    frames = []
    for quarter, date in enumerate(SNAPSHOT_DATES):
        n = len(pairs)
        sid = pairs["skill_id"].to_numpy()
        trend = (pairs["skill_category"].map(CATEGORY_TREND).to_numpy() + skill_trend[sid]
                 + skill_slope[sid] * quarter + rng.normal(0, 7, n))
        trend = np.clip(trend, 0, 100)
        usage = np.clip(pair_usage + 0.3 * (trend - 50) + rng.normal(0, 9, n), 0, 100)
        requests = rng.poisson(np.maximum(0.5, (0.25 * trend + 0.15 * usage) / 2.2))
        scarcity = np.clip(pairs["skill_category"].map(CATEGORY_SCARCITY).to_numpy() + skill_scarcity[sid]
                           + rng.normal(0, 8, n), 0, 100)
        hiring = np.clip(0.6 * scarcity + 20 + rng.normal(0, 10, n), 0, 100)
        salary = np.clip(40 + 0.5 * scarcity + pairs["job_department"].map(DEPARTMENT_SALARY).to_numpy()
                         + rng.normal(0, 8, n), 25, 200)
        frames.append(pd.DataFrame({
            "job_role_id": pairs["job_role_id"], "skill_id": pairs["skill_id"], "snapshot_date": date,
            "trend_score": np.round(trend / 100, 3), "internal_usage": np.round(usage / 100, 3),
            "training_requests": requests.astype(int), "scarcity_index": np.round(scarcity / 100, 3),
            "hiring_difficulty": np.round(hiring / 100, 3), "avg_salary_k": np.round(salary, 1),
            "economic_indicator": np.round(economy[quarter] + rng.normal(0, 1.5, n), 2),
        }))
    return pd.concat(frames, ignore_index=True)


def demo_tables(seed: int = DEMO_SEED) -> dict[str, pd.DataFrame]:
    """The four tables of the demo database, generated deterministically from ``seed``."""
    rng = np.random.default_rng(seed)
    roles, skills = role_table(), skill_table()
    pairs = _pairs(roles, skills, rng)
    signals = _signals(pairs, rng)
    labelled = signals.merge(pairs[["job_role_id", "skill_id", "skill_category"]], on=["job_role_id", "skill_id"])
    decided = pd.to_datetime(labelled["snapshot_date"]) + pd.to_timedelta(rng.integers(5, 40, len(labelled)), "D")
    decisions = labelled[["job_role_id", "skill_id", "snapshot_date"]].copy()
    decisions[LABEL] = hidden_need_level(labelled, rng)
    decisions["decided_at"] = decided.dt.strftime("%Y-%m-%dT10:00:00")
    return {"job_roles": roles, "skills": skills, "skill_signals": signals[
        ["job_role_id", "skill_id", "snapshot_date", *NUMERIC_FEATURES]], "hr_decisions": decisions}


def build_demo_database(path: Path | str, seed: int = DEMO_SEED) -> Path:
    """Write the demo SQLite database at ``path`` (atomically: built aside, then renamed)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with sqlite3.connect(tmp) as connection:
            for statement in TABLES_SQL:
                connection.execute(statement)
            for name, frame in demo_tables(seed).items():
                frame.to_sql(name, connection, if_exists="append", index=False)
            connection.execute(f"PRAGMA user_version = {DEMO_FORMAT}")
        connection.close()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def ensure_demo_database(db_url: str | None = None) -> str:
    """The database URL to use; builds the embedded demo database when that URL points at it and it is
    absent or of an older format (:data:`DEMO_FORMAT`)."""
    url = db_url or load_settings().db_url
    if url != default_db_url():
        return url
    path = get_paths().demo_db
    if not path.exists() or demo_format(path) != DEMO_FORMAT:
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(path) + ".lock"):
            if path.exists() and demo_format(path) != DEMO_FORMAT:
                print(f"Demo data: the embedded HR database at {path} is of an older format (0–100 scales); "
                      "rebuilding it on the dataset contract's scales (shares 0–1).", file=sys.stderr)
                path.unlink()
            if not path.exists():
                print(f"Demo data: building the embedded HR database at {path} (synthetic, deterministic; "
                      "set FUTURE_SKILLS_DB_URL or --db-url to use your HR database).", file=sys.stderr)
                build_demo_database(path)
    return url


def demo_format(path: Path) -> int:
    """The demo database's format (SQLite user_version; 0 for a database built before formats existed)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    connection.close()
    return version
