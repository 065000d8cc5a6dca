"""The HR catalog lookup: job role and skill IDs to names, department and category.

The prediction log and the pairs the HR application sends carry IDs; serving (to fill the names
the model needs) and drift (to compare categorical features) map them through the catalog of the
HR database (:func:`future_skills.data.database.load_catalog`), else through a reference dataset.
"""
from __future__ import annotations

import pandas as pd

from future_skills.schema import ID_COLUMNS

ROLE_COLUMNS = ("job_role_id", "job_role_name", "job_department")
SKILL_COLUMNS = ("skill_id", "skill_name", "skill_category")


def _lookup(reference: pd.DataFrame | None, catalog_part: pd.DataFrame | None,
            columns: tuple[str, ...]) -> pd.DataFrame:
    """ID → names table from the catalog when it has the columns, else from the reference rows (else empty)."""
    source = catalog_part if catalog_part is not None and set(columns) <= set(catalog_part.columns) else reference
    if source is None:
        return pd.DataFrame({column: pd.Series(dtype="int64" if column == columns[0] else object)
                             for column in columns})
    table = source[list(columns)].drop_duplicates(columns[0], keep="last").copy()
    table[columns[0]] = table[columns[0]].astype("int64")
    return table


def lookup_names(current: pd.DataFrame, catalog: tuple[pd.DataFrame, pd.DataFrame] | None,
                 reference: pd.DataFrame | None = None) -> pd.DataFrame:
    """IDs and the four categorical columns of ``current``'s pairs, from the catalog (else the reference
    rows); NaN where neither knows the ID. Same index as ``current``."""
    roles_part, skills_part = catalog if catalog is not None else (None, None)
    mapped = current[list(ID_COLUMNS)].astype("int64")
    mapped = mapped.merge(_lookup(reference, roles_part, ROLE_COLUMNS), on="job_role_id", how="left")
    mapped = mapped.merge(_lookup(reference, skills_part, SKILL_COLUMNS), on="skill_id", how="left")
    mapped.index = current.index
    return mapped
