"""HTML audit reports: executed notebooks → offline HTML without code, plus the run summary.

One :class:`~nbconvert.HTMLExporter` is built per pipeline run and reused for every
notebook (building it loads templates and CSS). Reports must open offline: the custom
``future_skills`` template drops every script the lab template loads from a CDN, and
images are embedded as data URIs.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache, FileSystemLoader, select_autoescape
from jinja2.bccache import Bucket

from future_skills.atomic import atomic_write_text
from future_skills.formatting import LANGUAGES, check_language, mark_css, typography
from future_skills.paths import NOTEBOOK_STEPS
from future_skills.registry.governance import STATUS_BEGIN, STATUS_END
from future_skills.reporting.filters import template_filters
from future_skills.reporting.model_card import card_text
from future_skills.reporting.texts import GLOSSARY, TEXT

if TYPE_CHECKING:
    from nbconvert import HTMLExporter

TEMPLATES_DIR = Path(__file__).parent / "templates"
NBCONVERT_TEMPLATES = TEMPLATES_DIR / "nbconvert"
NOTEBOOK_TEMPLATE = "future_skills"


class BestEffortBytecodeCache(FileSystemBytecodeCache):
    """Compiled templates kept on disk between runs, like ``__pycache__`` (jinja checks each against its
    template's source): nbconvert's report templates and the run's pages compiled in ~0.13 s at every run.
    A cache that cannot be written (full disk, read-only folder) is skipped, never failing a page."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


@functools.cache
def bytecode_cache() -> BytecodeCache | None:
    """The user's template cache (jinja's private per-user folder in the temporary directory), None if unusable."""
    try:
        return BestEffortBytecodeCache()
    except (OSError, RuntimeError):
        return None


def drop_stderr(notebook: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Remove stderr streams (library warnings) from outputs: they are noise for DRH readers.

    Error outputs (tracebacks of a failed cell) are kept. An nbconvert preprocessor (a callable).
    """
    for cell in notebook.cells:
        if cell.get("cell_type") == "code":
            cell.outputs = [
                out for out in cell.get("outputs", [])
                if not (out.get("output_type") == "stream" and out.get("name") == "stderr")
            ]
    return notebook, resources


def make_html_exporter() -> HTMLExporter:
    """An nbconvert ``HTMLExporter`` producing self-contained HTML with no code cells and no network assets."""
    # nbconvert (0.2 s) is imported when the first report is exported, not while a run's first kernels start
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name=NOTEBOOK_TEMPLATE,
        extra_template_basedirs=[str(NBCONVERT_TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.register_preprocessor(drop_stderr, enabled=True)
    exporter.environment.bytecode_cache = bytecode_cache()
    return exporter


LANGUAGE_TAG = "lang-{lang}"


def keep_language(notebook: nbformat.NotebookNode, lang: str) -> nbformat.NotebookNode:
    """Drop the cells tagged for another language (``lang-en`` / ``lang-fr``); untagged cells stay."""
    other = {LANGUAGE_TAG.format(lang=x) for x in LANGUAGES if x != lang}
    notebook.cells = [c for c in notebook.cells if not other & set(c.get("metadata", {}).get("tags", []))]
    return notebook


PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"


def localise_error_banners(notebook: nbformat.NotebookNode, lang: str) -> nbformat.NotebookNode:
    """Papermill's two English banners of a failed run ("An Exception was encountered at …") in ``lang``."""
    if lang == "en":
        return notebook
    for cell in notebook.cells:
        if PAPERMILL_ERROR_TAG in cell.get("metadata", {}).get("tags", []):
            for key in ("papermill_top", "papermill_here"):
                cell.source = cell.source.replace(TEXT["en"][key], typography(TEXT[lang][key], lang))
    return notebook


def report_header(notebook_path: Path | str, parameters: dict[str, Any], lang: str) -> dict[str, str]:
    """Browser title ("v2 — Training") and the link text back to the summary, in ``lang``."""
    name = Path(notebook_path).name
    step = NOTEBOOK_STEPS.get(name if name.endswith(".ipynb") else f"{name}.ipynb")
    title = TEXT[lang][f"report_{step}"].split(". ", 1)[-1] if step else Path(notebook_path).stem
    version = parameters.get("version")
    return {"title": f"{version} — {title}" if version else title, "back": TEXT[lang]["back_to_summary"]}


def export_notebook_html(notebook_path: Path | str, html_path: Path | str,
                         exporter: HTMLExporter | None = None, lang: str | None = None) -> Path:
    """Export one executed notebook to ``html_path`` (atomically), keeping the cells of one language, with an
    empty live status region at the top (filled from the registry by ``status_block.refresh_status_blocks``).

    ``lang`` defaults to the notebook's ``report_lang`` parameter (recorded by papermill), else English.
    """
    notebook = nbformat.read(str(notebook_path), as_version=4)
    parameters = notebook.metadata.get("papermill", {}).get("parameters", {}) or {}
    lang = check_language(lang or parameters.get("report_lang") or "en")
    keep_language(notebook, lang)
    localise_error_banners(notebook, lang)
    header = report_header(notebook_path, parameters, lang)
    exporter = exporter or make_html_exporter()
    exporter.language_code = lang
    body, _ = exporter.from_notebook_node(
        notebook, resources={"metadata": {"name": header["title"]}, "fs_back": header["back"], "fs_lang": lang,
                             "fs_status": STATUS_BEGIN + STATUS_END})
    atomic_write_text(html_path, body)
    return Path(html_path)


@functools.cache
def _jinja_environment(lang: str = "en") -> Environment:
    """Templates with the shared formatters bound to ``lang`` (``{{ x | pct }}``, ``{{ key | metric }}``, …).

    One environment per language, kept: it keeps each template compiled (a template edited since is compiled
    again). A new one per page compiled the index and its status blocks again at every run's end (0.13 s).
    """
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=bytecode_cache(),
    )
    env.filters.update(template_filters(lang))
    return env


def compile_templates(lang: str = "en") -> None:
    """Compile the page templates of ``templates/`` for ``lang`` ahead of their first page (a run's end renders
    the index and the status blocks: 0.1 s of compiling)."""
    environment = _jinja_environment(lang)
    for template in sorted(TEMPLATES_DIR.glob("*.j2")):
        environment.get_template(template.name)


def render_template(name: str, context: dict[str, Any], lang: str = "en") -> str:
    """Render an HTML template of ``templates/`` with the narrative text of ``lang``."""
    check_language(lang)
    template = _jinja_environment(lang).get_template(name)
    text = {key: typography(value, lang) for key, value in TEXT[lang].items()}
    shared = {"t": text, "lang": lang, "card": card_text(lang), "glossary": GLOSSARY, "mark_css": mark_css()}
    return template.render({**shared, **context})  # a page's own context wins (e.g. its own glossary)


def write_run_index(path: Path | str, context: dict[str, Any], lang: str = "en") -> Path:
    """Write ``reports/<version>/index.html``, the summary DRH reads first."""
    atomic_write_text(path, render_template("index.html.j2", context, lang))
    return Path(path)
