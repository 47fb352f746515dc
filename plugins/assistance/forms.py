"""Forms of the assistance plugin; every message is translated, so errors follow the user's language."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from core.api import CONFIDENTIALITY_CHOICES, AmountField, MultiCheckboxField, required
from core.api import lazy_gettext as _l
from core.api import lazy_pgettext as _lp

from .models import Decision, GrantRequest, Vote
from .services import DEADLINE_TOO_SOON, deadline_too_soon

STATUS_LABELS = {
    "draft": _l("Draft"), "submitted": _l("Before the committee"), "awaiting_information": _l("Awaiting information"),
    "approved": _l("Approved"), "rejected": _l("Rejected"), "withdrawn": _l("Withdrawn"),
    "ineligible": _l("Ineligible"), "closed": _l("Closed"),
}
URGENCIES = {"normal": _l("Normal"), "emergency": _l("Emergency")}
VOTE_CHOICES = {"approve": _l("Approve"), "reject": _l("Reject"), "abstain": _l("Abstain")}
OUTCOMES = {"approved": _l("Approved"), "rejected": _l("Rejected")}
DECISION_KINDS = {"committee": _l("Committee vote"), "chair": _l("Emergency decision of the chair"),
                  "ratification": _l("Ratification by the committee"), "revision": _l("Revised decision"),
                  "casting": _l("Decision of the chair (the committee could not decide)")}
FUNDING_STATUSES = {"pending": _l("Waiting for an answer"), "granted": _l("Granted"), "refused": _l("Refused")}
assert set(STATUS_LABELS) == set(GrantRequest.STATUSES) and set(VOTE_CHOICES) == set(Vote.CHOICES)
assert set(OUTCOMES) == {Decision.APPROVED, Decision.REJECTED}


class LineForm(Form):
    """One budget line; a row left empty is ignored."""

    description = StringField(_lp("budget", "Item"), validators=[Length(max=300)])
    amount = AmountField(_l("Amount"))
    currency = SelectField(_l("Currency"), default="EUR")
    rate = AmountField(_l("Rate"), places=8, integer_digits=7)

    def is_empty(self) -> bool:
        return not (self.description.data or "").strip() and self.amount.data is None

    def validate_description(self, field: StringField) -> None:
        if not (field.data or "").strip() and self.amount.data is not None:
            raise ValidationError(_l("Say what the amount is for."))

    def validate_amount(self, field: AmountField) -> None:
        if field.data is None and (self.description.data or "").strip():
            raise ValidationError(_l("Give the amount."))


class FundingForm(Form):
    """Another funder approached; a row left empty is ignored."""

    funder = StringField(_l("Other funder"), validators=[Length(max=200)])
    status = SelectField(_l("Their answer"), choices=list(FUNDING_STATUSES.items()), default="pending")
    amount = AmountField(_l("Amount they gave"))
    currency = SelectField(_l("Currency"), default="EUR", validate_choice=False)


class RequestForm(FlaskForm):
    defender_id = HiddenField(validators=[required()])
    partner = SelectField(_l("Referring partner organisation"), coerce=int)
    grant_type = SelectField(_l("Type of grant"), coerce=int, validators=[InputRequired(_l("Choose the type."))])
    urgency = SelectField(_l("Urgency"), choices=list(URGENCIES.items()), default="normal")
    vote_deadline = DateField(_l("Committee's vote by"), validators=[Optional()],
                              description=_l("Optional. Past this day without a decision, the chair is asked to decide."))
    situation = TextAreaField(_l("Situation and threat"), validators=[required(), Length(max=50000)])

    justification = TextAreaField(_l("Why this support"), validators=[required(), Length(max=50000)])
    risk_assessment = TextAreaField(_l("Risk assessment"), validators=[Length(max=50000)])
    lines = FieldList(FormField(LineForm), min_entries=4, max_entries=30)
    fundings = FieldList(FormField(FundingForm), min_entries=2, max_entries=10)
    destination = StringField(_l("Destination"), validators=[Length(max=300)])
    duration = StringField(_l("Duration"), validators=[Length(max=200)])
    visa_and_security = TextAreaField(_l("Visa and security plan"), validators=[Length(max=20000)])
    family_members = TextAreaField(_l("Family members concerned"), validators=[Length(max=20000)])
    return_plan = TextAreaField(_l("Plan for return"), validators=[Length(max=20000)])
    confidentiality = SelectField(_l("Confidentiality"), choices=CONFIDENTIALITY_CHOICES, default="restricted")
    assignees = MultiCheckboxField(_l("Staff assigned"), coerce=int)
    submit = SubmitField(_l("Save"))

    def line_rows(self) -> list[dict]:
        return [{"description": (entry.form.description.data or "").strip(), "amount": entry.form.amount.data,
                 "currency": entry.form.currency.data, "rate": entry.form.rate.data}
                for entry in self.lines.entries if not entry.form.is_empty()]

    def funding_rows(self) -> list[dict]:
        return [{"funder": entry.form.funder.data.strip(), "status": entry.form.status.data,
                 "amount": entry.form.amount.data, "currency": entry.form.currency.data or ""}
                for entry in self.fundings.entries if (entry.form.funder.data or "").strip()]

    def validate(self, extra_validators=None) -> bool:
        """Each line needs its rate unless in the grants' currency; at least one line."""
        from flask import current_app

        reporting = current_app.config["ASSISTANCE_CURRENCY"]
        valid = super().validate(extra_validators)
        rows = [entry for entry in self.lines.entries if not entry.form.is_empty()]
        self.budget_errors = [] if rows else [_l("Give at least one budget line.")]
        valid = valid and bool(rows)
        for entry in rows:
            line = entry.form
            if line.currency.data != reporting and line.rate.data is None:
                line.rate.errors = [*line.rate.errors, _l("Give the rate from %(currency)s to %(reporting)s.",
                                                          currency=line.currency.data, reporting=reporting)]
                valid = False
        return valid

    def validate_vote_deadline(self, field: DateField) -> None:
        if deadline_too_soon(field.data):
            raise ValidationError(DEADLINE_TOO_SOON)


class ReasonForm(FlaskForm):
    status = HiddenField()
    reason = TextAreaField(_l("Reason"), validators=[required(), Length(max=5000)])


class QuestionForm(FlaskForm):
    question = TextAreaField(_l("Question to the requester"), validators=[required(), Length(max=5000)])
    submit = SubmitField(_l("Ask"))


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Answer"), validators=[required(), Length(max=20000)])
    submit = SubmitField(_l("Record the answer"))


class ConflictForm(FlaskForm):
    has_conflict = BooleanField(_l("I have a conflict of interest with this request"))
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Declare"))


class VoteForm(FlaskForm):
    choice = SelectField(_l("Your vote"), choices=list(VOTE_CHOICES.items()))
    comment = TextAreaField(_l("Comment"), validators=[Length(max=5000)])
    submit = SubmitField(_l("Vote"))


class DecisionForm(FlaskForm):
    outcome = SelectField(_l("Decision"), choices=list(OUTCOMES.items()))
    amount = AmountField(_l("Amount granted"), validators=[Optional()],
                         description=_l("In the request's reporting currency; it may differ from the request."))
    conditions = TextAreaField(_l("Conditions"), validators=[Length(max=5000)])
    reason = TextAreaField(_l("Reason"), validators=[Length(max=5000)])
    submit = SubmitField(_l("Record the decision"))


PAYMENT_METHODS = {"bank_transfer": _l("Bank transfer"), "money_transfer": _l("Money transfer service"),
                   "cash_through_partner": _l("Cash through a partner"), "other": _l("Other")}


class PaymentForm(FlaskForm):
    paid_on = DateField(_l("Paid on"), validators=[InputRequired(_l("Give the date."))])
    amount = AmountField(_l("Amount"), validators=[InputRequired(_l("Give the amount."))])
    currency = SelectField(_l("Currency"), default="EUR")
    rate = AmountField(_l("Rate"), places=8, integer_digits=7,
                       description=_l("What one unit is worth in the request's reporting currency; not needed in it."))
    method = SelectField(_l("Method"), choices=list(PAYMENT_METHODS.items()))
    reference = StringField(_l("Reference"), validators=[Length(max=300)],
                            description=_l("Restricted: shown only to staff who prepare grants and to the chair."))
    report_due_on = DateField(_l("Beneficiary's report due on"), validators=[Optional()])
    submit = SubmitField(_l("Record the payment"))

    def check_rate(self, reporting_currency: str) -> bool:
        if self.currency.data != reporting_currency and self.rate.data is None:
            self.rate.errors = [*self.rate.errors, _l("Give the rate from %(currency)s to %(reporting)s.",
                                                      currency=self.currency.data, reporting=reporting_currency)]
            return False
        return True


class CloseForm(FlaskForm):
    received_on = DateField(_l("Report received on"), validators=[InputRequired(_l("Give the date."))])
    submit = SubmitField(_l("Close the grant"))


class CeilingForm(FlaskForm):
    grant_type = SelectField(_l("Grant type"), coerce=int)
    amount = AmountField(_l("Ceiling"), validators=[Optional()],
                         description=_l("The most one grant of this type may be; leave empty for no ceiling."))
    submit = SubmitField(_l("Set the ceiling"))


class EnvelopeForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(_l("Give the year.")),
                                                NumberRange(2000, 2100, _l("Give a year such as 2027."))])
    grant_type = SelectField(_l("Grant type"), coerce=int)
    amount = AmountField(_l("Envelope"), validators=[InputRequired(_l("Give the amount."))])
    submit = SubmitField(_l("Set the envelope"))
