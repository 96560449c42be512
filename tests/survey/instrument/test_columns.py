"""Personal columns are never questions, whatever the tool; tool metadata is ignored on purpose."""

from __future__ import annotations

import pytest

from learnervoice.survey.instrument.columns import not_a_question, personal


@pytest.mark.parametrize("name", ["RecipientEmail", "Email Address", "IPAddress", "LocationLatitude", "_location_longitude",
                                  "RecipientFirstName", "Name", "phone_number", "Please enter your address [Street]",
                                  "ipaddr", "Correo electrónico"])
def test_personal_columns(name: str) -> None:
    assert personal(name) is not None
    assert (not_a_question(name) or "").startswith("personal data")


@pytest.mark.parametrize("name", ["Q1", "age", "How often do you study?", "satisfaction", "course_name_pref", "v1"])
def test_answers_are_not_personal(name: str) -> None:
    assert personal(name) is None and not_a_question(name) is None


def test_metadata_depends_on_the_tool() -> None:
    assert not_a_question("Progress", tool="qualtrics") == "added by the survey tool, not an answer"
    assert not_a_question("Progress") is None  # a plain table may well ask about progress
    assert not_a_question("Timestamp", tool="google-forms") is not None
    assert not_a_question("seed", tool="limesurvey") is not None and not_a_question("seed") is None


@pytest.mark.parametrize(("name", "label"), [
    ("byemail", "how many people send email"), ("emailhr", "email hours per week"), ("usewww", "use www other than email"),
    ("sibcall", "how often do you contact your siblings by telephone"), ("intaccss", "internet access at home"),
])
def test_questions_about_email_or_telephones_are_questions(name: str, label: str) -> None:
    """GSS 2002 variables a tester found ignored as contact data: they ask about e-mail, they do not hold one."""
    assert personal(name, label) is None


@pytest.mark.parametrize(("name", "label"), [
    ("RecipientEmail", ""), ("Email Address", ""), ("Contact_Email", ""), ("Q7", "Your e-mail address"),
    ("phone", ""), ("Phone number", ""), ("Q3", "Telefon"), ("mobile_no", ""),
])
def test_fields_holding_contact_details_stay_out(name: str, label: str) -> None:
    assert personal(name, label) is not None
