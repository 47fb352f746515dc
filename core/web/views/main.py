"""Dashboard, global search, language switch and health check."""
from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
)
from flask_login import current_user
from jinja2 import UndefinedError
from markupsafe import Markup
from sqlalchemy import text

from ...builtin import WIDGET_ROWS
from ...disclosure import door
from ...extensions import db
from ...jobs.jobs import redis_connection
from ...plugin_host import gather
from ...plugin_host.contributions import Widget
from .. import fragments
from ..forms import SEARCH_LENGTH, LanguageForm, SearchForm
from ..navigation import safe_next
from ..outage import DATABASE, REDIS, UNREACHABLE
from ..permissions import login_only, public

blueprint = Blueprint("core", __name__)


@blueprint.route("/")
@login_only
def dashboard():
    widgets, waiting = gather.dashboard(current_user)
    panels = [(widget, _panel(widget)) for widget in widgets]
    return render_template("core/dashboard.html", panels=panels, waiting=waiting,
                           more_waiting=gather.more_waiting(waiting, WIDGET_ROWS))


def _panel(widget: Widget) -> Markup:
    """A widget's panel: a fragment (core.web.fragments) when its context holds plain values, as the core's and our
    plugins' do; otherwise, or when its template uses the page's context (the user...), rendered with it."""
    try:
        return fragments.rendered(widget.template, fragments.frozen(widget.context), {"context": widget.context})
    except (fragments.NotPlain, UndefinedError):
        return Markup(render_template(widget.template, context=widget.context))


@blueprint.route("/search")
@login_only
def search():
    form = SearchForm(request.args)
    hits, more = None, []
    if "q" in request.args and form.validate():
        hits = gather.search(form.q.data.strip(), current_user)
        more = gather.more_results(hits)
    search_form = fragments.fragment("core/_search_form.html", {"length": SEARCH_LENGTH}, words=form.q.data or "",
                           errors=tuple(str(error) for error in form.q.errors))
    return render_template("core/search.html", search_form=search_form, words=form.q.data, hits=hits, more=more,
                           limit=gather.SEARCH_LIMIT_PER_PLUGIN), 200 if not form.errors else 422


@blueprint.route("/language", methods=["POST"])
@public
def set_language():
    form = LanguageForm()
    if form.validate_on_submit() and form.locale.data in current_app.config["LANGUAGES"]:
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            db.session.commit()
    return redirect(safe_next(form.next.data, "core.dashboard"))


@blueprint.route("/health")
@public
def health():
    """For load balancers and operators: whether each service the app needs answers (the database; Redis when jobs
    use it), ``ok`` or ``unreachable``; 200 when all do, 503 otherwise. Names no host, no error text."""
    services = {DATABASE: _answers(lambda: db.session.execute(text("SELECT 1")))}
    connection = redis_connection()
    if connection is not None:
        services[REDIS] = _answers(connection.ping)
    healthy = all(state == "ok" for state in services.values())
    return door.fixed_json(200 if healthy else 503, status="ok" if healthy else "unavailable", **services)


def _answers(probe) -> str:
    try:
        probe()
    except UNREACHABLE:
        db.session.rollback()
        return "unreachable"
    return "ok"
