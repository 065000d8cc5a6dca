"""The package's imports run one way: cli → pipeline → reporting → serving → monitoring → model →
registry → data → foundations. A module may import its own layer or any lower one, never a higher one
(function-level imports included: they are still dependencies)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "lib" / "future_skills"
# Lowest first. Top-level modules not named here are foundations.
LAYERS = ["foundations", "data", "registry", "model", "monitoring", "serving", "reporting", "pipeline", "cli"]
MAX_LINES = 400


def layer_of(module: str) -> str:
    """``future_skills.model.training`` -> ``model``; a top-level module is a foundation."""
    parts = module.split(".")
    if len(parts) >= 3 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()):
        return parts[1] if parts[1] in LAYERS else "foundations"
    return "foundations"


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts)
        found.append((name.removesuffix(".__init__"), path))
    return found


def imported_modules(path: Path, module: str) -> list[tuple[int, str]]:
    """Every ``future_skills`` module that ``path`` imports, with the line number."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("future_skills")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base.startswith("future_skills"):
                found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def test_every_module_is_in_a_known_layer():
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages <= set(LAYERS), f"subpackage(s) {packages - set(LAYERS)} not placed in LAYERS"


@pytest.mark.parametrize("module,path", modules(), ids=lambda v: str(v) if isinstance(v, str) else "")
def test_imports_run_downwards(module: str, path: Path):
    if module == "future_skills":
        return  # the package's public API re-exports from every layer, lazily
    own = LAYERS.index(layer_of(module))
    upward = []
    for line, target in imported_modules(path, module):
        target_layer = layer_of(target)
        if LAYERS.index(target_layer) > own:
            upward.append(f"line {line}: {target} ({target_layer})")
    assert not upward, f"{module} ({layer_of(module)}) imports a higher layer: " + "; ".join(upward)


def test_layer_rule_catches_an_upward_import(tmp_path):
    """The checker itself: an import of the CLI from the data layer is reported."""
    source = tmp_path / "x.py"
    source.write_text("def f():\n    from future_skills.cli import main\n")
    imports = imported_modules(source, "future_skills.data.x")
    assert imports == [(2, "future_skills.cli.main")]
    assert LAYERS.index(layer_of(imports[0][1])) > LAYERS.index(layer_of("future_skills.data.x"))


@pytest.mark.parametrize("module,path", modules(), ids=lambda v: str(v) if isinstance(v, str) else "")
def test_modules_stay_small(module: str, path: Path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by responsibility (limit {MAX_LINES})"


def function_level_imports(path: Path) -> list[tuple[int, str, str]]:
    """(line, import text, the line above it) of every import inside a function of ``path``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for sub in ast.walk(node):
                if isinstance(sub, (ast.Import, ast.ImportFrom)):
                    above = lines[sub.lineno - 2] if sub.lineno >= 2 else ""
                    found.append((sub.lineno, lines[sub.lineno - 1], above))
    return found


def is_explained(line: str, above: str) -> bool:
    """An import inside a function says why: a comment on its line, or on the line (block) above it."""
    stripped = above.strip()
    return "#" in line or stripped.startswith("#") or stripped.startswith(("import ", "from "))


@pytest.mark.parametrize("module,path", modules(), ids=lambda v: str(v) if isinstance(v, str) else "")
def test_function_level_imports_say_why(module: str, path: Path):
    """Imports live at the top of the module unless importing late buys start-up time or breaks a
    real cycle, and then a comment says which."""
    unexplained = [f"line {n}: {text.strip()}" for n, text, above in function_level_imports(path)
                   if not is_explained(text, above)]
    assert not unexplained, f"{module}: function-level imports without a comment saying why: {unexplained}"


def test_the_why_rule_catches_a_silent_late_import(tmp_path):
    source = tmp_path / "x.py"
    source.write_text("def f():\n    import json\n\n\ndef g():\n    # start-up time\n    import csv\n")
    found = function_level_imports(source)
    assert [is_explained(text, above) for _, text, above in found] == [False, True]
