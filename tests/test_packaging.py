"""The two dependency lists (pyproject.toml and environment.yml) must agree."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def pyproject_dependencies() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in project["dependencies"]}
    names |= {_name(r) for r in project["optional-dependencies"]["dev"]}
    return names


def environment_dependencies() -> set[str]:
    import yaml

    spec = yaml.safe_load((REPO / "environment.yml").read_text())
    names = {_name(dep) for dep in spec["dependencies"] if isinstance(dep, str)}
    for dep in spec["dependencies"]:  # packages conda-forge lacks come from PyPI through the pip: list
        if isinstance(dep, dict):
            names |= {_name(p) for p in dep.get("pip", []) if not p.startswith("-")}
    return names - {"python", "pip"}


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    assert pyproject_dependencies() == environment_dependencies()


def test_gitignore_does_not_ignore_the_package_folder():
    text = (REPO / ".gitignore").read_text()
    assert not re.search(r"^/?lib/?$", text, flags=re.MULTILINE)


def test_generated_folders_keep_a_gitkeep():
    for folder in ("data", "runs", "models", "reports", "logs"):
        assert (REPO / folder / ".gitkeep").exists(), folder


def test_notebooks_are_committed_clean_with_a_parameters_cell():
    import nbformat

    notebooks = sorted((REPO / "notebooks").glob("*.ipynb"))
    assert [p.name for p in notebooks] == ["01_export.ipynb", "02_train.ipynb", "03_evaluate.ipynb", "04_drift.ipynb"]
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert "parameters" in code[0].metadata.get("tags", []), path.name
        assert all(not c.outputs and c.execution_count is None for c in code), path.name
        assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# "), path.name


def test_every_notebook_parameter_is_typed_and_documented_for_papermill_help():
    import ast

    import nbformat
    import papermill

    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        parameters = papermill.inspect_notebook(str(path))
        assert "version" in parameters, path.name
        cell = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        assigned = [node.target.id for node in ast.parse(cell.source).body if isinstance(node, ast.AnnAssign)]
        assert list(parameters) == assigned, path.name  # papermill understood every declaration
        for name, spec in parameters.items():
            assert spec["help"].strip(), (path.name, name)
            assert spec["inferred_type_name"] not in ("None", "", None), (path.name, name)
