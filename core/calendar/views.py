"""The upcoming page, and each user's personal calendar feed behind a secret, revocable address."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_login import current_user
from werkzeug.http import http_date, is_resource_modified

from ..disclosure import door
from ..languages.i18n import gettext as _
from ..web.forms import ConfirmForm
from ..web.permissions import login_only, public
from . import deadlines

blueprint = Blueprint("calendar", __name__)
RANGES = (7, 30, 90, 365)


@blueprint.route("/upcoming")
@login_only
def upcoming():
    days = request.args.get("days", "30")
    days = int(days) if days.isdecimal() and len(days) <= 3 and int(days) in RANGES else 30
    return render_template("core/upcoming.html", items=deadlines.upcoming(current_user, days), days=days,
                           ranges=RANGES, has_feed=deadlines.has_feed(current_user), form=ConfirmForm())


@blueprint.route("/upcoming/feed", methods=["POST"])
@login_only
def create_feed():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token = deadlines.new_feed_token(current_user)
    address = current_app.config["BASE_URL"].rstrip("/") + url_for("calendar.feed", token=token)
    flash(_("Your new calendar address (shown once; any earlier address stopped working):"), "info")
    return render_template("core/feed_created.html", address=address)


@blueprint.route("/upcoming/feed/revoke", methods=["POST"])
@login_only
def revoke_feed():
    if ConfirmForm().validate_on_submit():
        deadlines.revoke_feed_token(current_user)
        flash(_("Your calendar address no longer works."), "success")
    return redirect(url_for("calendar.upcoming"))


@blueprint.route("/calendar/<token>.ics")
@public  # the secret in the address is the credential; it never reveals restricted details
def feed(token: str):
    # The version first, then the owner (with their roles) and the records: a change committed in between is seen
    # with a later version, or (a role) changes the key itself.
    stamp = deadlines.feed_version()
    owner = deadlines.feed_owner(token)
    if owner is None:
        abort(404)
    version = deadlines.feed_validators(owner, stamp)
    headers = {"Cache-Control": "private, no-cache", "ETag": f'"{version.etag}"'}
    if version.last_modified is not None:
        headers["Last-Modified"] = http_date(version.last_modified)
    if not is_resource_modified(request.environ, etag=version.etag, last_modified=version.last_modified):
        return Response(status=304, headers=headers)

    def build() -> bytes:
        with force_locale(owner.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            return deadlines.feed(owner, current_app.config["BASE_URL"])

    # The stored body was written through the guard for this user, from what the version says.
    body = deadlines.cached_feed(version, build)
    return door.mark(Response(body, headers={"Content-Type": "text/calendar; charset=utf-8", **headers}))
