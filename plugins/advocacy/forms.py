"""Forms of the advocacy plugin; every message is translated, so errors follow the user's language."""
from __future__ import annotations

from babel import Locale
from flask_babel import get_locale
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from core.api import CONFIDENTIALITY_CHOICES, MultiCheckboxField, required
from core.api import lazy_gettext as _l
from core.api import lazy_pgettext as _lp

from . import requirements
from .models import SYSTEMS, ActionDefender, Answer, MechanismSession

#: Languages a mechanism may work in (the six UN languages and those of the regional bodies).
LANGUAGE_CODES = ("en", "fr", "es", "pt", "ar", "ru", "zh", "de", "it")
ANSWER_KINDS = {
    Answer.ACKNOWLEDGEMENT: _l("Acknowledgement of receipt"),
    Answer.SENT_TO_STATE: _l("Communication sent to the state"),
    Answer.STATE_REPLY: _l("State reply"),
    Answer.PUBLIC_STATEMENT: _l("Public statement"),
    Answer.GRANTED: _l("Precautionary measures granted"),
    Answer.REFUSED: _l("Precautionary measures refused"),
    Answer.RESOLUTION: _l("Resolution adopted"),
    Answer.NO_RESPONSE: _l("No response"),
}
CONSENT_LABELS = {ActionDefender.NOT_ASKED: _l("Not asked yet"), ActionDefender.GIVEN: _l("Consented"),
                  ActionDefender.REFUSED: _lp("consent", "Refused")}
SESSION_KINDS = {MechanismSession.SESSION: _l("Session"), MechanismSession.DEADLINE: _l("Deadline")}
STATE_LABELS = {"draft": _l("Drafts"), "sent": _l("Sent"), "awaiting": _l("Awaiting a reply"),
                "overdue": _l("Reply overdue")}
assert set(ANSWER_KINDS) == set(Answer.KINDS) and set(SESSION_KINDS) == set(MechanismSession.KINDS)


def language_name(code: str) -> str:
    """``es`` → "Spanish", "espagnol" or "español", in the reader's language."""
    try:
        return Locale.parse(code).get_display_name(str(get_locale() or "en")) or code
    except (ValueError, TypeError):
        return code


def language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in LANGUAGE_CODES]


def _detail(label, rows_help=None) -> TextAreaField:
    return TextAreaField(label, validators=[Length(max=50000)], description=rows_help or "")


class ActionForm(FlaskForm):
    mechanism = SelectField(_l("Mechanism"), coerce=int, validators=[InputRequired(_l("Choose the mechanism."))])
    type = SelectField(_l("Type"), choices=[(key, label) for key, (label, _keys) in requirements.TYPES.items()],
                       validators=[InputRequired(_l("Choose the type."))])
    title = StringField(_l("Title"), validators=[required(), Length(max=200)],
                        description=_l("An internal title, e.g. “Urgent appeal to the WGAD on the Izmir lawyers”."))
    country = SelectField(_l("Country concerned"), validators=[Optional()])
    language = SelectField(_l("Language of the submission"), default="en")
    text = TextAreaField(_l("Our text"), validators=[Length(max=200000)])
    reference = StringField(_l("The mechanism's reference"), validators=[Length(max=100)],
                            description=_l("Once known, e.g. “AL TUR 4/2026” or “MC-123-26”."))
    made_public_on = DateField(_l("Made public by the mechanism on"), validators=[Optional()],
                               description=_l("Until then the action stays out of publications."))
    confidentiality = SelectField(_l("Confidentiality"), choices=CONFIDENTIALITY_CHOICES, default="internal")
    assignees = MultiCheckboxField(_l("Staff assigned"), coerce=int)

    perpetrators = _detail(requirements.ELEMENTS["perpetrators"].label, requirements.ELEMENTS["perpetrators"].help)
    source = _detail(requirements.ELEMENTS["source"].label, requirements.ELEMENTS["source"].help)
    facts = _detail(requirements.ELEMENTS["facts"].label, requirements.ELEMENTS["facts"].help)
    national_steps = _detail(requirements.ELEMENTS["national_steps"].label,
                             requirements.ELEMENTS["national_steps"].help)
    urgency = _detail(requirements.ELEMENTS["urgency"].label, requirements.ELEMENTS["urgency"].help)
    measures = _detail(requirements.ELEMENTS["measures"].label, requirements.ELEMENTS["measures"].help)
    state_informed = SelectField(requirements.ELEMENTS["state_informed"].label,
                                 choices=[("", _l("Not known yet")), ("yes", _l("Yes")), ("no", _l("No"))], default="",
                                 description=requirements.ELEMENTS["state_informed"].help)
    state_informed_details = _detail(_l("How the state was informed, and its answer"))
    session = StringField(requirements.ELEMENTS["session"].label, validators=[Length(max=300)],
                          description=requirements.ELEMENTS["session"].help)
    participants = _detail(requirements.ELEMENTS["participants"].label, requirements.ELEMENTS["participants"].help)
    issues = _detail(requirements.ELEMENTS["issues"].label)
    submit = SubmitField(_l("Save"))

    #: The form fields that hold an element of ``details``.
    DETAIL_FIELDS = ("perpetrators", "source", "facts", "national_steps", "urgency", "measures", "state_informed",
                     "state_informed_details", "session", "participants", "issues")

    def __init__(self, *args, working_languages: dict[int, list[str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.working_languages = working_languages or {}

    def validate_language(self, field: SelectField) -> None:
        """A body only reads submissions in its working languages."""
        allowed = self.working_languages.get(self.mechanism.data)
        if allowed and field.data not in allowed:
            raise ValidationError(_l("This mechanism works in: %(languages)s.",
                                     languages=", ".join(language_name(code) for code in allowed)))


class SendForm(FlaskForm):
    sent_on = DateField(_l("Sent on"), validators=[InputRequired(_l("Give the date it was sent."))])
    reference = StringField(_l("The mechanism's reference"), validators=[Length(max=100)])
    reply_expected_by = DateField(_l("A reply is expected by"), validators=[Optional()],
                                  description=_l("Flagged as overdue once this day has passed without an answer."))
    submit = SubmitField(_l("Mark as sent"))


class AnswerForm(FlaskForm):
    kind = SelectField(_l("Answer"), choices=list(ANSWER_KINDS.items()))
    received_on = DateField(_l("Date"), validators=[InputRequired(_l("Give the date of the answer."))])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=50000)])
    expect_reply_by = DateField(_l("A further reply is expected by"), validators=[Optional()])
    document = FileField(_l("Document"), description=_l("The letter or decision received, if any."))
    submit = SubmitField(_l("Record the answer"))


class ConsentForm(FlaskForm):
    defender_id = IntegerField(validators=[InputRequired()])
    consent = SelectField(_l("Consent to this submission"), choices=list(CONSENT_LABELS.items()))
    consent_on = DateField(_l("Given or refused on"), validators=[Optional()])


class SessionForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=list(SESSION_KINDS.items()), default=MechanismSession.SESSION)
    title = StringField(_l("Title"), validators=[required(), Length(max=200)],
                        description=_l("E.g. “62nd session” or “UPR submission deadline: Türkiye”."))
    starts_on = DateField(_l("First day, or the deadline"), validators=[InputRequired(_l("Give the date."))])
    ends_on = DateField(_l("Last day"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)])
    submit = SubmitField(_l("Add"))

    def validate_ends_on(self, field: DateField) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot come before the first day."))


class MechanismForm(FlaskForm):
    key = StringField(_l("Identifier"), validators=[required(), Length(max=80), Regexp(
        r"^[a-z0-9_]+$", message=_l("Use lower-case letters, digits and underscores."))],
        description=_l("A short, permanent identifier such as “un_sr_torture”."))
    system = SelectField(_l("System"), choices=[(s, s) for s in SYSTEMS])
    abbreviation = StringField(_l("Abbreviation"), validators=[Length(max=40)])
    name_en = StringField(_l("Name in English"), validators=[required(), Length(max=300)])
    name_fr = StringField(_l("Name in French"), validators=[Length(max=300)])
    name_es = StringField(_l("Name in Spanish"), validators=[Length(max=300)])
    working_languages = MultiCheckboxField(_l("Working languages"), validators=[
        InputRequired(_l("Choose at least one language."))])
    submission_en = TextAreaField(_l("How to submit, in English"), validators=[Length(max=20000)])
    submission_fr = TextAreaField(_l("How to submit, in French"), validators=[Length(max=20000)])
    submission_es = TextAreaField(_l("How to submit, in Spanish"), validators=[Length(max=20000)])
    position = IntegerField(_l("Position in the list"), default=0, validators=[Optional()])
    active = BooleanField(_l("In use"), default=True,
                          description=_l("Retired mechanisms keep their history but are no longer offered."))
    submit = SubmitField(_l("Save"))


DOSSIER_FORMATS = {"pdf": "PDF", "docx": "DOCX", "zip": _l("ZIP: PDF, JSON and annexes")}


class DossierForm(FlaskForm):
    """What the dossier is about: posted, then kept as the user's draft (so the typed cover paragraph is never in
    an address), from which it is previewed, checked and built."""

    class Meta:
        csrf = False

    mechanism = SelectField(_l("For the mechanism"), coerce=int, validators=[InputRequired(_l("Choose the mechanism."))])
    scope = SelectField(_l("About"), choices=[("country", _l("A country")), ("cases", _l("Chosen cases"))],
                        default="country")
    country = SelectField(_l("Country"), validators=[Optional()])
    case_ids = SelectMultipleField(_l("Cases"), coerce=int, validate_choice=False)
    language = SelectField(_l("Language of the dossier"))
    include_restricted = BooleanField(_l("Include the restricted records I may see (recorded in the audit trail)"))
    cover_note = TextAreaField(_l("A paragraph of your own for the cover letter"), validators=[Length(max=5000)])

    def validate_scope(self, field: SelectField) -> None:
        if field.data == "country" and not self.country.data:
            raise ValidationError(_l("Choose the country."))
        if field.data == "cases" and not self.case_ids.data:
            raise ValidationError(_l("Choose at least one case."))
