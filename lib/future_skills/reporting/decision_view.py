"""The decision sheet in words (top of index.html): the recommendation, its reasons, the error rates."""
from __future__ import annotations

from typing import Any

from future_skills.formatting import integer, level_name, long_date, p_statement, percent, points
from future_skills.model.gate_texts import criterion_name
from future_skills.reporting.metrics_view import metric_label
from future_skills.reporting.texts import catalogue_text

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "approve": "Recommendation: approve",
        "approve_with_reservations": "Recommendation: approve with reservations",
        "reject": "Recommendation: reject",
        "gate_failed": "It fails the promotion criteria ({criteria}); it must not go to production as it is.",
        "no_manual_sample": "No manual sample was checked: nobody in HR has compared the model's answers with "
                            "their own on a hand-picked set of pairs.",
        "near_minimum": "When the model says {level}, it is right only {precision} of the time, just above the "
                        "hard minimum of {minimum}.",
        "objectives_missed": "It misses {count} of the registry's objectives: {missed}.",
        "missed_item": "{metric} {value} (objective {target})",
        "within_chance": "On the same {rows} pairs, the candidate is right {signed} compared with production "
                         "(95% range {low} to {high}): the difference is within chance ({p}), so this data "
                         "cannot tell the two models apart.",
        "better": "On the same {rows} pairs, the candidate is right more often than production by {diff} (95% range "
                  "{low} to {high}); a difference this large is unlikely to be chance ({p}).",
        "worse": "On the same {rows} pairs, the candidate is right less often than production by {diff} (95% range "
                 "{low} to {high}); a difference this large is unlikely to be chance ({p}).",
        "recent": "On the {rows} most recent pairs (decided by HR after {after}, learned by neither model), the "
                  "candidate is right {candidate} of the time and production {production}.",
        "weak_group": "Its weakest {column} is {group}: right {accuracy} of the time on {rows} pairs, {gap} "
                      "against its average.",
        "production_drift": "The model in production ({version}) is drifting (verdict: {verdict}): it was right "
                            "{realised} of the time on {rows} pairs HR decided recently, against {tested} when it "
                            "was tested.{drifted}",
        "drifted": " Signals that moved: {features}.",
        "no_production": "No model is in production yet: the candidate is compared with the objectives only.",
        "error_said": "When the model says {level}, it is wrong about {n} {times} in {of}.",
        "error_missed": "Of the pairs HR rates {level}, it misses about {n} in {of}.",
        "verdict_watch": "watch", "verdict_retrain": "retrain recommended",
        "job_department": "department", "skill_category": "skill category",
    },
    "fr": {
        "approve": "Recommandation : approuver",
        "approve_with_reservations": "Recommandation : approuver avec réserves",
        "reject": "Recommandation : rejeter",
        "gate_failed": "Il ne remplit pas les critères de mise en production ({criteria}) ; il ne doit pas passer "
                       "en production en l'état.",
        "no_manual_sample": "Aucun échantillon manuel n'a été vérifié : personne à la RH n'a comparé les réponses "
                            "du modèle aux siennes sur une sélection de paires.",
        "near_minimum": "Quand le modèle dit {level}, il n'a raison que dans {precision} des cas, juste au-dessus "
                        "du minimum bloquant de {minimum}.",
        "objectives_missed": "Il manque {count} des objectifs du registre : {missed}.",
        "missed_item": "{metric} {value} (objectif {target})",
        "within_chance": "Sur les mêmes {rows} paires, le taux de bonnes réponses du candidat est de {signed} "
                         "par rapport à la production (intervalle à 95 % de {low} à {high}) : l'écart relève du "
                         "hasard ({p}), ces données ne permettent pas de départager les deux modèles.",
        "better": "Sur les mêmes {rows} paires, le candidat a raison plus souvent que la production, de {diff} "
                  "(intervalle à 95 % de {low} à {high}) ; un tel écart a peu de chances d'être dû au hasard "
                  "({p}).",
        "worse": "Sur les mêmes {rows} paires, le candidat a raison moins souvent que la production, de {diff} "
                 "(intervalle à 95 % de {low} à {high}) ; un tel écart a peu de chances d'être dû au hasard "
                 "({p}).",
        "recent": "Sur les {rows} paires les plus récentes (décidées par la RH après le {after}, apprises par "
                  "aucun des deux modèles), le candidat a raison dans {candidate} des cas, la production dans "
                  "{production}.",
        "weak_group": "Son point faible par {column} est « {group} » : {accuracy} de bonnes réponses sur {rows} "
                      "paires, soit {gap} par rapport à sa moyenne.",
        "production_drift": "Le modèle en production ({version}) dérive (verdict : {verdict}) : il a eu raison "
                            "dans {realised} des cas sur {rows} paires décidées récemment par la RH, contre "
                            "{tested} lors de son test.{drifted}",
        "drifted": " Signaux qui ont bougé : {features}.",
        "no_production": "Aucun modèle n'est encore en production : le candidat n'est comparé qu'aux objectifs.",
        "error_said": "Quand le modèle dit {level}, il se trompe environ {n} fois sur {of}.",
        "error_missed": "Parmi les paires que la RH classe {level}, il en manque environ {n} sur {of}.",
        "verdict_watch": "à surveiller", "verdict_retrain": "réentraînement recommandé",
        "job_department": "service", "skill_category": "catégorie de compétence",
    },
}


def _t(key: str, lang: str, **fields: Any) -> str:
    return catalogue_text(TEXT, key, lang, **fields)


def _comparison_fields(v: dict[str, Any], lang: str) -> dict[str, str]:
    return {"rows": integer(v["rows"], lang), "diff": points(abs(v["difference"]), lang).lstrip("+"),
            "signed": points(v["difference"], lang),
            "low": points(v["difference_low"], lang), "high": points(v["difference_high"], lang),
            "p": p_statement(v["p_value"], lang)}


def reason_sentence(reason: dict[str, Any], lang: str = "en", readable=str) -> str:
    """One reason of the recommendation in plain words. ``readable`` names a signal for the reader."""
    code, v = reason["code"], reason["values"]
    if code == "gate_failed":
        return _t(code, lang, criteria=", ".join(criterion_name(c, lang).lower() for c in v["criteria"]))
    if code == "near_minimum":
        return _t(code, lang, level=level_name(v["level"], lang), precision=percent(v["precision"], lang),
                  minimum=percent(v["minimum"], lang))
    if code == "objectives_missed":
        items = [_t("missed_item", lang, metric=metric_label(m["key"], lang), value=percent(m["value"], lang),
                    target=percent(m["target"], lang)) for m in v["missed"]]
        return _t(code, lang, count=len(items), missed="; ".join(items))
    if code in ("within_chance", "better", "worse"):
        return _t(code, lang, **_comparison_fields(v, lang))
    if code == "recent":
        return _t(code, lang, rows=integer(v["rows"], lang), after=long_date(v["after"], lang),
                  candidate=percent(v["candidate"], lang), production=percent(v["production"], lang))
    if code == "weak_group":
        return _t(code, lang, column=_t(v["column"], lang), group=v["group"], accuracy=percent(v["accuracy"], lang),
                  rows=integer(v["rows"], lang), gap=points(v["gap"], lang))
    if code == "production_drift":
        drifted = _t("drifted", lang, features=", ".join(readable(f) for f in v["drifted"])) if v["drifted"] else ""
        return _t(code, lang, version=v["version"], verdict=_t(f"verdict_{v['verdict']}", lang),
                  realised=percent(v["realised"], lang), rows=integer(v["realised_rows"], lang),
                  tested=percent(v["tested"], lang), drifted=drifted)
    return _t(code, lang)


def recommendation_title(decision: dict[str, Any], lang: str = "en") -> str:
    """'Recommendation: approve with reservations' in ``lang``."""
    return _t(decision["recommendation"], lang)


def error_sentences(decision: dict[str, Any], lang: str = "en") -> list[str]:
    """What each kind of error means for HR, per level, rounded to 'n times in 10'."""
    lines = []
    for rate in decision.get("error_rates", []):
        level = level_name(rate["level"], lang)
        lines.append(_t("error_said", lang, level=level, **_in_ten(rate["wrong_when_said"])) + " "
                     + _t("error_missed", lang, level=level, **_in_ten(rate["missed"])))
    return lines


def _in_ten(rate: float) -> dict[str, int]:
    """'about 4 in 10'; below 1 in 20, 'about 3 in 100' (never 'about 0 in 10')."""
    n, of = (round(10 * rate), 10) if rate >= 0.05 else (round(100 * rate), 100)
    return {"n": n, "of": of, "times": "time" if n == 1 else "times"}
