"""Every address of the interventions plugin and the view that answers it: the plugin's URL table, in one place."""
from flask import Blueprint

from . import action_views, authority_views, development_views, followup_views, verification_views, views

blueprint = Blueprint("interventions", __name__, url_prefix="/interventions", template_folder="templates")

# views.py
blueprint.add_url_rule("/", view_func=views.index)
blueprint.add_url_rule("/export", view_func=views.export, methods=["POST"])
blueprint.add_url_rule("/new", view_func=views.create, methods=["GET", "POST"])
blueprint.add_url_rule("/source-partners", view_func=views.source_partners)
blueprint.add_url_rule("/<int:case_id>/edit", view_func=views.edit, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:case_id>", view_func=views.show)

# action_views.py
blueprint.add_url_rule("/<int:case_id>/actions/new", view_func=action_views.new_action, methods=["GET", "POST"])
blueprint.add_url_rule("/actions/<int:action_id>/edit", view_func=action_views.edit_action, methods=["GET", "POST"])
blueprint.add_url_rule("/actions/<int:action_id>", view_func=action_views.action)
blueprint.add_url_rule("/actions/<int:action_id>/step", view_func=action_views.step, methods=["POST"])

# authority_views.py
blueprint.add_url_rule("/authorities/", view_func=authority_views.authorities)
blueprint.add_url_rule("/authorities/new", view_func=authority_views.new_authority, methods=["GET", "POST"])
blueprint.add_url_rule("/authorities/<int:authority_id>/edit",
                       view_func=authority_views.edit_authority, methods=["GET", "POST"])
blueprint.add_url_rule("/actions/<int:action_id>/authorities", view_func=authority_views.addressees, methods=["POST"])
blueprint.add_url_rule("/actions/<int:action_id>/letter/<int:authority_id>/<lang>",
                       view_func=authority_views.letter_check, methods=["GET", "POST"])
blueprint.add_url_rule("/actions/<int:action_id>/letter/<int:authority_id>/<lang>.<fmt>",
                       view_func=authority_views.letter, methods=["GET", "POST"])
blueprint.add_url_rule("/actions/<int:action_id>/dispatches", view_func=authority_views.dispatch, methods=["POST"])

# followup_views.py
blueprint.add_url_rule("/actions/<int:action_id>/responses", view_func=followup_views.response, methods=["POST"])
blueprint.add_url_rule("/actions/<int:action_id>/impact", view_func=followup_views.impact, methods=["POST"])
blueprint.add_url_rule("/actions/<int:action_id>/correct", view_func=followup_views.correct, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:case_id>/outcomes", view_func=followup_views.outcome, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:case_id>/close", view_func=followup_views.close, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:case_id>/reopen", view_func=followup_views.reopen, methods=["GET", "POST"])

# development_views.py
blueprint.add_url_rule("/<int:case_id>/developments/new", view_func=development_views.add_development,
                       methods=["GET", "POST"])
blueprint.add_url_rule("/<int:case_id>/developments/<int:development_id>",
                       view_func=development_views.edit_development, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:case_id>/developments/<int:development_id>/delete",
                       view_func=development_views.delete_development, methods=["POST"])

# verification_views.py
blueprint.add_url_rule("/<int:case_id>/consultations", view_func=verification_views.consult, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:case_id>/verification", view_func=verification_views.verify, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:case_id>/override", view_func=verification_views.override, methods=["GET", "POST"])
