"""Forms for defenders and controlled-vocabulary terms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..languages.i18n import lazy_gettext as _l
from ..plugin_host.contributions import INTERNAL, PUBLIC, RESTRICTED
from ..web.forms import MultiCheckboxField, required, valid_email
from .models import PERSONAL_FIELDS

CONFIDENTIALITY_CHOICES = [
    (PUBLIC, _l("Public")),
    (INTERNAL, _l("Internal")),
    (RESTRICTED, _l("Restricted: assigned staff and admins only")),
]
RISK_CHOICES = [("low", _l("Low")), ("medium", _l("Medium")), ("high", _l("High")), ("critical", _l("Critical"))]
GENDER_CHOICES = [("", _l("Not recorded")), ("woman", _l("Woman")), ("man", _l("Man")),
                  ("non_binary", _l("Non-binary")), ("other", _l("Other"))]
KIND_CHOICES = [("person", _l("A person")), ("organisation", _l("An organisation"))]


class DefenderForm(FlaskForm):
    kind = RadioField(_l("Defender"), choices=KIND_CHOICES, default="person", validators=[required()])
    name = StringField(_l("Name"), validators=[required(), Length(max=200)])
    aliases = TextAreaField(_l("Other names and spellings"), validators=[Length(max=2000)],
                            description=_l("One per line."))
    country = SelectField(_l("Country"), validators=[required()])
    rights = MultiCheckboxField(_l("Rights defended"), coerce=int)
    gender = SelectField(_l("Gender"), choices=GENDER_CHOICES, validators=[Optional()])
    profession = StringField(_l("Profession or role"), validators=[Length(max=200)])
    risk_level = SelectField(_l("Risk level"), choices=RISK_CHOICES, default="medium")
    consent_to_publish = BooleanField(_l("Consents to be named in publications"))
    publication_name = StringField(
        _l("Name to publish instead"), validators=[Length(max=200)],
        description=_l("Initials or a pseudonym, used when there is no consent."))
    confidentiality = SelectField(_l("Confidentiality"), choices=CONFIDENTIALITY_CHOICES, default=INTERNAL)
    assignees = MultiCheckboxField(_l("Assigned staff"), coerce=int)
    summary = TextAreaField(_l("Situation"), validators=[Length(max=20000)])
    email = EmailField(_l("Email"), validators=[Optional(), valid_email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Length(max=50)])
    address = TextAreaField(_l("Address"), validators=[Length(max=2000)])
    exact_location = TextAreaField(_l("Exact location"), validators=[Length(max=2000)])
    family = TextAreaField(_l("Family"), validators=[Length(max=5000)])
    confirm_duplicates = HiddenField()
    submit = SubmitField(_l("Save"))

    def validate_publication_name(self, field: StringField) -> None:
        if not self.consent_to_publish.data and not (field.data or "").strip():
            raise ValidationError(_l("Without consent, give the initials or pseudonym to publish."))

    def record_data(self) -> dict:
        """The fields stored on the defender as they are."""
        names = ["kind", "name", "aliases", "gender", "profession", "risk_level", "consent_to_publish",
                 "publication_name", "confidentiality", "summary", "rights", *PERSONAL_FIELDS]
        data = {name: self[name].data for name in names if name in self}
        data = {k: (v or "").strip() if isinstance(self[k], (StringField, TextAreaField)) else v
                for k, v in data.items()}
        data["gender"] = data["gender"] or None
        return data

    def without_personal_details(self) -> None:
        """For editors who may not see personal details: those fields are neither shown nor changed."""
        for field in PERSONAL_FIELDS:
            del self[field]


class RevealForm(FlaskForm):
    reason = StringField(_l("Why do you need these details?"), validators=[required(), Length(max=200)])
    submit = SubmitField(_l("Show personal details"))


class TermForm(FlaskForm):
    key = StringField(_l("Code"), validators=[required(), Length(max=80), Regexp(
        r"^[a-z0-9_]+$", message=_l("Use lower-case letters, digits and underscores only."))])
    label_en = StringField(_l("Label in English"), validators=[required(), Length(max=200)])
    label_fr = StringField(_l("Label in French"), validators=[required(), Length(max=200)])
    label_es = StringField(_l("Label in Spanish"), validators=[required(), Length(max=200)])
    position = IntegerField(_l("Position in the list"), default=0, validators=[
        Optional(), NumberRange(min=0, max=10000, message=_l("Give a number between 0 and 10000."))])
    active = BooleanField(_l("Offered in forms"), default=True)
    submit = SubmitField(_l("Save"))


class PartnerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[required(), Length(max=200)])
    acronym = StringField(_l("Acronym"), validators=[Length(max=50)])
    aliases = TextAreaField(_l("Other names and spellings"), validators=[Length(max=2000)],
                            description=_l("One per line."))
    country = SelectField(_l("Country"), validators=[required()])
    network = StringField(_l("Network"), validators=[Length(max=200)],
                          description=_l("The federation or network it belongs to, if any."))
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)])
    confidentiality = SelectField(_l("Confidentiality"), choices=CONFIDENTIALITY_CHOICES, default=INTERNAL)
    assignees = MultiCheckboxField(_l("Assigned staff"), coerce=int)
    contacts = TextAreaField(_l("Contact people"), validators=[Length(max=10000)],
                             description=_l("Name, role, email and phone; one person per line."))
    confirm_duplicates = HiddenField()
    submit = SubmitField(_l("Save"))

    def record_data(self) -> dict:
        names = ["name", "acronym", "aliases", "network", "description", "confidentiality", "contacts"]
        return {name: (self[name].data or "").strip() for name in names if name in self}

    def without_personal_details(self) -> None:
        del self["contacts"]


class LinkDefenderForm(FlaskForm):
    """Link one defender to a plugin's record (:mod:`core.records.links`). A plugin whose link rows hold more
    (a mission's ``on_trial``) subclasses it with those fields, named as the link's columns."""

    defender_id = IntegerField(validators=[InputRequired(message=_l("Choose a defender.")), NumberRange(1, 2**31 - 1)])


class LinkPartnerForm(FlaskForm):
    """Link one partner organisation to a plugin's record (:mod:`core.records.links`). A plugin whose link rows
    hold more (a mission partner's ``role``) subclasses it with those fields, named as the link's columns."""

    partner_id = IntegerField(validators=[InputRequired(message=_l("Choose a partner organisation.")),
                                          NumberRange(1, 2**31 - 1)])
