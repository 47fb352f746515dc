"""Forms of the interventions plugin; every message is translated, so errors follow the user's language."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from core.api import CONFIDENTIALITY_CHOICES, MultiCheckboxField, required, valid_email
from core.api import lazy_gettext as _l
from core.api import lazy_pgettext as _lp

from .models import LANGUAGES, Action, Case, Consultation, Development, Dispatch, Outcome, Perpetrator, Response

SOURCE_KINDS = [("partner", _l("A partner organisation")), ("defender", _l("The defender")),
                ("relative", _l("A relative")), ("media", _l("The media")), ("other", _l("Other"))]
RECEIVED_VIA = [("email", _l("Email")), ("phone", _l("Phone")), ("secure_messaging", _l("Secure messaging")),
                ("in_person", _l("In person")), ("mail", _l("Post")), ("other", _l("Other"))]
PRIORITIES = [("low", _lp("priority", "Low")), ("normal", _l("Normal")), ("high", _lp("priority", "High")),
              ("urgent", _l("Urgent"))]
PERPETRATOR_TYPES = {
    "police": _l("Police"), "military": _l("Armed forces"), "judiciary": _l("Judiciary or prosecution"),
    "intelligence": _l("Intelligence services"), "prison": _l("Prison administration"),
    "local_authority": _l("Local authorities"), "other_state": _l("Other state agents"),
    "armed_group": _l("Armed group"), "company": _l("Company or its security"),
    "religious_group": _l("Religious group"), "media": _l("Media"),
    "private_individuals": _l("Private individuals"), "unknown": _l("Unknown"),
}
ACTION_TYPES = {
    "urgent_appeal": _l("Urgent appeal"), "follow_up": _l("Follow-up appeal"), "closing": _l("Closing appeal"),
    "press_release": _l("Press release"), "open_letter": _l("Open letter to the authorities"),
    "private_letter": _l("Private letter to the authorities"),
}
ANSWERS = {"confirmed": _l("Confirmed the facts"), "partly": _l("Confirmed part of the facts"),
           "not_confirmed": _l("Did not confirm"), "no_answer": _l("No answer yet")}
LANGUAGE_NAMES = {"en": _l("English"), "fr": _l("French"), "es": _l("Spanish")}
PRIORITY_LABELS, SOURCE_LABELS = dict(PRIORITIES), dict(SOURCE_KINDS)
CASE_STATUS_LABELS = {"open": _l("Open"), "closed": _lp("case", "Closed")}
VERIFICATION_LABELS = {"pending": _l("To verify"), "verified": _l("Verified"), "not_confirmed": _l("Not confirmed"),
                       "overridden": _l("Published without verification")}
#: The verification decisions as the case page and its timeline tell them.
VERIFICATION_DECISIONS = {**VERIFICATION_LABELS, "overridden": _l("Publication allowed without verification")}
ACTION_STATUS_LABELS = {"draft": _l("Draft"), "in_review": _l("In review"), "approved": _l("Approved"),
                        "published": _l("Published")}
assert set(VERIFICATION_LABELS) == {Case.PENDING, Case.VERIFIED, Case.NOT_CONFIRMED, Case.OVERRIDDEN}
assert set(CASE_STATUS_LABELS) == {Case.OPEN, Case.CLOSED}
assert set(ACTION_STATUS_LABELS) == {Action.DRAFT, Action.IN_REVIEW, Action.APPROVED, Action.PUBLISHED}
assert set(PERPETRATOR_TYPES) == set(Perpetrator.STATE_TYPES + Perpetrator.NON_STATE_TYPES)
assert set(ACTION_TYPES) == set(Action.TYPES) and set(ANSWERS) == set(Consultation.ANSWERS)


class PerpetratorForm(Form):
    """One alleged perpetrator; a row left empty is ignored."""

    type = SelectField(_l("Alleged perpetrator"), choices=[("", "—")] + [
        (key, PERPETRATOR_TYPES[key]) for key in Perpetrator.STATE_TYPES + Perpetrator.NON_STATE_TYPES],
        validators=[Optional()])
    details = StringField(_l("Details"), validators=[Length(max=500)])

    def validate_details(self, field: StringField) -> None:
        if (field.data or "").strip() and not self.type.data:
            raise ValidationError(_l("Choose the type of perpetrator."))


class CaseForm(FlaskForm):
    title = StringField(_l("Title"), validators=[required(), Length(max=200)],
                        description=_l("A short internal title, e.g. “Arrest of a lawyer in Izmir”."))
    country = SelectField(_l("Country"), validators=[required()])
    events_date = DateField(_l("Date of the events"), validators=[Optional()])
    events_place = StringField(_l("Place of the events"), validators=[Length(max=200)])
    violations = MultiCheckboxField(_l("Violations"), coerce=int)
    perpetrators = FieldList(FormField(PerpetratorForm), min_entries=3, max_entries=10)
    description = TextAreaField(_l("What happened"), validators=[required(), Length(max=50000)])
    source_kind = SelectField(_l("Source of the report"), choices=SOURCE_KINDS, default="partner")
    source_partner = SelectField(_l("Partner organisation that reported it"), coerce=int, validate_choice=True)
    source_details = TextAreaField(_l("About the source"), validators=[Length(max=5000)],
                                   description=_l("Who, how to reach them again. Confidential, never published."))
    received_via = SelectField(_l("Received by"), choices=RECEIVED_VIA, default="email")
    received_at = DateTimeLocalField(_l("Received on"), format="%Y-%m-%dT%H:%M", validators=[
        InputRequired(message=_l("Give the date and time the report arrived."))])
    priority = SelectField(_l("Priority"), choices=PRIORITIES, default="normal")
    confidentiality = SelectField(_l("Confidentiality"), choices=CONFIDENTIALITY_CHOICES, default="internal")
    assignees = MultiCheckboxField(_l("Assigned case officers"), coerce=int)
    submit = SubmitField(_l("Save"))

    def perpetrator_rows(self) -> list[dict]:
        rows = []
        for entry in self.perpetrators.entries:
            kind = entry.form.type.data
            if kind:
                rows.append({"state": kind in Perpetrator.STATE_TYPES, "type": kind,
                             "details": (entry.form.details.data or "").strip()})
        return rows


class ActionForm(FlaskForm):
    type = SelectField(_l("Type"), choices=list(ACTION_TYPES.items()), default="urgent_appeal")
    title_en = StringField(_l("Title"), validators=[Length(max=300)])
    body_en = TextAreaField(_l("Text"), validators=[Length(max=100000)])
    requested_en = TextAreaField(_l("Actions requested"), validators=[Length(max=20000)])
    title_fr = StringField(_l("Title"), validators=[Length(max=300)])
    body_fr = TextAreaField(_l("Text"), validators=[Length(max=100000)])
    requested_fr = TextAreaField(_l("Actions requested"), validators=[Length(max=20000)])
    title_es = StringField(_l("Title"), validators=[Length(max=300)])
    body_es = TextAreaField(_l("Text"), validators=[Length(max=100000)])
    requested_es = TextAreaField(_l("Actions requested"), validators=[Length(max=20000)])
    submit = SubmitField(_l("Save"))

    def validate(self, extra_validators=None) -> bool:
        """At least one language, and no title without its text."""
        valid = super().validate(extra_validators)
        if not any((self[f"title_{lang}"].data or "").strip() for lang in LANGUAGES):
            self.title_en.errors = [*self.title_en.errors, _l("Give a title in at least one language.")]
            valid = False
        for lang in LANGUAGES:
            if (self[f"title_{lang}"].data or "").strip() and not (self[f"body_{lang}"].data or "").strip():
                self[f"body_{lang}"].errors = [*self[f"body_{lang}"].errors,
                                               _l("A title needs its text in the same language.")]
                valid = False
        return valid

    def text_data(self) -> dict:
        return {f"{part}_{lang}": (self[f"{part}_{lang}"].data or "").strip()
                for part in ("title", "body", "requested") for lang in LANGUAGES}


class ConsultationForm(FlaskForm):
    partner = SelectField(_l("Partner organisation"), coerce=int, validators=[required()])
    consulted_on = DateField(_l("Consulted on"), validators=[InputRequired(message=_l("Give a date."))])
    answer = SelectField(_l("Answer"), choices=list(ANSWERS.items()))
    notes = TextAreaField(_l("What they said"), validators=[Length(max=10000)])
    submit = SubmitField(_l("Record the consultation"))


class VerificationForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[(Case.VERIFIED, _l("Verified: the facts are confirmed")),
                                                    (Case.NOT_CONFIRMED, _l("Not confirmed")),
                                                    (Case.PENDING, _l("Still to verify"))])
    decided_on = DateField(_l("Date of the decision"), validators=[InputRequired(message=_l("Give a date."))])
    note = TextAreaField(_l("Reasons"), validators=[Length(max=10000)])
    submit = SubmitField(_l("Record the decision"))


class OverrideForm(FlaskForm):
    reason = TextAreaField(_l("Why publish without verification"), validators=[required(), Length(max=5000)])
    submit = SubmitField(_l("Allow publication without verification"))


#: The parts of an authority's entry written per language, as the directory and a letter's page name them.
PART_NAMES = {"office": _l("office"), "address": _l("postal address"), "salutation": _l("salutation")}


def parts_text(parts: list[str]) -> str:
    """Parts of an authority's entry, named in the user's language ("office, salutation")."""
    return ", ".join(str(PART_NAMES[part]) for part in parts)


class AuthorityForm(FlaskForm):
    country = SelectField(_l("Country"), validators=[required()])
    office_en = StringField(_l("Office"), validators=[Length(max=200)],
                            description=_l("For instance “Minister of Justice” or “Embassy in Brussels”."))
    office_fr = StringField(_l("Office"), validators=[Length(max=200)],
                            description=_l("For instance “Ministre de la Justice”."))
    office_es = StringField(_l("Office"), validators=[Length(max=200)],
                            description=_l("For instance “Ministro de Justicia”."))
    salutation_en = StringField(_l("Salutation"), validators=[Length(max=200)],
                                description=_l("As the letter should open, e.g. “Your Excellency,”."))
    salutation_fr = StringField(_l("Salutation"), validators=[Length(max=200)],
                                description=_l("As the letter should open, e.g. “Monsieur le Ministre,”."))
    salutation_es = StringField(_l("Salutation"), validators=[Length(max=200)],
                                description=_l("As the letter should open, e.g. “Excelentísimo Señor Ministro:”."))
    address_en = TextAreaField(_l("Postal address"), validators=[Length(max=2000)])
    address_fr = TextAreaField(_l("Postal address"), validators=[Length(max=2000)])
    address_es = TextAreaField(_l("Postal address"), validators=[Length(max=2000)])
    person = StringField(_l("Holder"), validators=[Length(max=200)])
    email = EmailField(_l("Email"), validators=[Optional(), valid_email(), Length(max=254)])
    fax = StringField(_l("Fax"), validators=[Length(max=50)])
    position = IntegerField(_l("Order in lists"), default=100, validators=[
        Optional(), NumberRange(min=0, max=10000, message=_l("Give a number from 0 to 10,000."))])
    active = BooleanField(_l("Still in office"), default=True)
    submit = SubmitField(_l("Save"))

    def validate(self, extra_validators=None) -> bool:
        """The office in at least one language: the other languages may come later, and show as missing."""
        valid = super().validate(extra_validators)
        if not any((self[f"office_{lang}"].data or "").strip() for lang in LANGUAGES):
            self.office_en.errors = [*self.office_en.errors, _l("Give the office in at least one language.")]
            valid = False
        return valid

    def text_data(self) -> dict:
        return {f"{part}_{lang}": (self[f"{part}_{lang}"].data or "").strip()
                for part in ("office", "salutation", "address") for lang in LANGUAGES}


class AddresseesForm(FlaskForm):
    authorities = MultiCheckboxField(_l("Authorities addressed"), coerce=int)
    submit = SubmitField(_l("Save the addressees"))


CHANNELS = {"email": _l("Email"), "fax": _l("Fax"), "post": _l("Post"), "embassy": _l("Through an embassy"),
            "intergovernmental": _l("Through an intergovernmental body")}


class DispatchForm(FlaskForm):
    authority = SelectField(_l("Sent to"), coerce=int, validators=[required()])
    channel = SelectField(_l("Channel"), choices=list(CHANNELS.items()))
    language = SelectField(_l("Language"), choices=[("en", _l("English")), ("fr", _l("French")), ("es", _l("Spanish"))])
    sent_on = DateField(_l("Sent on"), validators=[InputRequired(message=_l("Give a date."))])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)], id="dispatch-notes")  # the response's too
    submit = SubmitField(_l("Record the dispatch"))


assert set(CHANNELS) == set(Dispatch.CHANNELS)


RESPONSES = {"none": _l("No response"), "acknowledgement": _l("Acknowledgement of receipt"),
             "information_request": _l("Asked for more information"), "favourable": _l("Favourable response"),
             "pledge": _l("Pledge to act"), "denial": _l("Denial or counter-accusation")}
IMPACTS = {"strong_positive": _l("Strongly positive"), "positive": _l("Positive"), "none": _l("No visible effect"),
           "negative": _l("Negative"), "strong_negative": _l("Strongly negative"), "unknown": _l("Not known yet")}
OUTCOMES = {"released": _l("Released"), "charges_dropped": _l("Charges dropped"), "acquitted": _l("Acquitted"),
            "sentenced": _l("Sentenced"), "still_detained": _l("Still detained"), "killed": _l("Killed"),
            "disappeared": _l("Disappeared"), "relocated": _l("Relocated"), "other": _l("Other")}
assert set(RESPONSES) == set(Response.KINDS) and set(OUTCOMES) == set(Outcome.KINDS)


class ResponseForm(FlaskForm):
    kind = SelectField(_l("Response"), choices=list(RESPONSES.items()))
    received_on = DateField(_l("Received on"), validators=[InputRequired(message=_l("Give a date."))])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=10000)])
    submit = SubmitField(_l("Record the response"))


class ImpactForm(FlaskForm):
    impact = SelectField(_l("Assessed impact"), choices=list(IMPACTS.items()), id="impact-assessed")  # id "impact" shows the current one
    submit = SubmitField(_l("Save the assessment"))


class OutcomeForm(FlaskForm):
    kind = SelectField(_l("Outcome"), choices=list(OUTCOMES.items()))
    defender = SelectField(_l("For"), coerce=int)
    occurred_on = DateField(_l("Date"), validators=[InputRequired(message=_l("Give a date."))])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=10000)])
    submit = SubmitField(_l("Record the outcome"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[required(), Length(max=5000)])
    submit = SubmitField(_l("Confirm"))


class CorrectionForm(ActionForm):
    reason = TextAreaField(_l("Reason for the correction"), validators=[required(), Length(max=5000)],
                           description=_l("Kept with the before and after of each corrected text."))
    submit = SubmitField(_l("Publish the correction"))


class StepForm(FlaskForm):
    step = HiddenField(validators=[required()])


#: The kinds of act against a defender, after HURIDOCS' events formats (a development's "type of act").
ACTS = {"arrest": _l("Arrest"), "detention": _l("Detention"), "judicial_harassment": _l("Judicial harassment"),
        "physical_attack": _l("Physical attack"), "threat": _l("Threat"), "surveillance": _l("Surveillance"),
        "raid": _l("Raid or search"), "travel_ban": _l("Travel ban"), "killing": _l("Killing"),
        "disappearance": _l("Enforced disappearance"), "defamation": _l("Defamation or smear campaign"),
        "other": _l("Other act")}
#: Who committed it, after HURIDOCS' perpetrator types.
PERPETRATOR_KINDS = {"state": _l("State agent"), "non_state": _l("Non-state actor"),
                     "unknown": _l("Unknown perpetrator")}
RELIABILITY = {"confirmed": _l("Confirmed by several sources"), "probable": _l("Probable: one credible source"),
               "unconfirmed": _l("Not confirmed yet")}
assert set(ACTS) == set(Development.ACTS) and set(PERPETRATOR_KINDS) == set(Development.PERPETRATORS)
assert set(RELIABILITY) == set(Development.RELIABILITY)


class DevelopmentForm(FlaskForm):
    """A development of the case: a few fields, most of them chosen from lists."""

    occurred_on = DateField(_l("Date"), validators=[InputRequired(message=_l("Give a date."))])
    occurred_time = TimeField(_l("Time (your time zone), if known"), validators=[Optional()])
    act = SelectField(_l("What kind of act"), choices=list(ACTS.items()))
    perpetrator = SelectField(_l("Committed by"), choices=list(PERPETRATOR_KINDS.items()), default="unknown")
    what = TextAreaField(_l("What happened"), validators=[required(), Length(max=20000)])
    place = StringField(_l("Where"), validators=[Length(max=200)])
    source_partner = SelectField(_l("Reported by (partner organisation)"), coerce=int, validate_choice=True)
    source_details = TextAreaField(_l("Source"), validators=[Length(max=5000)],
                                   description=_l("Who told us, how. Confidential, never published."))
    reliability = SelectField(_l("Reliability"), choices=list(RELIABILITY.items()), default="probable")
    confidential = BooleanField(_l("Confidential: only for those who may edit the case, never published"))
    submit = SubmitField(_l("Save the development"))
