"""Columns that are not questions: what survey tools add about a response, and personal data.

Personal columns (names, e-mail addresses, IP addresses, locations, phone numbers, postal
addresses) are never made questions, whatever tool wrote them: they go to ``ignore_columns``
with the reason. Tool metadata (dates, durations, progress, ids of the tool) goes there too.
"""

from __future__ import annotations

import re

from ...text import normalize

_WHOSE = r"^(recipient|respondent|participant|contact|your|student|learner|work|home|personal)?\s*_?"
PERSONAL = (  # (pattern on a column's name or its question's text, what it holds)
    (re.compile(_WHOSE + r"(e-?mail|correo( electronico)?|courriel)(\s*_?(address|adresse|addr))?$"
                r"|e-?mail address|adresse e-?mail|correo electronico|your e-?mail|tu (e-?mail|correo)"), "an e-mail address"),
    (re.compile(r"\bip\s*_?address\b|^ip_?addr(ess)?$|^ip$|adresse ip|ip-adresse"), "an IP address"),
    (re.compile(r"latitude|longitude|breitengrad|langengrad|location[ _]?accuracy|geolocation|geopoint|^_?gps"
                r"|_altitude$|_precision$"), "a location"),
    (re.compile(_WHOSE + r"(phone|telephone|telefon|telefono|mobile|tel|cell ?phone)(\s*_?(number|no|nr|numero))?$"
                r"|(phone|telephone|mobile|cell) number|your (tele)?phone|numero de telefono|simserial|subscriberid|deviceid"),
     "a phone or device number"),
    (re.compile(r"(first|last|full|family|given|sur|user|recipient|respondent)\s*_?(name|nom)\b"
                r"|^(name|nom|nombre|prenom|vorname|nachname|apellidos?|username)$"
                r"|name des empfangers|nachname des|vorname des"), "a person's name"),
    (re.compile(r"\b(street|postal code|postcode|zip ?code|home address|postal address)\b|^address$"
                r"|\[(street|city|number|postal code)\]$"), "a postal address"),
)
"""A name or question text says the column holds contact data only when it names the field itself ("Email",
"RecipientEmail", "Your e-mail address", "Phone number"), not when it asks about e-mail or telephones
("byemail: how many people send email", "sibcall: how often by telephone")."""

_QUALTRICS = (r"start_?date|end_?date|status|progress|duration( \(in seconds\))?|finished|recorded_?date|response_?set"
              r"|response_?id|external_?(data_?)?reference|distribution_?channel|user_?language|q_.*|v\d+")
_LIMESURVEY = (r"id|response id|submitdate|date submitted|lastpage|last page|startlanguage|start language|seed"
               r"|startdate|date started|datestamp|date last action|token|refurl|referrer url|interviewtime"
               r"|total time|group time: .*|question time: .*|grouptime.*|filecount - .*|.*_filecount")
_KOBO = r"start|end|today|audit|instanceid|instancename|meta/.*|formhub/.*|__version__|_.*"
_GOOGLE = (r"timestamp|marca temporal|horodateur|zeitstempel|informazioni cronologiche|carimbo de data/hora"
           r"|score|puntuacion|punteggio|punktzahl")
_ANY = r"start_?date|end_?date|submit_?date|recorded_?date|timestamp|_uuid|_submission_time|_index"
METADATA = {
    "qualtrics": re.compile(f"^({_QUALTRICS})$"),
    "limesurvey": re.compile(f"^({_LIMESURVEY})$"),
    "kobo": re.compile(f"^({_KOBO})$"),
    "google-forms": re.compile(f"^({_GOOGLE})$"),
    "any": re.compile(f"^({_ANY})$"),
}


def personal(name: str, label: str = "") -> str | None:
    """Why a column holds personal data, or None.

    >>> personal("RecipientEmail"), personal("Q7", "Your e-mail address"), personal("age")
    ('an e-mail address', 'an e-mail address', None)
    >>> personal("byemail", "how many people send email"), personal("sibcall", "how often by telephone")
    (None, None)
    """
    for text in (name, label):
        key = _key(text)
        if not key:
            continue
        for pattern, what in PERSONAL:
            if pattern.search(key):
                return what
    return None


def metadata(name: str, tool: str = "any") -> bool:
    """Whether a column is something the survey tool adds about a response (not an answer).

    >>> metadata("Duration (in seconds)", "qualtrics"), metadata("_submission_time", "kobo"), metadata("Q1", "qualtrics")
    (True, True, False)
    >>> metadata("v1", "qualtrics"), metadata("v1")
    (True, False)
    """
    key = normalize(name)
    return bool(METADATA["any"].match(key) or (tool in METADATA and METADATA[tool].match(key)))


def _key(text: str) -> str:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text or "")  # RecipientEmail -> Recipient Email
    return normalize(spaced)


def not_a_question(name: str, label: str = "", tool: str = "any") -> str | None:
    """Why a column is left out (personal data or tool metadata), or None for a possible question."""
    why = personal(name, label)
    if why is not None:
        return f"personal data ({why}): never a question"
    if metadata(name, tool):
        return "added by the survey tool, not an answer"
    return None
