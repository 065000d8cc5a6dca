"""Error types users can cause.

Every error raised on purpose by the package derives from :class:`FutureSkillsError`
and carries one sentence saying what is wrong and what to do; the CLI prints that
sentence and exits non-zero instead of showing a traceback.
"""
from __future__ import annotations


class FutureSkillsError(Exception):
    """Base class: a problem the user can fix, with a one-sentence message."""

    exit_code = 2


class InvalidVersionError(FutureSkillsError):
    """A model version string is not of the form ``v<digits>[.<digits>]``."""


class VersionExistsError(FutureSkillsError):
    """A retrain was asked for a version that already exists."""


class DatabaseError(FutureSkillsError):
    """The HR database cannot be reached or does not hold the expected tables."""


class DatasetValidationError(FutureSkillsError):
    """A dataset (export or CSV) breaks a validation rule.

    ``column`` and ``rule`` name the first failure; ``examples`` holds its first offending rows;
    ``failures`` holds every failed rule (``validation.CheckResult``) when the contract was checked.
    """

    def __init__(self, message: str, column: str | None = None, rule: str | None = None,
                 examples: list[dict] | None = None, failures: list | None = None) -> None:
        super().__init__(message)
        self.column = column
        self.rule = rule
        self.examples = examples or []
        self.failures = failures or []


class ModelNotFoundError(FutureSkillsError):
    """No model file (or no production model) where one was expected."""


class ModelIntegrityError(FutureSkillsError):
    """A model file does not match the sha256 recorded in the registry, or cannot be unpickled."""


class RegistryError(FutureSkillsError):
    """The registry is unreadable, or an operation on it is not allowed."""


class TransitionError(RegistryError):
    """A status change that the registry's life cycle does not allow."""


class PromotionRefusedError(RegistryError):
    """A promotion refused because the gate failed or the version is not approved."""


class NotebookExecutionError(FutureSkillsError):
    """A pipeline notebook failed; names the notebook, the cell and the error."""

    def __init__(self, message: str, notebook: str, cell: int | None = None,
                 error: str | None = None) -> None:
        super().__init__(message)
        self.notebook = notebook
        self.cell = cell
        self.error = error


class NotebookCancelled(NotebookExecutionError):
    """A notebook whose kernel was started ahead was stopped before its first cell: the run stopped meanwhile.
    Nothing of it is written."""

    def __init__(self, notebook: str) -> None:
        super().__init__(f"{notebook} was not started: the run stopped.", notebook=notebook,
                         error="stopped before its first cell")


class ConfigError(FutureSkillsError):
    """The thresholds config file or an environment setting is invalid."""


class MonitoringLogError(FutureSkillsError):
    """The prediction log cannot be read at all (missing folder, unreadable file)."""


class StorageError(FutureSkillsError):
    """A file cannot be written: disk full, read-only file system, no permission. Names the path."""


class PermissionRefusedError(RegistryError):
    """A decision by an account that ``[governance]`` in future_skills.toml does not list."""


class ReportsChangedError(PromotionRefusedError):
    """The reports of a version changed after they were approved."""
