"""Reading the model registry: typed entries from ``models/registry.json``, the stop switch, the audit check.

:class:`RegistryReader` never writes or locks; :class:`future_skills.registry.store.Registry`
adds the changes.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from future_skills.exceptions import ModelNotFoundError, RegistryError
from future_skills.paths import ProjectPaths, get_paths, relative_to_root
from future_skills.registry import audit
from future_skills.registry.entities import RegistryData, RegistryEntry
from future_skills.registry.suspension import Suspension, read_suspension
from future_skills.versions import validate_version, version_sort_key

SCHEMA_VERSION = 1
AUTO = "auto"  # "the version in production", wherever a version is asked for


def read_metadata(path: Path | str) -> dict[str, Any]:
    """A model's metadata JSON (``future_skills_model_<v>.json``, staged or published).

    ModelNotFoundError when it is missing or unreadable: the one reader of that file.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelNotFoundError(
            f"Model metadata {path} does not exist; run the training notebook (02_train) for this version first."
        ) from exc
    except (OSError, ValueError) as exc:
        raise ModelNotFoundError(f"Model metadata {path} cannot be read ({exc}); re-run the training notebook.") from exc
    if not isinstance(data, dict):
        raise ModelNotFoundError(f"Model metadata {path} is not a JSON object; re-run the training notebook.")
    return data


def entry_metadata(paths: ProjectPaths, entry: RegistryEntry | None) -> dict[str, Any] | None:
    """A registry entry's metadata JSON, or None when it is gone or unreadable."""
    if entry is None or not entry.metadata_path:
        return None
    try:
        return read_metadata(paths.root / entry.metadata_path)
    except ModelNotFoundError:
        return None


class RegistryReader:
    """Read ``models/registry.json`` and the audit log (never writes)."""

    def __init__(self, paths: ProjectPaths | None = None) -> None:
        self.paths = paths or get_paths()

    @property
    def path(self) -> Path:
        return self.paths.registry_json

    def _display_path(self) -> str:
        return relative_to_root(self.path, self.paths.root)

    # ----------------------------------------------------------------- reading
    def _read_json(self) -> dict[str, Any] | None:
        """The parsed file, or None when it does not exist yet; RegistryError when unreadable."""
        where = self._display_path()
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except UnicodeDecodeError as exc:
            raise RegistryError(f"{where} is not valid JSON (not UTF-8 text): restore it from backup or git, "
                                "or move it away to start an empty registry.") from exc
        except OSError as exc:
            raise RegistryError(f"{where} cannot be read ({exc.strerror}); check its permissions.") from exc
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise RegistryError(f"{where} is not valid JSON (line {exc.lineno}): restore it from backup or git, "
                                "or move it away to start an empty registry.") from exc

    def load(self) -> RegistryData:
        """The whole registry, typed (an empty one when the file does not exist yet)."""
        data = self._read_json()
        if data is None:
            return RegistryData(schema_version=SCHEMA_VERSION)
        if not isinstance(data, dict) or not isinstance(data.get("versions", {}), dict):
            raise RegistryError(f"{self._display_path()} does not hold a registry object with a 'versions' "
                                "mapping: restore it from backup or git.")
        try:
            return RegistryData.from_dict(data)
        except (ValueError, TypeError, AttributeError) as exc:
            raise RegistryError(f"{self._display_path()} holds an invalid entry ({exc}): "
                                "restore it from backup or git.") from exc

    def versions(self) -> list[RegistryEntry]:
        """All entries, oldest version first (v2 before v10)."""
        data = self.load()
        return [data.versions[v] for v in sorted(data.versions, key=version_sort_key)]

    def get(self, version: str) -> RegistryEntry:
        """One version's entry; RegistryError when it is not registered."""
        return find_entry(self.load(), version)

    def exists(self, version: str) -> bool:
        return version in self.load().versions

    def production_version(self) -> str | None:
        return self.load().production

    def production_entry(self) -> RegistryEntry | None:
        return self.load().production_entry()

    def resolve(self, requested: str | None) -> RegistryEntry | None:
        """``"auto"`` (or None/empty) -> the production entry (None when there is none); a version -> its entry.

        The one place where "auto" becomes a version (evaluation, drift reference, serving).
        """
        if requested is None or not str(requested).strip() or str(requested).strip().lower() == AUTO:
            return self.production_entry()
        return self.get(str(requested).strip())

    def suspension(self) -> Suspension | None:
        """Who suspended serving and why, or None while it runs."""
        return read_suspension(self.paths.suspension_flag)

    def verify(self) -> audit.AuditResult:
        """Check the audit log's chain and that registry.json agrees with it."""
        return audit.verify_audit(self.paths.audit_log, self.path, self.load(),
                                  suspended=self.paths.suspension_flag.exists())


def find_entry(data: RegistryData, version: str, copy_entry: bool = True) -> RegistryEntry:
    """``data``'s entry for ``version`` (a copy unless asked), or RegistryError."""
    validate_version(version)
    entry = data.versions.get(version)
    if entry is None:
        raise RegistryError(f"Version {version} is not in the registry; run `future-skills registry` to list versions.")
    return copy.deepcopy(entry) if copy_entry else entry
