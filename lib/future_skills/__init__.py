"""Future Skills MLOps: retrain, audit, serve and monitor the Future Skills HR model."""
from __future__ import annotations

__version__ = "0.1.0"

from future_skills.exceptions import FutureSkillsError  # noqa: E402


def predict(frame_or_records, **kwargs):
    """Score (job role, skill) pairs with the production model; see :mod:`future_skills.serving.predict`."""
    # lazy: `import future_skills` stays light
    from future_skills.serving.predict import predict as _predict

    return _predict(frame_or_records, **kwargs)


__all__ = ["FutureSkillsError", "predict", "__version__"]
