"""The promotion criteria in words, in English and French: names, one sentence per outcome, verdicts.

The gate records each criterion's ``case`` and ``values``; the English sentence is stored in
the metadata (``detail``) and any report re-renders the sentence in its own language from the
same values, so a French report never shows a number the gate did not compute.
"""
from __future__ import annotations

from typing import Any

from future_skills.formatting import decimal, integer, level_name, percent, typography
from future_skills.schema import LEVELS

NAMES: dict[str, dict[str, str]] = {
    "en": {"no_regression": "No regression against production",
           "min_class_precision": "Minimum precision for every class",
           "validation_sample": "Manual validation sample",
           "approval": "Approval by DRH / data team"},
    "fr": {"no_regression": "Pas de régression par rapport à la production",
           "min_class_precision": "Précision minimale pour chaque niveau",
           "validation_sample": "Échantillon de validation manuelle",
           "approval": "Approbation par la DRH / l'équipe data"},
}

DETAILS: dict[str, dict[str, str]] = {
    "en": {
        "no_regression.no_production": "No model is in production yet, so there is nothing to regress against.",
        "no_regression.too_few_rows": "Only {rows} held-out rows were never seen by either model and at least "
                                      "{minimum} are needed to compare the candidate with {prod} fairly.",
        "no_regression.accuracy_ok": "Accuracy is not lower than {prod}'s: {numbers}.",
        "no_regression.f1_gain": "Accuracy is lower but weighted F1 improves by {gain} (more than {required}): "
                                 "{numbers}.",
        "no_regression.regression": "Accuracy is lower than {prod}'s and weighted F1 does not improve by more "
                                    "than {required} (change {gain}): {numbers}.",
        "numbers": "accuracy {cand_acc} vs {prod_acc} for {prod}, weighted F1 {cand_f1} vs {prod_f1}, "
                   "on the same {rows} rows neither model was trained on",
        "min_class_precision.below": "Precision is below {minimum} for {low} ({listing}).",
        "min_class_precision.all_above": "Every class has a precision of at least {minimum} ({listing}).",
        "validation_sample.not_provided": "Not checked: no manual validation sample was given, and the settings "
                                          "do not require one.",
        "validation_sample.required_missing": "No manual validation sample was given, but the settings require one "
                                              "([gate] require_validation_sample).",
        "validation_sample.below_minimum": "On the manual sample ({rows} HR-labelled rows) the candidate is right "
                                           "{cand} of the time, below the minimum of {minimum}.",
        "validation_sample.below_production": "On the manual sample ({rows} HR-labelled rows) the candidate is "
                                              "right {cand} of the time, less than the production model ({prod}).",
        "validation_sample.ok": "On the manual sample ({rows} HR-labelled rows) the candidate is right {cand} of "
                                "the time{versus}, at least the minimum of {minimum}.",
        "versus": " (production: {prod})",
        "approval.pending": "Pending DRH approval: recorded in the registry with name and date when given.",
        "verdict.passed": "The candidate passes the automatic promotion criteria; it may go to production once "
                          "DRH approves it.",
        "verdict.failed": "The candidate must not go to production: it fails {failed}.",
        "and": " and ",
        "production": "production",
    },
    "fr": {
        "no_regression.no_production": "Aucun modèle n'est encore en production : il n'y a rien à comparer.",
        "no_regression.too_few_rows": "Seules {rows} lignes de test n'ont été vues par aucun des deux modèles ; "
                                      "il en faut au moins {minimum} pour comparer équitablement le candidat "
                                      "à {prod}.",
        "no_regression.accuracy_ok": "Le taux de bonnes réponses n'est pas inférieur à celui de {prod} : {numbers}.",
        "no_regression.f1_gain": "Le taux de bonnes réponses est plus bas, mais le F1 pondéré progresse de {gain} "
                                 "(plus que {required}) : {numbers}.",
        "no_regression.regression": "Le taux de bonnes réponses est plus bas que celui de {prod} et le F1 pondéré "
                                    "ne progresse pas de plus de {required} (écart {gain}) : {numbers}.",
        "numbers": "bonnes réponses {cand_acc} contre {prod_acc} pour {prod}, F1 pondéré {cand_f1} contre "
                   "{prod_f1}, sur les mêmes {rows} lignes qu'aucun des deux modèles n'a apprises",
        "min_class_precision.below": "La précision est inférieure à {minimum} pour {low} ({listing}).",
        "min_class_precision.all_above": "Chaque niveau a une précision d'au moins {minimum} ({listing}).",
        "validation_sample.not_provided": "Non vérifié : aucun échantillon de validation manuelle n'a été fourni "
                                          "et les réglages n'en exigent pas.",
        "validation_sample.required_missing": "Aucun échantillon de validation manuelle n'a été fourni, alors que "
                                              "les réglages en exigent un ([gate] require_validation_sample).",
        "validation_sample.below_minimum": "Sur l'échantillon manuel ({rows} lignes étiquetées par la RH), le "
                                           "candidat a raison dans {cand} des cas, sous le minimum de {minimum}.",
        "validation_sample.below_production": "Sur l'échantillon manuel ({rows} lignes étiquetées par la RH), le "
                                              "candidat a raison dans {cand} des cas, moins que le modèle en "
                                              "production ({prod}).",
        "validation_sample.ok": "Sur l'échantillon manuel ({rows} lignes étiquetées par la RH), le candidat a "
                                "raison dans {cand} des cas{versus}, au moins le minimum de {minimum}.",
        "versus": " (production : {prod})",
        "approval.pending": "En attente de l'approbation de la DRH : inscrite au registre avec le nom et la date.",
        "verdict.passed": "Le candidat remplit les critères automatiques de mise en production ; il pourra "
                          "passer en production après approbation de la DRH.",
        "verdict.failed": "Le candidat ne doit pas passer en production ; critère non rempli : {failed}.",
        "and": " et ",
        "production": "la production",
    },
}


def criterion_name(cid: str, lang: str = "en") -> str:
    """The criterion's name in ``lang``."""
    return NAMES[lang].get(cid, cid)


def _regression_fields(values: dict[str, Any], lang: str) -> dict[str, str]:
    text = DETAILS[lang]
    prod = values.get("production_version") or text["production"]
    fields = {"prod": prod, "rows": integer(values.get("rows_compared"), lang),
              "minimum": integer(values.get("min_comparison_rows"), lang),
              "required": decimal(values.get("f1_improvement_required"), 2, lang),
              "gain": decimal(values.get("f1_gain"), 3, lang, signed=True), "numbers": ""}
    if values.get("production_accuracy") is not None:
        fields["numbers"] = text["numbers"].format(
            cand_acc=percent(values["candidate_accuracy"], lang), prod_acc=percent(values["production_accuracy"], lang),
            prod=prod, cand_f1=decimal(values["candidate_f1_weighted"], 3, lang),
            prod_f1=decimal(values["production_f1_weighted"], 3, lang), rows=fields["rows"])
    return fields


def _precision_fields(values: dict[str, Any], lang: str) -> dict[str, str]:
    precision = values.get("precision") or {}
    return {"minimum": percent(values.get("minimum"), lang), "low": ", ".join(level_name(v, lang) for v in values.get("below_minimum") or []),
            "listing": ", ".join(f"{level_name(level, lang)} {percent(precision[level], lang)}" for level in LEVELS
                                 if level in precision)}


def _sample_fields(values: dict[str, Any], lang: str) -> dict[str, str]:
    prod = values.get("production_accuracy")
    return {"rows": integer(values.get("rows"), lang), "cand": percent(values.get("candidate_accuracy"), lang),
            "minimum": percent(values.get("min_accuracy"), lang), "prod": percent(prod, lang),
            "versus": DETAILS[lang]["versus"].format(prod=percent(prod, lang)) if prod is not None else ""}


FIELDS = {"no_regression": _regression_fields, "min_class_precision": _precision_fields,
          "validation_sample": _sample_fields}


def criterion_detail(criterion: dict[str, Any], lang: str = "en") -> str:
    """The criterion's sentence in ``lang``, from its recorded case and values (else the stored detail)."""
    key = f"{criterion.get('id')}.{criterion.get('case')}"
    if key not in DETAILS[lang]:
        return str(criterion.get("detail", ""))
    fields = FIELDS.get(str(criterion.get("id")), lambda values, lang: {})
    return typography(DETAILS[lang][key].format(**fields(criterion.get("values") or {}, lang)), lang)


def verdict_text(criteria: list[dict[str, Any]], passed: bool, lang: str = "en") -> str:
    """The gate's verdict sentence: passes, or which automatic criteria fail."""
    text = DETAILS[lang]
    if passed:
        return typography(text["verdict.passed"], lang)
    failed = [criterion_name(c["id"], lang).lower() for c in criteria
              if c.get("passed") is False and c["id"] != "approval"]
    return typography(text["verdict.failed"].format(failed=text["and"].join(failed)), lang)
