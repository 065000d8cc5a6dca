"""model_store.py: atomic save, sha256 checked before anything is unpickled."""
from __future__ import annotations

from pathlib import Path

import joblib
import pytest

from future_skills.atomic import file_sha256
from future_skills.exceptions import ModelIntegrityError, ModelNotFoundError
from future_skills.model.store import load_model, save_model
from future_skills.model.training import build_pipeline
from future_skills.schema import FEATURES, LABEL
from helpers.model import make_dataset


@pytest.fixture(scope="module")
def fitted():
    frame = make_dataset(n_roles=4, n_skills=5, seed=3)
    pipeline = build_pipeline(n_estimators=10, random_state=0)
    pipeline.fit(frame[list(FEATURES)], frame[LABEL])
    return pipeline, frame


def test_round_trip_gives_the_same_predictions(tmp_path: Path, fitted):
    pipeline, frame = fitted
    path = tmp_path / "models" / "model.pkl"
    sha = save_model(pipeline, path)
    assert sha == file_sha256(path) and len(sha) == 64
    assert [p.name for p in path.parent.iterdir()] == ["model.pkl"]  # no temp file left behind
    loaded = load_model(path, sha)
    assert list(loaded.predict(frame[list(FEATURES)])) == list(pipeline.predict(frame[list(FEATURES)]))
    assert load_model(path, None) is not None  # no hash to check: still loads


def test_a_model_written_by_joblib_dump_as_earlier_versions_did_still_loads(tmp_path: Path, fitted):
    pipeline, frame = fitted
    path = tmp_path / "earlier.pkl"
    joblib.dump(pipeline, path)
    loaded = load_model(path, file_sha256(path))
    assert list(loaded.predict(frame[list(FEATURES)])) == list(pipeline.predict(frame[list(FEATURES)]))


def test_tampered_file_is_refused_before_unpickling(tmp_path: Path, fitted, monkeypatch):
    path = tmp_path / "model.pkl"
    sha = save_model(fitted[0], path)
    with open(path, "ab") as handle:
        handle.write(b"tampered")

    def must_not_load(*args, **kwargs):
        raise AssertionError("joblib.load was called on a file whose sha256 does not match")

    monkeypatch.setattr(joblib, "load", must_not_load)
    with pytest.raises(ModelIntegrityError) as info:
        load_model(path, sha)
    message = str(info.value)
    assert "does not match the sha256 recorded in the registry" in message
    assert f"expected {sha[:12]}" in message and "restore it or retrain" in message


def test_missing_file_is_model_not_found(tmp_path: Path):
    with pytest.raises(ModelNotFoundError, match="does not exist"):
        load_model(tmp_path / "nope.pkl", "00" * 32)


def test_unreadable_pickle_is_an_integrity_error(tmp_path: Path):
    path = tmp_path / "broken.pkl"
    path.write_bytes(b"this is not a pickle")
    with pytest.raises(ModelIntegrityError, match="cannot be loaded"):
        load_model(path, file_sha256(path))


def test_a_pickle_that_is_not_a_model_is_refused(tmp_path: Path):
    path = tmp_path / "dict.pkl"
    joblib.dump({"not": "a model"}, path)
    with pytest.raises(ModelIntegrityError, match="does not hold a model"):
        load_model(path, file_sha256(path))


def test_failed_dump_leaves_no_file(tmp_path: Path):
    class Unpicklable:
        def __reduce__(self):
            raise TypeError("cannot pickle this")

    with pytest.raises(TypeError):
        save_model(Unpicklable(), tmp_path / "model.pkl")
    assert list(tmp_path.iterdir()) == []


def _stage(fitted, version: str = "v4") -> tuple:
    import json

    from future_skills.paths import get_paths

    paths = get_paths()
    sha = save_model(fitted[0], paths.staged_model(version))
    paths.staged_metadata(version).write_text(json.dumps({"model_version": version, "model_sha256": sha,
                                                          "model_path": "runs/v4/model/x.pkl"}))
    return paths, sha


def test_publish_moves_the_staged_model_and_points_the_metadata_at_models(project_root: Path, fitted):
    import json

    from future_skills.pipeline.publish import publish_model

    paths, sha = _stage(fitted)
    metadata = publish_model("v4", paths)
    assert file_sha256(paths.model_path("v4")) == sha
    assert metadata["model_path"] == "models/future_skills_model_v4.pkl"
    assert json.loads(paths.metadata_path("v4").read_text())["model_path"] == metadata["model_path"]
    assert not paths.staged_model("v4").exists()  # moved, not copied; the staging folder goes after registration


def test_publish_refuses_a_staged_model_that_changed(project_root: Path, fitted):
    from future_skills.pipeline.publish import publish_model

    paths, _ = _stage(fitted)
    with open(paths.staged_model("v4"), "ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ModelIntegrityError, match="does not match the sha256"):
        publish_model("v4", paths)
    assert not paths.model_path("v4").exists() and not paths.metadata_path("v4").exists()


def test_a_model_hashed_ahead_is_published_without_reading_it_again(project_root: Path, fitted, monkeypatch):
    import future_skills.model.store as store
    from future_skills.pipeline.publish import publish_model

    paths, sha = _stage(fitted)
    checked = store.check_file(paths.staged_model("v4"))
    assert checked is not None and checked.sha256 == sha
    monkeypatch.setattr(store, "file_sha256", lambda path: pytest.fail(f"{path} was read again"))
    publish_model("v4", paths, checked)
    assert paths.model_path("v4").is_file()


@pytest.mark.parametrize("change", ["written to", "replaced by a file of the same size"])
def test_a_model_that_changed_after_it_was_hashed_ahead_is_hashed_again_and_refused(project_root: Path, fitted,
                                                                                     change: str):
    from future_skills.model.store import check_file
    from future_skills.pipeline.publish import publish_model

    paths, _ = _stage(fitted)
    staged = paths.staged_model("v4")
    checked = check_file(staged)
    if change == "written to":
        with open(staged, "ab") as handle:
            handle.write(b"tampered")
    else:
        other = staged.with_name("other.pkl")
        data = bytearray(staged.read_bytes())
        data[-1] ^= 1
        other.write_bytes(bytes(data))
        other.replace(staged)
    with pytest.raises(ModelIntegrityError, match="does not match the sha256"):
        publish_model("v4", paths, checked)
    assert not paths.model_path("v4").exists() and not paths.metadata_path("v4").exists()


def test_a_check_made_of_another_file_is_not_used(project_root: Path, fitted, tmp_path: Path):
    from future_skills.model.store import check_file, verify_model_file

    paths, sha = _stage(fitted)
    decoy = tmp_path / "decoy.pkl"
    decoy.write_bytes(b"not the model")
    assert verify_model_file(paths.staged_model("v4"), sha, check_file(decoy)) == sha


def test_the_metadata_fingerprint_is_of_what_training_wrote_even_once_the_gate_is_added(project_root: Path):
    from future_skills.atomic import atomic_write_json
    from future_skills.model.store import written_files

    (project_root / "runs" / "v1").mkdir(parents=True)
    (project_root / "runs" / "v1" / "split.csv").write_text("job_role_id,split\n1,train\n")
    metadata = {"model_path": "models/m.pkl", "model_sha256": "ab" * 32,
                "dataset": {"split_path": "runs/v1/split.csv", "csv_path": "runs/v1/dataset.csv", "sha256": "cd" * 32}}
    path = project_root / "runs" / "v1" / "meta.json"
    atomic_write_json(path, metadata)
    written = file_sha256(path)
    atomic_write_json(path, {**metadata, "gate": {"passed": True}})  # 03_evaluate, running alongside
    files = {f["kind"]: f["sha256"] for f in written_files(metadata, path)}
    assert files["metadata"] == written != file_sha256(path)
    assert files["split"] == file_sha256(project_root / "runs" / "v1" / "split.csv")
