"""Response files generated in other tools' layouts, where no licensed real file could be committed.

Each writer says which real export it imitates; the values are made up, the layout (sheets, column
names, delimiters, header rows, metadata columns, how ticks are written) is the tool's own.
"""

from __future__ import annotations

import csv
from pathlib import Path

KOBO_SURVEY = [
    ("type", "name", "label::English (en)", "label::Français (fr)", "relevant", "required"),
    ("start", "start", "", "", "", ""),
    ("end", "end", "", "", "", ""),
    ("note", "welcome", "Thank you for taking part", "Merci de participer", "", ""),
    ("begin_group", "profile", "About you", "Vous", "", ""),
    ("select_one gender", "gender", "Gender", "Genre", "", "true"),
    ("integer", "age", "Age (years)", "Âge (ans)", "", ""),
    ("select_one agree5", "satisfied", "I was satisfied with my last course", "J'étais satisfait·e", "", ""),
    ("end_group", "", "", "", "", ""),
    ("begin_group", "prefs", "Preferences", "Préférences", "", ""),
    ("select_multiple modes", "modes", "Do you prefer a course…", "Préférez-vous un cours…", "", ""),
    ("select_one sync", "sync", "If online, do you prefer a course…", "Si en ligne…", "selected(${modes}, 'online')", ""),
    ("decimal", "hours", "Hours a week you could study", "Heures par semaine", "", ""),
    ("text", "comments", "Anything else?", "Autre chose ?", "", ""),
    ("end_group", "", "", "", "", ""),
    ("geopoint", "location", "Where are you?", "Où êtes-vous ?", "", ""),
    ("text", "email", "Your e-mail address, if you want the results", "Votre courriel", "", ""),
    ("calculate", "score", "", "", "", ""),
    ("date", "course_date", "When did your last course start?", "Date", "", ""),
]
KOBO_CHOICES = [
    ("list_name", "name", "label::English (en)", "label::Français (fr)"),
    ("gender", "woman", "Woman", "Femme"), ("gender", "man", "Man", "Homme"),
    ("gender", "other", "Other", "Autre"), ("gender", "no_say", "I prefer not to say", "Je préfère ne pas répondre"),
    ("agree5", "1", "Strongly disagree", "Pas du tout d'accord"), ("agree5", "2", "Disagree", "Pas d'accord"),
    ("agree5", "3", "Neither agree nor disagree", "Neutre"), ("agree5", "4", "Agree", "D'accord"),
    ("agree5", "5", "Strongly agree", "Tout à fait d'accord"),
    ("modes", "online", "Online", "En ligne"), ("modes", "onsite", "Face-to-face", "En présentiel"),
    ("modes", "hybrid", "Hybrid", "Hybride"), ("modes", "5", "Whatever suits the course", "Peu importe"),
    ("sync", "async", "Asynchronous", "Asynchrone"), ("sync", "sync", "Synchronous", "Synchrone"),
]
KOBO_ANSWERS = [  # gender, age, satisfied, modes (names), sync, hours, comments, email
    ("woman", "34", "4", "online hybrid", "async", "5.5", "Great course", "ana@example.org"),
    ("man", "51", "5", "onsite", "", "3", "", ""),
    ("no_say", "", "2", "online 5", "sync", "10", "Too long; shorter units please", ""),
    ("woman", "29", "3", "5", "", "", "", ""),
    ("other", "45", "", "online", "async", "2.25", "", "joe@example.org"),
    ("man", "38", "5", "hybrid onsite", "", "4", "More practice", ""),
]


def write_xlsform(path: Path) -> Path:
    """A KoboToolbox XLSForm: survey/choices/settings sheets, groups, two label languages, a relevant."""
    from openpyxl import Workbook

    wb = Workbook()
    survey = wb.active
    survey.title = "survey"
    for row in KOBO_SURVEY:
        survey.append(list(row))
    choices = wb.create_sheet("choices")
    for row in KOBO_CHOICES:
        choices.append(list(row))
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id", "default_language"])
    settings.append(["Learner voice pilot", "lv_pilot", "English (en)"])
    wb.save(path)
    return path


def write_kobo_export(path: Path) -> Path:
    """A KoboToolbox CSV export ("XML values and headers", group names in headers, ';' separated):
    select_multiple as the joined column plus one 0/1 column per option, geopoint split in four, the
    _id/_uuid/_submission_time/… columns at the end."""
    options = ["online", "onsite", "hybrid", "5"]
    header = (["start", "end", "profile/gender", "profile/age", "profile/satisfied", "prefs/modes"]
              + [f"prefs/modes/{o}" for o in options]
              + ["prefs/sync", "prefs/hours", "prefs/comments", "location", "_location_latitude",
                 "_location_longitude", "_location_altitude", "_location_precision", "email", "course_date", "score",
                 "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
                 "__version__", "_tags", "_index"])
    rows = []
    for i, (gender, age, satisfied, modes, sync, hours, comments, email) in enumerate(KOBO_ANSWERS, start=1):
        ticks = ["1" if o in modes.split() else "0" for o in options]
        rows.append([f"2024-03-0{i}T10:00:00.000+01:00", f"2024-03-0{i}T10:09:00.000+01:00", gender, age, satisfied,
                     modes] + ticks + [sync, hours, comments, "41.38 2.17 12 5", "41.38", "2.17", "12", "5", email,
                     f"2023-09-0{i}", "7", str(1000 + i), f"3f1c2a7e-0000-4000-8000-00000000000{i}",
                     f"2024-03-0{i}T09:10:00", "", "[]", "submitted_via_web", "", "vXyZ", "[]", str(i)])
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
    return path


LSS_QUESTIONS = [  # qid, type, code, text, relevance, other
    ("10", "L", "gender", "How do you identify?", "1", "Y"),
    ("11", "N", "age", "How old are you?", "1", "N"),
    ("12", "M", "modes", "Which formats would you consider?", "1", "N"),
    ("13", "L", "sync", "If online, do you prefer a course…", '((modes_SQ001.NAOK == "Y"))', "N"),
    ("14", "F", "satisf", "How satisfied are you with…", "1", "N"),
    ("15", "5", "overall", "Overall, how would you rate the course?", "1", "N"),
    ("16", "T", "comments", "Anything else you want to tell us?", "1", "N"),
    ("17", "S", "contact", "Your e-mail address, if you want the results", "1", "N"),
    ("18", "D", "born", "Date you were born", "1", "N"),
]
LSS_SUBQUESTIONS = [("20", "12", "SQ001", "Online"), ("21", "12", "SQ002", "Face-to-face"), ("22", "12", "SQ003", "Blended"),
                    ("23", "14", "SQ001", "the teachers"), ("24", "14", "SQ002", "the materials")]
LSS_ANSWERS = [("10", "A1", "Man"), ("10", "A2", "Woman"), ("13", "A1", "Asynchronous"), ("13", "A2", "Synchronous"),
               ("14", "A1", "Very dissatisfied"), ("14", "A2", "Dissatisfied"), ("14", "A3", "Neither satisfied nor dissatisfied"),
               ("14", "A4", "Satisfied"), ("14", "A5", "Very satisfied")]
LIMESURVEY_ANSWERS = [  # gender, gender[other], age, modes SQ001-3, sync, satisf SQ001-2, overall, comments, contact, born
    ("A1", "", "34", "Y", "", "Y", "A2", "A4", "A5", "4", "Good", "ana@example.org", "1990-01-02 00:00:00"),
    ("A2", "", "51", "", "Y", "", "", "A3", "A3", "3", "", "", ""),
    ("-oth-", "non-binary", "29", "Y", "", "", "A1", "A5", "A4", "5", "Shorter units, please", "", ""),
    ("A2", "", "", "", "Y", "Y", "", "A2", "", "2", "", "", ""),
    ("A1", "", "45", "Y", "Y", "", "A1", "A4", "A4", "4", "", "", ""),
]


def _lss_table(name: str, fields: list[str], rows: list[dict[str, str]]) -> str:
    body = "".join("<row>" + "".join(f"<{f}><![CDATA[{r.get(f, '')}]]></{f}>" for f in fields) + "</row>" for r in rows)
    return f"<{name}><fields>{''.join(f'<fieldname>{f}</fieldname>' for f in fields)}</fields><rows>{body}</rows></{name}>"


def write_lss(path: Path) -> Path:
    """A LimeSurvey 6 survey structure (.lss, DBVersion 6xx): questions and sub-questions in one table,
    their texts in question_l10ns, answer options with texts in answer_l10ns, a relevance equation."""
    questions = [dict(qid=q, parent_qid="0", sid="900001", gid="1", type=t, title=c, other=o, relevance=r,
                      question_order=str(i), scale_id="0") for i, (q, t, c, _, r, o) in enumerate(LSS_QUESTIONS)]
    questions += [dict(qid=s, parent_qid=p, sid="900001", gid="1", type="T", title=c, other="N", relevance="1",
                       question_order=str(i), scale_id="0") for i, (s, p, c, _) in enumerate(LSS_SUBQUESTIONS)]
    l10ns = [dict(id=str(i), qid=q, question=f"<p>{text}</p>", language="en")
             for i, (q, _, _, text, _, _) in enumerate(LSS_QUESTIONS)]
    l10ns += [dict(id=str(100 + i), qid=s, question=text, language="en") for i, (s, _, _, text) in enumerate(LSS_SUBQUESTIONS)]
    answers = [dict(aid=str(i), qid=q, code=c, sortorder=str(i), scale_id="0") for i, (q, c, _) in enumerate(LSS_ANSWERS)]
    answer_l10ns = [dict(id=str(i), aid=str(i), answer=text, language="en") for i, (_, _, text) in enumerate(LSS_ANSWERS)]
    q_fields = ["qid", "parent_qid", "sid", "gid", "type", "title", "other", "relevance", "question_order", "scale_id"]
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<document><LimeSurveyDocType>Survey</LimeSurveyDocType>'
           "<DBVersion>624</DBVersion><languages><language>en</language></languages>"
           + _lss_table("groups", ["gid", "sid", "group_order"], [dict(gid="1", sid="900001", group_order="0")])
           + _lss_table("questions", q_fields, questions)
           + _lss_table("question_l10ns", ["id", "qid", "question", "language"], l10ns)
           + _lss_table("answers", ["aid", "qid", "code", "sortorder", "scale_id"], answers)
           + _lss_table("answer_l10ns", ["id", "aid", "answer", "language"], answer_l10ns)
           + _lss_table("surveys", ["sid", "language"], [dict(sid="900001", language="en")])
           + _lss_table("surveys_languagesettings", ["surveyls_survey_id", "surveyls_language", "surveyls_title"],
                        [dict(surveyls_survey_id="900001", surveyls_language="en", surveyls_title="Course feedback")])
           + "</document>\n")
    path.write_text(xml, encoding="utf-8")
    return path


def write_limesurvey_codes_export(path: Path) -> Path:
    """A LimeSurvey CSV export with question codes as headings and answer codes as values (its 'CSV' export
    with 'Question code' headings and 'Answer codes'): id/submitdate/lastpage/startlanguage/seed first,
    'Y' or empty in multiple-choice columns, '-oth-' and the other text for 'Other'."""
    header = ["id", "submitdate", "lastpage", "startlanguage", "seed", "gender", "gender[other]", "age",
              "modes[SQ001]", "modes[SQ002]", "modes[SQ003]", "sync", "satisf[SQ001]", "satisf[SQ002]", "overall",
              "comments", "contact", "born"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        for i, row in enumerate(LIMESURVEY_ANSWERS, start=1):
            writer.writerow([str(i), f"2024-05-0{i} 10:00:00", "2", "en", str(1000 + i), *row])
    return path


GOOGLE_ANSWERS = [  # how heard, formats (checkboxes), satisfaction (1-5 scale), age, comments, email
    ("A colleague", "Online, Blended learning", "4", "34", "Very useful", "ana@example.org"),
    ("The university website", "Face-to-face", "5", "51", "", "bo@example.org"),
    ("A colleague", "Online", "3", "29", "Too long, to be honest", ""),
    ("Social media", "Online, Face-to-face, Blended learning", "4", "42", "", "cy@example.org"),
    ("The university website", "Blended learning", "2", "38", "More practice, please", ""),
    ("A colleague", "Online, Face-to-face", "5", "47", "", "dee@example.org"),
    ("Social media", "Face-to-face, Blended learning", "4", "33", "", ""),
    ("A colleague", "Online", "3", "56", "The forum was quiet", "el@example.org"),
]


def write_google_forms(path: Path) -> Path:
    """A Google Forms responses CSV: 'Timestamp' first, 'Email Address' when the form collects it, the question
    texts as headings, checkbox ticks joined with ', ' in one cell, a linear scale as numbers."""
    header = ["Timestamp", "Email Address", "How did you hear about the course?", "Which formats would you consider?",
              "How satisfied are you overall?", "What is your age?", "Any other comments?"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for i, (heard, formats, satisfied, age, comments, email) in enumerate(GOOGLE_ANSWERS, start=1):
            writer.writerow([f"2024/03/0{i} 10:1{i}:32 AM GMT+1", email, heard, formats, satisfied, age, comments])
    return path
