"""Forms of the missions plugin; every message is translated, so errors follow the user's language."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from core.api import (
    CONFIDENTIALITY_CHOICES,
    AmountField,
    LinkDefenderForm,
    LinkPartnerForm,
    MultiCheckboxField,
    required,
)
from core.api import lazy_gettext as _l
from core.api import lazy_pgettext as _lp

from .models import BudgetLine, ChecklistAnswer, Delegate, Hearing, Mission, Recommendation

STATUS_LABELS = {
    "proposed": _l("Proposed"), "approved": _l("Approved"), "preparing": _l("Preparing"),
    "in_field": _l("In the field"), "report_drafting": _l("Report in drafting"),
    "report_published": _l("Report published"), "closed": _l("Closed"), "postponed": _l("Postponed"),
    "cancelled": _l("Cancelled"),
}
DELEGATE_KINDS = {"staff": _l("Staff"), "lawyer": _l("External lawyer"), "expert": _l("External expert"),
                  "other": _l("Other")}
BUDGET_CATEGORIES = {"travel": _l("Travel"), "accommodation": _l("Accommodation"),
                     "interpretation": _l("Interpretation"), "fees": _l("Fees"), "other": _l("Other")}
BUDGET_KINDS = {"planned": _l("Planned"), "actual": _l("Actual expense")}
HEARING_OUTCOMES = {"scheduled": _l("Scheduled"), "adjourned": _l("Adjourned"), "verdict": _l("Verdict"),
                    "sentence": _l("Sentence"), "other": _l("Other")}
ANSWERS = {"respected": _l("Respected"), "not_respected": _l("Not respected"), "not_observed": _l("Not observed")}
ADDRESSEES = {"state": _l("The state"), "court": _l("A court"), "parliament": _l("Parliament"),
              "intergovernmental": _l("An intergovernmental body"), "other": _l("Other")}
RECOMMENDATION_STATUSES = {"not_implemented": _l("Not implemented"), "partly": _l("Partly implemented"),
                           "fully": _l("Fully implemented")}
RISK_LEVELS = [("", "—"), ("low", _l("Low")), ("medium", _l("Medium")), ("high", _l("High")),
               ("extreme", _l("Extreme"))]
assert set(STATUS_LABELS) == set(Mission.STATUSES) and set(DELEGATE_KINDS) == set(Delegate.KINDS)
assert set(BUDGET_CATEGORIES) == set(BudgetLine.CATEGORIES) and set(HEARING_OUTCOMES) == set(Hearing.OUTCOMES)
assert set(ANSWERS) == set(ChecklistAnswer.ANSWERS) and set(ADDRESSEES) == set(Recommendation.ADDRESSEES)
assert set(RECOMMENDATION_STATUSES) == set(Recommendation.STATUSES)


class MissionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[required(), Length(max=200)],
                        description=_l("An internal title, e.g. “Trial observation in Istanbul, March”."))
    type = SelectField(_l("Type of mission"), coerce=int, validators=[InputRequired(_l("Choose the type."))])
    countries = SelectMultipleField(_l("Countries"), validators=[InputRequired(_l("Choose at least one country."))],
                                    description=_l("Hold Ctrl (or ⌘) to choose several."))
    start_date = DateField(_l("First day"), validators=[Optional()])
    end_date = DateField(_l("Last day"), validators=[Optional()])
    terms_of_reference = TextAreaField(_l("Terms of reference"), validators=[Length(max=50000)])
    objectives = TextAreaField(_l("Objectives"), validators=[Length(max=50000)])
    court = StringField(_l("Court"), validators=[Length(max=300)],
                        description=_l("For a trial observation: the court that hears the case."))
    court_case_number = StringField(_l("Case number at the court"), validators=[Length(max=100)])
    charges = TextAreaField(_l("Charges"), validators=[Length(max=20000)])
    reporting_currency = SelectField(_l("Reporting currency"), default="EUR")
    confidentiality = SelectField(_l("Confidentiality"), choices=CONFIDENTIALITY_CHOICES, default="internal")
    assignees = MultiCheckboxField(_l("Staff assigned"), coerce=int)
    submit = SubmitField(_l("Save"))

    def validate_end_date(self, field: DateField) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The last day cannot come before the first day."))


class SecurityForm(FlaskForm):
    risk_level = SelectField(_l("Risk level"), choices=RISK_LEVELS)
    security_measures = TextAreaField(_l("Security measures"), validators=[Length(max=50000)])
    emergency_contacts = TextAreaField(_l("Emergency contacts"), validators=[Length(max=20000)])
    submit = SubmitField(_l("Save"))


class StepForm(FlaskForm):
    target = HiddenField(validators=[required()])
    reason = TextAreaField(_l("Reason"), validators=[Length(max=5000)])


class DelegateForm(FlaskForm):
    user = SelectField(_l("Staff member"), coerce=int, description=_l("Or leave empty and name an external delegate."))
    name = StringField(_l("Name of an external delegate"), validators=[Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[Length(max=200)])
    kind = SelectField(_l("Delegate"), choices=list(DELEGATE_KINDS.items()), default="staff")
    role = StringField(_l("Role in the mission"), validators=[Length(max=200)],
                       description=_l("E.g. head of delegation, trial observer, interpreter."))
    languages = StringField(_l("Languages"), validators=[Length(max=200)])
    contact = TextAreaField(_l("Contact details"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Add the delegate"))

    def validate(self, extra_validators=None) -> bool:
        """A staff member, or the name of an external delegate: one of the two."""
        valid = super().validate(extra_validators)
        named = bool((self.name.data or "").strip())
        if not self.user.data and not named:
            self.name.errors = [*self.name.errors, _l("Choose a staff member or give the delegate's name.")]
            return False
        if self.user.data and named:
            self.name.errors = [*self.name.errors, _l("Choose a staff member or name an external delegate, not both.")]
            return False
        if self.user.data and self.kind.data != "staff" or not self.user.data and self.kind.data == "staff":
            self.kind.errors = [*self.kind.errors, _l("Staff delegates are users; external ones are named.")]
            return False
        return valid


class BudgetLineForm(FlaskForm):
    kind = SelectField(_l("Line"), choices=list(BUDGET_KINDS.items()), default="planned")
    category = SelectField(_l("Category"), choices=list(BUDGET_CATEGORIES.items()))
    description = StringField(_l("Description"), validators=[Length(max=300)])
    amount = AmountField(_l("Amount"), validators=[InputRequired(_l("Give the amount."))])
    currency = SelectField(_l("Currency"))
    rate = AmountField(_l("Exchange rate"), places=8, integer_digits=7,
                       description=_l("What one unit of this currency is worth in the reporting currency, on the "
                                      "day of the expense. Not needed in the reporting currency."))
    spent_on = DateField(_l("Date"), validators=[Optional()])
    submit = SubmitField(_l("Add the line"))

    def check_rate(self, reporting_currency: str) -> bool:
        if self.currency.data != reporting_currency and self.rate.data is None:
            self.rate.errors = [*self.rate.errors, _l("Give the rate from %(currency)s to %(reporting)s.",
                                                      currency=self.currency.data, reporting=reporting_currency)]
            return False
        return True


class HearingForm(FlaskForm):
    held_on = DateField(_l("Date of the hearing"), validators=[InputRequired(_l("Give the date of the hearing."))])
    observer = SelectField(_l("Observer"), coerce=int)
    outcome = SelectField(_l("Outcome"), choices=list(HEARING_OUTCOMES.items()), default="scheduled")
    outcome_details = TextAreaField(_l("Outcome in detail"), validators=[Length(max=20000)],
                                    description=_l("E.g. adjourned to 12 May; sentenced to two years."))
    notes = TextAreaField(_l("Notes on the hearing"), validators=[Length(max=50000)])
    submit = SubmitField(_l("Save the hearing"))


def checklist_answers(form: FlaskForm, term_ids: list[int]) -> tuple[dict[int, tuple[str, str]], list[str]]:
    """The checklist's answers from the submitted form (``answer-<term id>``, ``notes-<term id>``) and the
    errors found: the checklist's fields are made from the guarantees list, not declared on the form."""
    from flask import request

    answers, errors = {}, []
    for term_id in term_ids:
        answer = request.form.get(f"answer-{term_id}", ChecklistAnswer.NOT_OBSERVED)
        notes = request.form.get(f"notes-{term_id}", "").strip()
        if answer not in ChecklistAnswer.ANSWERS:
            errors.append(str(_l("Choose an answer for every guarantee.")))
            continue
        if len(notes) > 5000:
            errors.append(str(_l("Notes on a guarantee are limited to 5,000 characters.")))
            continue
        answers[term_id] = (answer, notes)
    return answers, sorted(set(errors))


class ReportForm(FlaskForm):
    title_en = StringField(_l("Title"), validators=[Length(max=300)])
    summary_en = TextAreaField(_l("Summary"), validators=[Length(max=50000)])
    findings_en = TextAreaField(_l("Findings"), validators=[Length(max=200000)])
    title_fr = StringField(_l("Title"), validators=[Length(max=300)])
    summary_fr = TextAreaField(_l("Summary"), validators=[Length(max=50000)])
    findings_fr = TextAreaField(_l("Findings"), validators=[Length(max=200000)])
    title_es = StringField(_l("Title"), validators=[Length(max=300)])
    summary_es = TextAreaField(_l("Summary"), validators=[Length(max=50000)])
    findings_es = TextAreaField(_l("Findings"), validators=[Length(max=200000)])
    published_on = DateField(_l("Publication date"), validators=[Optional()])
    submit = SubmitField(_l("Save the report"))

    def validate(self, extra_validators=None) -> bool:
        """A language's summary or findings need its title."""
        valid = super().validate(extra_validators)
        for lang in ("en", "fr", "es"):
            has_text = any((self[f"{part}_{lang}"].data or "").strip() for part in ("summary", "findings"))
            if has_text and not (self[f"title_{lang}"].data or "").strip():
                self[f"title_{lang}"].errors = [*self[f"title_{lang}"].errors,
                                                _l("Give the title in this language too.")]
                valid = False
        return valid


class RecommendationForm(FlaskForm):
    text = TextAreaField(_l("Recommendation"), validators=[required(), Length(max=10000)])
    addressee_kind = SelectField(_l("Addressed to"), choices=list(ADDRESSEES.items()), default="state")
    addressee = StringField(_l("Which one"), validators=[Length(max=200)],
                            description=_l("E.g. the Ministry of Justice, the Court of Cassation."))
    submit = SubmitField(_l("Add the recommendation"))


class FollowUpForm(FlaskForm):
    status = SelectField(_l("Implementation"), choices=list(RECOMMENDATION_STATUSES.items()))
    noted_on = DateField(_l("Date"), validators=[InputRequired(_l("Give the date."))])
    note = TextAreaField(_l("Note"), validators=[Length(max=10000)])
    submit = SubmitField(_lp("verb", "Record"))


class MissionDefenderForm(LinkDefenderForm):
    """The core links the defender; a mission's link also says whether they are on trial."""

    on_trial = BooleanField(_l("On trial"))


class MissionPartnerForm(LinkPartnerForm):
    """The core links the partner organisation; a mission's link also says what role they play."""

    role = StringField(_l("Their role"), validators=[Length(max=200)],
                       description=_l("E.g. host, interpreter, co-organiser."))
