"""A missing or damaged production model: the rules answer, every answer and log line says so, and the
``predict`` command exits non-zero unless ``--allow-fallback`` is given."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from future_skills.cli import main
from future_skills.cli.monitoring import EXIT_FALLBACK
from future_skills.paths import get_paths
from future_skills.serving import predict as serving
from future_skills.serving.predict import FALLBACK_ENGINE, RULES_ENGINE, fell_back, predict
from helpers.monitoring import install_model, pairs, tamper


@pytest.fixture(autouse=True)
def fresh_state(project_root):
    serving.clear_cache()
    yield project_root
    serving.clear_cache()


@pytest.fixture
def pairs_csv(tmp_path: Path) -> Path:
    path = tmp_path / "pairs.csv"
    pairs(5).to_csv(path, index=False)
    return path


def _log_engines() -> list[str]:
    lines = get_paths().prediction_log.read_text().splitlines()
    return [json.loads(line)["engine"] for line in lines]


@pytest.mark.parametrize("damage", ["delete", "tamper"])
def test_every_logged_line_says_the_rules_answered_for_an_unusable_model(damage: str):
    entry = install_model("v1")
    model = get_paths().root / entry.model_path
    model.unlink() if damage == "delete" else tamper(model)
    with pytest.warns(serving.RulesFallbackWarning):
        result = predict(pairs(6), log=True)
    assert fell_back(result)
    assert _log_engines() == [FALLBACK_ENGINE] * 6


def test_no_production_at_all_is_the_plain_rules_engine_not_a_fallback():
    with pytest.warns(serving.RulesFallbackWarning):
        result = predict(pairs(3), log=False)
    assert set(result["engine"]) == {RULES_ENGINE} and not fell_back(result)


def test_predict_command_exits_non_zero_on_fallback_unless_allowed(pairs_csv: Path, capsys):
    entry = install_model("v1")
    tamper(get_paths().root / entry.model_path)
    assert main(["predict", "--input", str(pairs_csv)]) == EXIT_FALLBACK
    err = capsys.readouterr().err
    assert "--allow-fallback" in err and "sha256" in err  # the warning gives the reason
    serving.clear_cache()
    assert main(["predict", "--input", str(pairs_csv), "--allow-fallback"]) == 0


def test_predict_command_exits_zero_with_a_sound_model(pairs_csv: Path):
    install_model("v1")
    assert main(["predict", "--input", str(pairs_csv)]) == 0
