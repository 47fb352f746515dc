"""Core forms. Every validator carries its own translated message, so errors follow the user's language."""
from __future__ import annotations

from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SearchField,
    SelectMultipleField,
    StringField,
    SubmitField,
    widgets,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..languages.i18n import lazy_gettext as _l
from .security import password_problem

MIN_PASSWORD_LENGTH = 12


def required() -> DataRequired:
    return DataRequired(message=_l("This field is required."))


def valid_email() -> Email:
    return Email(message=_l("Enter a valid email address, such as name@example.org."), check_deliverability=False)


def password_length() -> Length:
    return Length(
        min=MIN_PASSWORD_LENGTH,
        max=200,
        message=_l("The password must be at least %(min)d characters long.", min=MIN_PASSWORD_LENGTH),
    )


class StrongPassword:
    """Refuses a password that is easy to guess, saying why (:func:`~core.web.security.password_problem`). The
    account's own name and email count as easy: from the form's ``email`` and ``name`` fields when it has them
    (an admin's user form), else the logged-in user's (their own password)."""

    def __call__(self, form: FlaskForm, field: PasswordField) -> None:
        if not field.data or len(field.data) < MIN_PASSWORD_LENGTH:
            return  # the length rule speaks
        if hasattr(form, "email") and hasattr(form, "name"):
            personal = [form.email.data or "", form.name.data or ""]
        else:
            personal = [current_user.email, current_user.name]
        problem = password_problem(field.data, personal)
        if problem:
            raise ValidationError(problem)


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (roles, permissions) instead of a multi-select box."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[required(), valid_email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[required(), Length(max=200)])
    submit = SubmitField(_l("Log in"))


class TwoFactorLoginForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[required(), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )
    submit = SubmitField(_l("Verify"))


class TwoFactorSetupForm(FlaskForm):
    code = StringField(
        _l("Six-digit code shown by the app"),
        validators=[required(), Length(min=6, max=8, message=_l("Enter the six digits shown by the app."))],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True},
    )
    submit = SubmitField(_l("Turn on two-factor authentication"))


class PasswordConfirmForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[required(), Length(max=200)])
    submit = SubmitField(_l("Confirm"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[required(), Length(max=200)])
    new_password = PasswordField(_l("New password"), validators=[required(), password_length(), StrongPassword()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[required(), EqualTo("new_password", message=_l("The two passwords do not match."))],
    )
    submit = SubmitField(_l("Change password"))


class LanguageForm(FlaskForm):
    locale = HiddenField(validators=[required()])
    next = HiddenField()


SEARCH_LENGTH = (2, 200)  # the fewest and most characters searched


class SearchForm(FlaskForm):
    """Validates the search; the page writes its field from a fragment (``core/_search_form.html``), the same
    for everyone searching the same words."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    q = SearchField(_l("Search"), validators=[required(), Length(*SEARCH_LENGTH, message=_l(
        "Type between 2 and 200 characters."))])


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[required(), valid_email(), Length(max=254)])
    name = StringField(_l("Full name"), validators=[required(), Length(max=200)])
    roles = MultiCheckboxField(_l("Roles"), coerce=int)
    active = BooleanField(_l("Active (may log in)"), default=True)
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), password_length(), StrongPassword()],
        description=_l("Leave empty to keep the current password."),
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, creating: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            self.password.validators = [required(), password_length(), StrongPassword()]
            self.password.flags.required = True
            self.password.description = _l("At least %(min)d characters. Give it to the person safely.",
                                           min=MIN_PASSWORD_LENGTH)


class RoleForm(FlaskForm):
    require_2fa = BooleanField(_l("Members must use two-factor authentication"))
    permissions = MultiCheckboxField(_l("Permissions"))
    submit = SubmitField(_l("Save"))


class ConfirmForm(FlaskForm):
    """An empty form: a button whose POST carries the CSRF token."""

    submit = SubmitField(_l("Confirm"))
