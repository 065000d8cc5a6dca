"""data.synthetic: the large benchmark database follows the demo's generator and rule, deterministically."""
from __future__ import annotations

import pandas as pd
import pytest

from future_skills.data import demo, synthetic
from future_skills.data.database import export_dataset
from future_skills.data.validation import validate_dataset
from future_skills.schema import DATASET_COLUMNS, LABEL, LEVELS


def test_shape_grows_pairs_after_the_quarters_are_full():
    assert synthetic.shape_for(2_000) == (400, 5)
    assert synthetic.shape_for(100_000) == (2_500, 40)
    assert synthetic.shape_for(1_000_000) == (25_000, 40)
    with pytest.raises(ValueError, match="positive"):
        synthetic.shape_for(0)


def test_dataset_is_deterministic_valid_and_labelled_by_the_demo_rule():
    first, again = synthetic.synthetic_dataset(4_000), synthetic.synthetic_dataset(4_000)
    pd.testing.assert_frame_equal(first, again)
    assert list(first.columns) == list(DATASET_COLUMNS) and len(first) == 4_000
    validate_dataset(first)  # the dataset contract holds: raises otherwise
    assert first["job_role_id"].nunique() == synthetic.MAX_ROLES and first["snapshot_date"].nunique() == 10
    assert set(first[LABEL]) == set(LEVELS)
    noiseless = demo.hidden_need_level(first)  # labels = the hidden rule + its small decision noise
    assert (noiseless == first[LABEL].to_numpy()).mean() > 0.8
    assert not first.equals(synthetic.synthetic_dataset(4_000, seed=1))


def test_database_export_gives_the_same_rows(tmp_path):
    db = synthetic.write_synthetic_database(tmp_path / "hr.sqlite", 3_000)
    exported = export_dataset(f"sqlite:///{db}", chunk_rows=700)  # several chunks
    expected = synthetic.synthetic_dataset(3_000)
    pd.testing.assert_frame_equal(exported.reset_index(drop=True), expected, check_dtype=False)
