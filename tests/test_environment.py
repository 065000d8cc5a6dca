"""What a run manifest records of the environment: every installed distribution and its version."""
from __future__ import annotations

from importlib import metadata
from pathlib import Path

from future_skills.environment import installed_packages, name_and_version


def test_installed_packages_are_what_the_metadata_parser_reads():
    """Read from the head of each METADATA file (fast), the same names and versions as the e-mail parser gives."""
    parsed: dict[str, str] = {}
    for dist in metadata.distributions():
        name = (dist.metadata.get("Name") or "").strip().lower()
        if name:
            parsed.setdefault(name, dist.version)
    assert installed_packages() == dict(sorted(parsed.items()))
    assert "scikit-learn" in parsed and "pandas" in parsed


def test_name_and_version_skip_continuation_lines_and_stop_at_the_body(tmp_path: Path):
    info = tmp_path / "odd_pkg-2.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nLicense: first line\n        Name: not a header\n"
                                   "Name: Odd-Pkg\nVersion: 2.1\n\nName: in the description\n")
    assert name_and_version(metadata.PathDistribution(info)) == ("Odd-Pkg", "2.1")
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: Odd-Pkg\n\nVersion: 9.9 (in the body)\n")
    dist = metadata.PathDistribution(info)
    assert name_and_version(dist) == (dist.metadata["Name"], dist.version) == ("Odd-Pkg", None)  # as the parser
