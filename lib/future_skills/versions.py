"""Model version strings: ``v`` followed by digits, optionally ``.digits`` (v1, v2, v2.1)."""
from __future__ import annotations

import re

from future_skills.exceptions import InvalidVersionError

VERSION_PATTERN = re.compile(r"^v(\d+)(?:\.(\d+))?$")


def validate_version(version: str) -> str:
    """Return ``version`` unchanged if well formed, else raise InvalidVersionError."""
    if not isinstance(version, str) or not VERSION_PATTERN.match(version):
        raise InvalidVersionError(
            f"Invalid model version {version!r}: use 'v' followed by digits, "
            "optionally '.digits' (for example v2 or v2.1)."
        )
    return version


def version_sort_key(version: str) -> tuple[int, int]:
    """Numeric sort key so that v10 sorts after v9 and v2.1 after v2."""
    match = VERSION_PATTERN.match(version)
    if not match:
        return (10**9, 0)
    return (int(match.group(1)), int(match.group(2) or 0))
