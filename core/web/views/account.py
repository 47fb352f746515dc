"""A user's own account: password, sessions, two-factor authentication and recovery codes."""
from __future__ import annotations

import segno
from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_login import current_user
from sqlalchemy import delete

from ...database.models import UserSession
from ...extensions import db
from ...languages.i18n import gettext as _
from ..forms import ConfirmForm, PasswordChangeForm, PasswordConfirmForm, TwoFactorSetupForm
from ..permissions import login_only
from ..security import (
    hash_password,
    new_recovery_codes,
    new_totp_secret,
    totp_step,
    totp_uri,
    verify_password,
)
from ..sessions import active_sessions, describe_device, end_all_sessions, restart_sessions

blueprint = Blueprint("account", __name__, url_prefix="/account")

PENDING_SECRET = "totp_pending_secret"


@blueprint.route("/", methods=["GET", "POST"])
@login_only
def profile():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if verify_password(current_user, form.current_password.data):
            current_user.password_hash = hash_password(form.new_password.data)
            restart_sessions(current_user)
            flash(_("Your password was changed. Every other session was logged out."), "success")
            return redirect(url_for("account.profile"))
        form.current_password.errors.append(_("This is not your current password."))
    return render_template("core/account.html", form=form), 200 if not form.errors else 422


@blueprint.route("/two-factor", methods=["GET", "POST"])
@login_only
def two_factor():
    if current_user.totp_enabled:
        return render_template("core/two_factor_enabled.html", form=PasswordConfirmForm())
    secret = session.get(PENDING_SECRET) or new_totp_secret()
    session[PENDING_SECRET] = secret
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        step = totp_step(secret, form.code.data)
        if step is not None:
            current_user.totp_secret, current_user.totp_last_step = secret, step
            current_user.totp_enabled = True
            codes = new_recovery_codes(current_user)
            restart_sessions(current_user)  # the other sessions did not pass the second factor
            flash(_("Two-factor authentication is on."), "success")
            return render_template("core/recovery_codes.html", codes=codes)
        form.code.errors.append(_("This code is not valid. Check the time on your phone and try again."))
    uri = totp_uri(current_user, secret)
    qr_code = segno.make(uri, error="m").svg_data_uri(scale=5)
    return render_template(
        "core/two_factor_setup.html", form=form, secret=secret, qr_code=qr_code
    ), 200 if not form.errors else 422


@blueprint.route("/two-factor/codes", methods=["POST"])
@login_only
def two_factor_codes():
    """Replace the recovery codes, after the password is confirmed."""
    form = PasswordConfirmForm()
    if current_user.totp_enabled and form.validate_on_submit() and verify_password(current_user, form.password.data):
        codes = new_recovery_codes(current_user)
        db.session.commit()
        return render_template("core/recovery_codes.html", codes=codes)
    flash(_("Your password was not correct; nothing was changed."), "danger")
    return redirect(url_for("account.two_factor"))


@blueprint.route("/two-factor/disable", methods=["POST"])
@login_only
def two_factor_disable():
    form = PasswordConfirmForm()
    if current_user.must_use_2fa:
        flash(_("Your role requires two-factor authentication; it cannot be turned off."), "danger")
    elif form.validate_on_submit() and verify_password(current_user, form.password.data):
        current_user.totp_enabled = False
        current_user.totp_secret = None
        current_user.recovery_codes = []
        restart_sessions(current_user)
        flash(_("Two-factor authentication is off."), "success")
    else:
        flash(_("Your password was not correct; nothing was changed."), "danger")
    return redirect(url_for("account.two_factor"))


@blueprint.route("/sessions")
@login_only
def sessions():
    """Where this account is logged in: each browser, when it was last used, and a way to end the others."""
    return render_template("core/sessions.html", sessions=active_sessions(current_user.id),
                           describe_device=describe_device)


@blueprint.route("/sessions/end-others", methods=["POST"])
@login_only
def sessions_end_others():
    if ConfirmForm().validate_on_submit():
        ended = end_all_sessions(current_user.id, keep_this_browser=True)
        db.session.commit()
        flash(_("Other sessions logged out: %(count)d.", count=ended), "success")
    return redirect(url_for("account.sessions"))


@blueprint.route("/sessions/<int:session_id>/end", methods=["POST"])
@login_only
def session_end(session_id: int):
    if session_id == current_user.session_id:
        abort(400)  # this browser logs out with *Log out*
    if ConfirmForm().validate_on_submit():
        ended = db.session.execute(delete(UserSession).where(UserSession.id == session_id,
                                                             UserSession.user_id == current_user.id)).rowcount
        db.session.commit()
        if not ended:
            abort(404)
        flash(_("That session was logged out."), "success")
    return redirect(url_for("account.sessions"))
