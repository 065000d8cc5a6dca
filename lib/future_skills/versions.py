"""Model version strings: ``v`` followed by digits, optionally ``.digits`` (v1, v2, v2.1)."""
from __future__ import annotations

import re

from future_skills.exceptions import InvalidVersionError

# ASCII digits only (``\d`` would accept other scripts' digits), at most 6 per part: a version names
# folders and files, and "v" + 300 digits used to end in "File name too long".
VERSION_PATTERN = re.compile(r"v([0-9]{1,6})(?:\.([0-9]{1,6}))?")


def validate_version(version: str) -> str:
    """Return ``version`` unchanged if well formed, else raise InvalidVersionError."""
    if not isinstance(version, str) or not VERSION_PATTERN.fullmatch(version):
        shown = repr(version) if len(str(version)) <= 40 else f"{str(version)[:20]!r}… ({len(str(version))} characters)"
        raise InvalidVersionError(
            f"Invalid model version {shown}: use 'v' followed by digits (0-9, at most 6), "
            "optionally '.digits' (for example v2 or v2.1)."
        )
    return version


def version_sort_key(version: str) -> tuple[int, int]:
    """Numeric sort key so that v10 sorts after v9 and v2.1 after v2."""
    match = VERSION_PATTERN.fullmatch(version)
    if not match:
        return (10**9, 0)
    return (int(match.group(1)), int(match.group(2) or 0))
