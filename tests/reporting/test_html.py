"""HTML reports: no code, no network assets, embedded images, FAILED banner, languages."""
from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from future_skills.exceptions import FutureSkillsError
from future_skills.reporting.html import export_notebook_html, make_html_exporter, render_template, write_run_index

PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005"
    "0001ff8c2a4a8a0000000049454e44ae426082")).decode()


def executed_notebook(tmp_path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A report\n\nPlain words for the reader."),
        nbformat.v4.new_code_cell("secret_code = 42", outputs=[
            nbformat.v4.new_output("stream", name="stderr", text="UserWarning: noisy library\n"),
            nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}),
            nbformat.v4.new_output("execute_result", data={"text/plain": "'visible result'"}, execution_count=1),
        ], execution_count=1),
        nbformat.v4.new_markdown_cell("$x^2$ maths would load MathJax from a CDN in the default template"),
    ]
    path = tmp_path / "executed.ipynb"
    nbformat.write(nb, path)
    return path


def test_notebook_html_has_no_code_no_stderr_and_embedded_images(tmp_path: Path):
    html_path = export_notebook_html(executed_notebook(tmp_path), tmp_path / "out.html", make_html_exporter())
    text = html_path.read_text()
    soup = BeautifulSoup(text, "html.parser")
    assert "secret_code" not in text
    assert "noisy library" not in text
    assert "visible result" in text and "Plain words for the reader." in text
    images = soup.find_all("img")
    assert images and all(img["src"].startswith("data:image/png;base64,") for img in images)
    for tag, attr in (("script", "src"), ("link", "href")):
        for element in soup.find_all(tag):
            assert not (element.get(attr) or "").startswith(("http", "//")), element
    assert "cdnjs" not in text and "unpkg" not in text


def test_failed_run_index_says_failed_and_links_the_notebook(tmp_path: Path):
    context = {
        "version": "v3", "run_date": "2026-01-01T10:00:00", "run_id": "v3-x", "status": "failed",
        "failed": True, "failure": {"notebook": "02_train.ipynb (cell 4)", "error": "ValueError: boom",
                                    "report": "02_train.html"},
        "dataset": None, "verdict": "", "gate_passed": None, "criteria": [], "targets": [], "comparison": None,
        "changes": None, "commands": None, "generated_at": "now", "git_commit": "abc",
        "reports": [{"step": "export", "href": "01_export.html", "exists": True},
                    {"step": "train", "href": "02_train.html", "exists": True},
                    {"step": "evaluate", "href": "03_evaluate.html", "exists": False},
                    {"step": "drift", "href": "04_drift.html", "exists": False}],
    }
    soup = BeautifulSoup(write_run_index(tmp_path / "index.html", context).read_text(), "html.parser")
    failure = soup.find(id="failure")
    assert "FAILED" in failure.get_text() and "02_train.ipynb (cell 4)" in failure.get_text()
    assert "ValueError: boom" in failure.get_text()
    assert failure.find("a")["href"] == "02_train.html"
    assert soup.find(id="verdict") is None
    assert [a["href"] for a in soup.select("#reports a")] == ["01_export.html", "02_train.html"]


def test_french_index_uses_french_headings(tmp_path: Path):
    context = {"version": "v2", "run_date": "d", "run_id": "r", "status": "candidate", "failed": False,
               "failure": {}, "dataset": None, "verdict": "ok", "gate_passed": True,
               "criteria": [{"id": "min_class_precision", "name": "x", "passed": True, "detail": "d"}],
               "targets": [], "comparison": None, "changes": None, "commands": None, "reports": [],
               "generated_at": "now", "git_commit": "abc"}
    text = render_template("index.html.j2", context, lang="fr")
    assert 'lang="fr"' in text and "Critères de mise en production" in text
    assert "Précision minimale pour chaque niveau" in text


def test_unknown_language_is_a_clear_error():
    with pytest.raises(FutureSkillsError, match="not supported"):
        render_template("index.html.j2", {}, lang="de")


def bilingual_notebook(tmp_path: Path, report_lang: str | None) -> Path:
    nb = nbformat.v4.new_notebook()
    english = nbformat.v4.new_markdown_cell("## Training settings\n\nThe settings below are recorded.")
    english.metadata["tags"] = ["lang-en"]
    french = nbformat.v4.new_markdown_cell("## Réglages d'entraînement\n\nLes réglages ci-dessous sont enregistrés.")
    french.metadata["tags"] = ["lang-fr"]
    nb.cells = [english, french, nbformat.v4.new_markdown_cell("Untagged: shown in both languages.")]
    if report_lang:
        nb.metadata["papermill"] = {"parameters": {"version": "v2", "report_lang": report_lang}}
    path = tmp_path / "02_train.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("lang, kept, dropped", [("fr", "Réglages d'entraînement", "Training settings"),
                                                 ("en", "Training settings", "Réglages d'entraînement")])
def test_the_html_keeps_the_cells_of_the_report_language(tmp_path: Path, lang, kept, dropped):
    html = export_notebook_html(bilingual_notebook(tmp_path, lang), tmp_path / "out.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    assert kept in html and dropped not in html and "Untagged: shown in both languages." in html
    assert soup.html["lang"] == lang
    assert soup.title.get_text() == ("v2 — Entraînement du modèle" if lang == "fr" else "v2 — Model training")
    back = soup.select_one(".fs-back a")
    assert back["href"] == "index.html" and ("Retour" if lang == "fr" else "Back") in back.get_text()


def test_without_a_recorded_language_the_report_is_english(tmp_path: Path):
    html = export_notebook_html(bilingual_notebook(tmp_path, None), tmp_path / "out.html").read_text()
    assert "Training settings" in html and "Réglages" not in html


NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


@pytest.mark.parametrize("name", ["01_export", "02_train", "03_evaluate", "04_drift"])
def test_every_markdown_cell_exists_in_both_languages(name):
    notebook = nbformat.read(str(NOTEBOOKS / f"{name}.ipynb"), as_version=4)
    markdown = [c for c in notebook.cells if c.cell_type == "markdown"]
    tags = [set(c.metadata.get("tags", [])) & {"lang-en", "lang-fr"} for c in markdown]
    assert all(len(t) == 1 for t in tags), "every markdown cell is tagged lang-en or lang-fr"
    english = [c for c, t in zip(markdown, tags) if t == {"lang-en"}]
    french = [c for c, t in zip(markdown, tags) if t == {"lang-fr"}]
    assert len(english) == len(french)
    for en, fr in zip(english, french):  # the twins carry the same headings level
        assert en.source.split(" ", 1)[0] == fr.source.split(" ", 1)[0] or not en.source.startswith("#")
    parameters = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
    assert 'report_lang: "str" = "en"  #' in parameters.source


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_papermill_error_banners_read_in_the_report_language(tmp_path: Path, lang: str):
    from future_skills.reporting.html import PAPERMILL_ERROR_TAG

    path = bilingual_notebook(tmp_path, lang)
    nb = nbformat.read(str(path), as_version=4)
    banners = ["<span>An Exception was encountered at '<a href=\"#papermill-error-cell\">In [4]</a>'.</span>",
               "<span id=\"papermill-error-cell\">Execution using papermill encountered an exception here and "
               "stopped:</span>"]
    for source in banners:
        cell = nbformat.v4.new_markdown_cell(source)
        cell.metadata["tags"] = [PAPERMILL_ERROR_TAG]
        nb.cells.append(cell)
    nbformat.write(nb, str(path))
    text = " ".join(BeautifulSoup(export_notebook_html(path, tmp_path / "out.html").read_text(), "html.parser")
                    .get_text(" ").split())
    if lang == "fr":
        assert "An Exception was encountered" not in text and "Execution using papermill" not in text
        assert "L'exécution s'est arrêtée sur une erreur à la cellule" in text and "In [4]" in text
    else:
        assert "An Exception was encountered at" in text and "encountered an exception here and stopped:" in text


def test_page_templates_are_compiled_once_per_language_and_ahead_on_request(monkeypatch):
    """A run's end only fills its pages in: compile_templates compiled them while the notebooks ran."""
    from jinja2 import Environment

    from future_skills.reporting import html

    compiled: list[str] = []
    original = Environment.compile
    monkeypatch.setattr(Environment, "compile",
                        lambda self, source, name=None, *args, **kw: compiled.append(name) or
                        original(self, source, name, *args, **kw))
    monkeypatch.setattr(html, "bytecode_cache", lambda: None)  # compiled here, not loaded from an earlier run's
    html._jinja_environment.cache_clear()
    html.compile_templates("fr")
    assert {"index.html.j2", "status_block.html.j2", "report_status.html.j2"} <= set(compiled)
    compiled.clear()
    for name in ("index.html.j2", "status_block.html.j2", "report_status.html.j2", "model_card.html.j2"):
        html._jinja_environment("fr").get_template(name)
    assert compiled == []  # the same environment, its templates kept
    html._jinja_environment.cache_clear()


def test_compiled_templates_are_kept_between_processes_and_a_full_cache_never_fails_a_page(tmp_path: Path):
    """Like __pycache__: a later run loads the template's code instead of compiling it; writing it is best effort."""
    from jinja2 import Environment, FileSystemLoader

    from future_skills.reporting.html import TEMPLATES_DIR, BestEffortBytecodeCache

    def environment(cache: BestEffortBytecodeCache) -> Environment:
        return Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), bytecode_cache=cache)

    cache = BestEffortBytecodeCache(str(tmp_path))
    first = environment(cache).get_template("status_block.html.j2")
    assert len(list(tmp_path.iterdir())) == 1
    compiled: list[str] = []
    later = environment(cache)
    later.compile = lambda *args, **kwargs: compiled.append("compiled")  # a compile would now fail the load
    assert later.get_template("status_block.html.j2").blocks.keys() == first.blocks.keys()
    assert compiled == []
    unwritable = BestEffortBytecodeCache(str(tmp_path / "absent"))  # writing there fails (as on a full disk)
    assert environment(unwritable).get_template("status_block.html.j2").blocks.keys() == first.blocks.keys()
    assert not (tmp_path / "absent").exists()
