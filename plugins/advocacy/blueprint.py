"""Every address of the advocacy plugin and the view that answers it: the plugin's URL table, in one place."""
from flask import Blueprint

from . import catalogue_views, dossier_views, views

blueprint = Blueprint("advocacy", __name__, url_prefix="/advocacy", template_folder="templates")
blueprint.context_processor(views.advocacy_helpers)

# views.py
blueprint.add_url_rule("/", view_func=views.index)
blueprint.add_url_rule("/new", view_func=views.create, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:action_id>/edit", view_func=views.edit, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:action_id>", view_func=views.show)
blueprint.add_url_rule("/<int:action_id>/delete", view_func=views.delete, methods=["POST"])
blueprint.add_url_rule("/<int:action_id>/consent", view_func=views.consent, methods=["POST"])
blueprint.add_url_rule("/<int:action_id>/send", view_func=views.send, methods=["POST"])
blueprint.add_url_rule("/<int:action_id>/answers", view_func=views.add_answer, methods=["POST"])
blueprint.add_url_rule("/answers/<int:answer_id>", view_func=views.answer)
blueprint.add_url_rule("/countries/", view_func=views.countries)
blueprint.add_url_rule("/countries/<alpha3>", view_func=views.country)

# catalogue_views.py
blueprint.add_url_rule("/mechanisms/", view_func=catalogue_views.mechanisms)
blueprint.add_url_rule("/mechanisms/<int:mechanism_id>", view_func=catalogue_views.mechanism)
blueprint.add_url_rule("/mechanisms/new", view_func=catalogue_views.create_mechanism, methods=["GET", "POST"])
blueprint.add_url_rule("/mechanisms/<int:mechanism_id>/edit",
                       view_func=catalogue_views.edit_mechanism, methods=["GET", "POST"])
blueprint.add_url_rule("/mechanisms/<int:mechanism_id>/sessions",
                       view_func=catalogue_views.add_session, methods=["POST"])
blueprint.add_url_rule("/mechanisms/<int:mechanism_id>/sessions/<int:session_id>/remove",
                       view_func=catalogue_views.remove_session, methods=["POST"])

# dossier_views.py
blueprint.add_url_rule("/dossiers/new", view_func=dossier_views.dossier, methods=["GET", "POST"])
blueprint.add_url_rule("/dossiers/check/<token>", view_func=dossier_views.dossier_check, methods=["GET", "POST"])
blueprint.add_url_rule("/dossiers", view_func=dossier_views.export_dossier, methods=["POST"])
