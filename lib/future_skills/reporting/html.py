"""HTML audit reports: executed notebooks → offline HTML without code, plus the run summary.

One :class:`~nbconvert.HTMLExporter` is built per pipeline run and reused for every
notebook (building it loads templates and CSS). Reports must open offline: the custom
``future_skills`` template drops every script the lab template loads from a CDN, and
images are embedded as data URIs.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
from jinja2 import Environment, FileSystemLoader, select_autoescape
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor

from future_skills.atomic import atomic_write_text
from future_skills.reporting.texts import TEXT, check_language

TEMPLATES_DIR = Path(__file__).parent / "templates"
NBCONVERT_TEMPLATES = TEMPLATES_DIR / "nbconvert"
NOTEBOOK_TEMPLATE = "future_skills"


class DropStderrPreprocessor(Preprocessor):
    """Remove stderr streams (library warnings) from outputs: they are noise for DRH readers.

    Error outputs (tracebacks of a failed cell) are kept.
    """

    def preprocess_cell(self, cell, resources, index):  # noqa: D102 - nbconvert API
        if cell.get("cell_type") == "code":
            cell.outputs = [
                out for out in cell.get("outputs", [])
                if not (out.get("output_type") == "stream" and out.get("name") == "stderr")
            ]
        return cell, resources


def make_html_exporter() -> HTMLExporter:
    """An exporter producing self-contained HTML with no code cells and no network assets."""
    exporter = HTMLExporter(
        template_name=NOTEBOOK_TEMPLATE,
        extra_template_basedirs=[str(NBCONVERT_TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    exporter.register_preprocessor(DropStderrPreprocessor(), enabled=True)
    return exporter


def export_notebook_html(notebook_path: Path | str, html_path: Path | str,
                         exporter: HTMLExporter | None = None) -> Path:
    """Export one executed notebook to ``html_path`` (atomically) and return that path."""
    notebook = nbformat.read(str(notebook_path), as_version=4)
    exporter = exporter or make_html_exporter()
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": Path(notebook_path).stem}})
    atomic_write_text(html_path, body)
    return Path(html_path)


def _jinja_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: "—" if v is None else f"{100 * float(v):.1f} %"
    env.filters["num"] = lambda v, d=3: "—" if v is None else f"{float(v):.{d}f}"
    env.filters["signed"] = lambda v, d=3: "—" if v is None else f"{float(v):+.{d}f}"
    return env


def render_template(name: str, context: dict[str, Any], lang: str = "en") -> str:
    """Render an HTML template of ``templates/`` with the narrative text of ``lang``."""
    check_language(lang)
    template = _jinja_environment().get_template(name)
    return template.render(t=TEXT[lang], lang=lang, **context)


def write_run_index(path: Path | str, context: dict[str, Any], lang: str = "en") -> Path:
    """Write ``reports/<version>/index.html``, the summary DRH reads first."""
    atomic_write_text(path, render_template("index.html.j2", context, lang))
    return Path(path)
