"""The drift JSON's plain-English sentences (verdict reasons, notes, assumption) shown in French.

The monitoring layer writes its reasons and notes as English sentences into the drift JSON (the
record of the run, read by the CLI and the history page). The French report renders them from
that data: each known sentence form is matched and rewritten with French words, signal names and
number formats. A sentence of an unknown form (a plug-in's) is shown as written.
"""
from __future__ import annotations

import re

from future_skills.formatting import NARROW_NBSP, typography
from future_skills.reporting.drift_texts import readable

_FEATURES = r"([a-z_]+(?:, [a-z_]+)*)"

# (English form, French template): groups named ``features`` are lists of signal names.
REASONS_FR: tuple[tuple[str, str], ...] = (
    (rf"(?P<count>\d+) features drifted: (?P<features>{_FEATURES[1:-1]})", "{count} signaux en dérive : {features}"),
    (r"(?P<feature>[a-z_]+) drifted and the predicted-level mix drifted with it \(PSI (?P<psi>[\d.]+)\)",
     "dérive de {feature}, accompagnée d'une dérive de la répartition des niveaux prédits (PSI {psi})"),
    (r"(?P<feature>[a-z_]+) drifted \(one feature alone does not call for a retrain\)",
     "dérive de {feature} (un seul signal ne justifie pas un réentraînement)"),
    (r"realised accuracy (?P<accuracy>[\d.]+%) is (?P<drop>[\d.]+%) below the test accuracy \((?P<rows>\d+) decided "
     r"predictions\)", "taux de bonnes réponses constaté de {accuracy}, inférieur de {drop} à celui du test "
                       "({rows} prédictions tranchées par la RH)"),
    (rf"to watch: (?P<features>{_FEATURES[1:-1]})", "à surveiller : {features}"),
    (r"the predicted-level mix moved \(PSI (?P<psi>[\d.]+)\)",
     "la répartition des niveaux prédits a bougé (PSI {psi})"),
    (r"the score distribution moved \(PSI (?P<psi>[\d.]+)\)", "la distribution du score a bougé (PSI {psi})"),
    (r"the model's mean confidence fell from (?P<before>[\d.]+%) to (?P<after>[\d.]+%)",
     "la confiance moyenne du modèle est passée de {before} à {after}"),
    (r"only (?P<rows>\d+) predictions \(< (?P<minimum>\d+)\): too few to ask for a retrain",
     "seulement {rows} prédictions (moins de {minimum}) : trop peu pour demander un réentraînement"),
    (r"no feature, prediction-mix or accuracy signal crossed its threshold",
     "aucun signal, ni la répartition des prédictions, ni le taux de bonnes réponses n'a franchi son seuil"),
    (r"no predictions in the window", "aucune prédiction sur la période"),
    (r"no logged prediction was made by (?P<version>\S+)", "aucune prédiction enregistrée n'a été faite par "
                                                            "{version}"),
    (r"the reference model's test predictions are not available",
     "les prédictions de test du modèle de référence ne sont pas disponibles"),
    (r"a single category: nothing to test", "une seule catégorie : rien à tester"),
    (r"too few predictions per category for a chi-square test",
     "trop peu de prédictions par catégorie pour un test du khi-deux"),
    (r"calibrated probabilities and no concept drift \(the same signals still mean the same need\), so the mean "
     r"confidence estimates the accuracy without labels",
     "des probabilités calibrées et pas de dérive de concept (les mêmes signaux signifient toujours le même "
     "besoin) ; la confiance moyenne estime alors le taux de bonnes réponses sans décisions RH"),
    (r"The prediction mix and score are not compared: the test predictions of (?P<version>\S+) cannot be made "
     r"\((?P<error>.*)\)", "La répartition des prédictions et le score ne sont pas comparés : les prédictions de "
                           "test de {version} ne peuvent pas être calculées ({error})"),
    (r"The HR database was not used \(IDs mapped through the reference dataset, no realised accuracy\): "
     r"(?P<error>.*)", "La base RH n'a pas été utilisée (identifiants retrouvés dans les données de référence, pas "
                       "de taux constaté) ; {error}"),
)
# An exception's own text is English (and may name files): the French page says where to read it instead.
ERROR_FR = "détail technique, en anglais, dans le fichier drift.json de l'analyse"
_COMPILED = tuple((re.compile(pattern + r"\Z", re.DOTALL), template) for pattern, template in REASONS_FR)


def _french_number(text: str) -> str:
    """'81.4%' -> '81,4 %', '0.31' -> '0,31'."""
    text = re.sub(r"(\d)\.(\d)", r"\1,\2", text)
    return re.sub(r"(\d)%", rf"\1{NARROW_NBSP}%", text)


def _field(name: str, value: str) -> str:
    if name == "features":
        return ", ".join(readable(f, "fr") for f in value.split(", "))
    if name == "feature":
        return readable(value, "fr")
    if name == "error":
        return ERROR_FR
    return value if name == "version" else _french_number(value)


def reason_text(sentence: str, lang: str = "en") -> str:
    """One reason, note or assumption of the drift JSON in ``lang`` (unchanged in English)."""
    if lang == "en" or not sentence:
        return sentence
    for pattern, template in _COMPILED:
        found = pattern.match(sentence)
        if found:
            return typography(template.format(**{k: _field(k, v) for k, v in found.groupdict().items()}), lang)
    return sentence
