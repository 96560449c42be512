"""The questionnaire's words in the study's language (English when the language is not here)."""

from __future__ import annotations

from typing import Any

from ..survey.webform import AnswerProblem

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "consent_title": "Before you start", "agree": "I have read this and I agree to take part",
        "start": "Start", "save": "Save and continue later", "submit": "Submit my answers",
        "saved": "Your answers are saved. Come back to this same link to go on.",
        "resume_link": "Keep this link to come back to your answers:",
        "thanks": "Thank you: your answers are submitted.", "withdraw": "Withdraw my answers",
        "withdraw_note": "You can withdraw at any time: your answers are then deleted.",
        "withdrawn": "Your answers have been deleted. Thank you for letting us know.",
        "fix": "Some answers need a look: see the messages beside the questions.",
        "only_if": "Answer only if it applies to you.", "required": "This question needs an answer.",
        "option": "Choose one of the options.", "number": "Enter a number.", "integer": "Enter a whole number.",
        "range": "Enter a number from {0} to {1}.", "band": "Enter a number from {0} to {1}.",
        "too_long": "Keep the answer under {0} characters.", "needs_consent": "Please tick the box to agree.",
        "optional": "optional", "required_mark": "required",
        "expired": "This page was open for too long; please tick the box and start again.",
        "busy": "Too many questionnaires have been started from your connection; please try again in a few minutes.",
    },
    "es": {
        "consent_title": "Antes de empezar", "agree": "He leído esto y acepto participar",
        "start": "Empezar", "save": "Guardar y seguir más tarde", "submit": "Enviar mis respuestas",
        "saved": "Tus respuestas están guardadas. Vuelve a este mismo enlace para continuar.",
        "resume_link": "Guarda este enlace para volver a tus respuestas:",
        "thanks": "Gracias: tus respuestas se han enviado.", "withdraw": "Retirar mis respuestas",
        "withdraw_note": "Puedes retirarte en cualquier momento: tus respuestas se borrarán.",
        "withdrawn": "Tus respuestas se han borrado. Gracias por avisarnos.",
        "fix": "Algunas respuestas necesitan revisión: mira los mensajes junto a las preguntas.",
        "only_if": "Responde solo si te corresponde.", "required": "Esta pregunta necesita respuesta.",
        "option": "Elige una de las opciones.", "number": "Escribe un número.", "integer": "Escribe un número entero.",
        "range": "Escribe un número de {0} a {1}.", "band": "Escribe un número de {0} a {1}.",
        "too_long": "La respuesta debe tener menos de {0} caracteres.", "needs_consent": "Marca la casilla para aceptar.",
        "optional": "opcional", "required_mark": "obligatoria",
        "expired": "Esta página estuvo abierta demasiado tiempo; marca la casilla y empieza de nuevo.",
        "busy": "Se han empezado demasiados cuestionarios desde tu conexión; inténtalo de nuevo en unos minutos.",
    },
    "ca": {
        "consent_title": "Abans de començar", "agree": "He llegit això i accepto participar-hi",
        "start": "Començar", "save": "Desar i continuar més tard", "submit": "Enviar les meves respostes",
        "saved": "Les teves respostes estan desades. Torna a aquest mateix enllaç per continuar.",
        "resume_link": "Guarda aquest enllaç per tornar a les teves respostes:",
        "thanks": "Gràcies: les teves respostes s'han enviat.", "withdraw": "Retirar les meves respostes",
        "withdraw_note": "Et pots retirar en qualsevol moment: les teves respostes s'esborraran.",
        "withdrawn": "Les teves respostes s'han esborrat. Gràcies per dir-nos-ho.",
        "fix": "Algunes respostes necessiten revisió: mira els missatges al costat de les preguntes.",
        "only_if": "Respon només si et correspon.", "required": "Aquesta pregunta necessita resposta.",
        "option": "Tria una de les opcions.", "number": "Escriu un nombre.", "integer": "Escriu un nombre enter.",
        "range": "Escriu un nombre de {0} a {1}.", "band": "Escriu un nombre de {0} a {1}.",
        "too_long": "La resposta ha de tenir menys de {0} caràcters.", "needs_consent": "Marca la casella per acceptar.",
        "optional": "opcional", "required_mark": "obligatòria",
        "expired": "Aquesta pàgina ha estat oberta massa temps; marca la casella i torna a començar.",
        "busy": "S'han començat massa qüestionaris des de la teva connexió; torna-ho a provar d'aquí a uns minuts.",
    },
}


def words(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])


def problem_text(language: str, problem: AnswerProblem) -> str:
    values: list[Any] = ["…" if v is None else f"{v:g}" if isinstance(v, float) else v for v in problem.values]
    return words(language)[problem.kind].format(*values)
