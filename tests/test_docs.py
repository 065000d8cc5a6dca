"""The docs stay inside the repository and true to the code.

- README, docs/ and the package never point outside the repository (``shared/``);
- every link and every file path written in backticks in README.md and docs/*.md names a file
  that exists (generated folders such as runs/ and models/ excepted);
- docs/ARCHITECTURE.md mentions every module of ``lib/future_skills``, and every signature it
  documents has the parameters the code really has.
"""
from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "lib" / "future_skills"
ARCHITECTURE = REPO / "docs" / "ARCHITECTURE.md"
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
REQUIRED_DOCS = ("CONTRACTS.md", "ARCHITECTURE.md", "MLOPS_GUIDE.md")

OUTSIDE_MARKERS = ("shared/",)
# The design brief the project started from is not in the repository: the docs cite CONTRACTS.md instead.
DOC_ONLY_MARKERS = ("DESIGN.md",)
SCANNED_SUFFIXES = {".py", ".md", ".j2", ".json", ".toml", ".tpl", ".css", ".txt", ".cfg"}
GENERATED_FOLDERS = ("data/", "runs/", "models/", "reports/", "logs/", "benchmarks/results/")
# Files the docs may name although they are not in git: the optional thresholds file, generated files.
NOT_IN_REPO = {"future_skills.toml", "MODEL_REGISTRY.md"}
# Where a bare file name in backticks may live.
SEARCH_ROOTS = (REPO, PACKAGE, REPO / "notebooks", REPO / "docs", REPO / "tests",
                PACKAGE / "reporting", PACKAGE / "reporting" / "templates")
FILE_SPAN = re.compile(r"^[\w./-]+\.(?:py|ipynb|md|toml|yml|j2)$")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
CODE_SPAN = re.compile(r"`([^`\n]+)`")


def _code_spans(text: str) -> list[str]:
    """Inline code spans outside fenced blocks."""
    spans, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            spans += CODE_SPAN.findall(line)
    return spans


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    return {_slug(line.lstrip("#")) for line in path.read_text(encoding="utf-8").splitlines()
            if re.match(r"^#{1,6} ", line)}


def _module_files() -> list[str]:
    return sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py"))


# ------------------------------------------------------------------ the repository stands alone
def test_the_docs_exist_and_the_readme_links_them():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in REQUIRED_DOCS:
        assert (REPO / "docs" / name).is_file(), f"docs/{name} is missing"
        assert f"(docs/{name})" in readme, f"README.md does not link docs/{name}"


def test_nothing_points_outside_the_repository():
    files = [*DOCS, *(p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in SCANNED_SUFFIXES)]
    found = []
    for path in files:
        markers = OUTSIDE_MARKERS + (DOC_ONLY_MARKERS if path in DOCS else ())
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            found += [f"{path.relative_to(REPO)}:{number}: {line.strip()}" for marker in markers if marker in line]
    assert not found, "files outside the repository are referenced:\n" + "\n".join(found)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_links_name_existing_files_and_headings(doc: Path):
    broken = []
    for target in LINK.findall(doc.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target):  # http:, https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        linked = (doc.parent / file_part).resolve() if file_part else doc
        if REPO not in linked.parents and linked != REPO:
            broken.append(f"{target} (outside the repository)")
        elif not linked.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
            broken.append(f"{target} (no heading #{anchor} in {linked.name})")
    assert not broken, f"{doc.name} has broken links: " + "; ".join(broken)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_file_paths_in_backticks_exist(doc: Path):
    missing = []
    for span in _code_spans(doc.read_text(encoding="utf-8")):
        span = span.strip()
        if not FILE_SPAN.match(span) or span.startswith(GENERATED_FOLDERS) or span in NOT_IN_REPO:
            continue
        if not any((root / span).exists() for root in SEARCH_ROOTS):
            missing.append(span)
    assert not missing, f"{doc.name} names files that do not exist: {', '.join(sorted(set(missing)))}"


MODULE_AND_NAME = re.compile(r"`([\w/]+\.py)`(?:\]\([^)\s]*\))? `([A-Za-z_]\w*)")  # also [`m.py`](link) `name`


def _defined_names(path: Path) -> set[str]:
    """Top-level functions, classes and assigned names of a module."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_names_given_with_their_module_exist_there(doc: Path):
    """"`model/gate.py` `promotion_gate`": the module must define that name (it moved or was renamed otherwise)."""
    stale = []
    for module, name in MODULE_AND_NAME.findall(doc.read_text(encoding="utf-8")):
        path = next((root / module for root in SEARCH_ROOTS if (root / module).is_file()), None)
        if path is not None and name not in _defined_names(path):
            stale.append(f"{module} {name}")
    assert not stale, f"{doc.name} names what these modules do not define: {', '.join(sorted(set(stale)))}"


# ------------------------------------------------------------------ ARCHITECTURE.md follows the code
def test_architecture_mentions_every_module():
    spans = set(_code_spans(ARCHITECTURE.read_text(encoding="utf-8")))
    missing = []
    for rel in _module_files():
        path = PACKAGE / rel
        tree = ast.parse(path.read_text(encoding="utf-8"))
        only_docstring = len(tree.body) <= 1 and path.name == "__init__.py" and rel != "__init__.py"
        wanted = rel.rsplit("/", 1)[0] + "/" if only_docstring else rel
        if wanted not in spans:
            missing.append(wanted)
    assert not missing, ("docs/ARCHITECTURE.md does not mention these modules of lib/future_skills (add a "
                         "section with their job and public functions): " + ", ".join(missing))


def _parameters(args: ast.arguments) -> list[str]:
    """Parameter names in order, with ``*``/``**`` marks, without ``self``/``cls``."""
    names = [a.arg for a in (*args.posonlyargs, *args.args)]
    names += [f"*{args.vararg.arg}"] if args.vararg else (["*"] if args.kwonlyargs else [])
    names += [a.arg for a in args.kwonlyargs]
    names += [f"**{args.kwarg.arg}"] if args.kwarg else []
    return [n for n in names if n not in ("self", "cls")]


def _real_parameters(tree: ast.Module, dotted: str) -> list[str] | None:
    """The parameters of ``name`` or ``Class.method`` (a class: its __init__ or dataclass fields)."""
    scope: list[ast.stmt] = tree.body
    *owners, name = dotted.split(".")
    for owner in owners:
        cls = next((n for n in scope if isinstance(n, ast.ClassDef) and n.name == owner), None)
        if cls is None:
            return None
        scope = cls.body
    for node in scope:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return _parameters(node.args)
        if isinstance(node, ast.ClassDef) and node.name == name:
            init = next((n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
            if init is not None:
                return _parameters(init.args)
            return [n.target.id for n in node.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)]
    return None


def documented_signatures() -> list[tuple[str, str, str]]:
    """(module, dotted name, parameter text) of every ``- `name(...)``` bullet under a ``### `module.py``` heading."""
    found, module = [], None
    for line in ARCHITECTURE.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^#{2,4} `([\w/]+\.py)`", line)
        if heading:
            module = heading.group(1)
            continue
        if line.startswith("#"):
            module = None
            continue
        bullet = re.match(r"^\s*- (?:class )?`([A-Za-z_][\w.]*)\(([^`]*)\)(?: -> [^`]+)?`", line)
        if module and bullet:
            found.append((module, bullet.group(1), bullet.group(2)))
    return found


def test_architecture_documents_signatures():
    assert len(documented_signatures()) > 100, "ARCHITECTURE.md lost its per-module function reference"


def test_every_module_has_one_section_listing_its_public_functions():
    """A module documented twice, or a public function or class missing from its module's section, is stale."""
    headings = re.findall(r"^#{2,4} `([\w/]+\.py)`", ARCHITECTURE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    twice = sorted({h for h in headings if headings.count(h) > 1})
    documented = {(module, name) for module, name, _ in documented_signatures()}
    missing = []
    for rel in _module_files():
        tree = ast.parse((PACKAGE / rel).read_text(encoding="utf-8"))
        for node in tree.body:
            public = isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_")
            if public and (rel, node.name) not in documented and not _listed_without_parameters(rel, node.name):
                missing.append(f"{rel}: {node.name}")
    assert not twice, f"ARCHITECTURE.md documents these modules more than once: {', '.join(twice)}"
    assert not missing, "ARCHITECTURE.md does not list these public functions/classes: " + ", ".join(missing)


def _listed_without_parameters(module: str, name: str) -> bool:
    """Classes without an __init__ of their own are listed as ``- class `Name` (Base)``."""
    return f"- class `{name}`" in _module_section(module)


def _module_section(module: str) -> str:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    start = text.find(f"`{module}`\n")
    end = text.find("\n#", start + 1)
    return text[start:end] if start >= 0 else ""


@pytest.mark.parametrize("module,name,params", [pytest.param(*s, id=f"{s[0]}:{s[1]}") for s in documented_signatures()])
def test_documented_signature_matches_the_code(module: str, name: str, params: str):
    path = PACKAGE / module
    assert path.is_file(), f"ARCHITECTURE.md documents {module}, which no longer exists"
    real = _real_parameters(ast.parse(path.read_text(encoding="utf-8")), name)
    assert real is not None, f"ARCHITECTURE.md documents {module}: {name}, which the module does not define"
    try:
        documented = _parameters(ast.parse(f"def _({params}): pass").body[0].args)
    except SyntaxError as exc:
        pytest.fail(f"ARCHITECTURE.md: the signature of {module}: {name} is not valid Python ({exc.msg})")
    assert documented == real, f"ARCHITECTURE.md: {module}: {name}({', '.join(documented)}) but the code has ({', '.join(real)})"


def test_signature_check_catches_a_renamed_parameter():
    """The checker itself: a documented parameter that the code does not have is reported."""
    tree = ast.parse("def f(a, *, b=1): pass\nclass C:\n    def m(self, x): pass\n")
    assert _real_parameters(tree, "f") == ["a", "*", "b"]
    assert _real_parameters(tree, "C.m") == ["x"]
    assert _real_parameters(tree, "g") is None
    assert _parameters(ast.parse("def _(a, *, c=1): pass").body[0].args) != _real_parameters(tree, "f")


# ------------------------------------------------------------------ CONTRACTS.md follows the settings
def test_contracts_show_every_setting_with_its_default():
    """The TOML blocks of CONTRACTS.md hold every section and key of the thresholds, with the real defaults."""
    from future_skills.schema import NUMERIC_RANGES
    from future_skills.thresholds import DEFAULTS

    documented: dict = {}
    for block in re.findall(r"```toml\n(.*?)```", (REPO / "docs" / "CONTRACTS.md").read_text(encoding="utf-8"), re.S):
        for section, values in tomllib.loads(block).items():
            documented.setdefault(section, {}).update(values)
    wrong = []
    for section, values in DEFAULTS.items():
        for key, default in values.items():
            if key not in documented.get(section, {}):
                wrong.append(f"[{section}] {key} is missing")
            elif key == "ranges":
                if documented[section][key] != NUMERIC_RANGES:
                    wrong.append(f"[{section}.ranges] is {documented[section][key]}, the code has {NUMERIC_RANGES}")
            elif isinstance(default, (bool, int, float, str)) and documented[section][key] != default:
                wrong.append(f"[{section}] {key} = {documented[section][key]!r}, the code has {default!r}")
    unknown = [f"[{s}] {k}" for s, values in documented.items() for k in values if k not in DEFAULTS.get(s, {})]
    assert not wrong and not unknown, "CONTRACTS.md settings disagree with thresholds.DEFAULTS: " + "; ".join(
        wrong + [f"{u} is not a setting" for u in unknown])
