"""Every address of the missions plugin and the view that answers it: the plugin's URL table, in one place."""
from flask import Blueprint

from . import report_views, team_views, trial_views, views

blueprint = Blueprint("missions", __name__, url_prefix="/missions", template_folder="templates")
blueprint.context_processor(views.mission_helpers)

# views.py
blueprint.add_url_rule("/", view_func=views.index)
blueprint.add_url_rule("/new", view_func=views.create, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:mission_id>/edit", view_func=views.edit, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:mission_id>", view_func=views.show)
blueprint.add_url_rule("/<int:mission_id>/step", view_func=views.step, methods=["POST"])
blueprint.add_url_rule("/<int:mission_id>/security", view_func=views.security, methods=["GET", "POST"])

# report_views.py
blueprint.add_url_rule("/<int:mission_id>/report", view_func=report_views.report, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:mission_id>/report/check", view_func=report_views.report_check, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:mission_id>/report/download", view_func=report_views.report_file, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:mission_id>/recommendations", view_func=report_views.add_recommendation, methods=["POST"])
blueprint.add_url_rule("/<int:mission_id>/recommendations/<int:recommendation_id>",
                       view_func=report_views.follow_up, methods=["POST"])

# team_views.py
blueprint.add_url_rule("/<int:mission_id>/delegates", view_func=team_views.add_delegate, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:mission_id>/delegates/<int:delegate_id>/remove",
                       view_func=team_views.remove_delegate, methods=["POST"])
blueprint.add_url_rule("/<int:mission_id>/budget", view_func=team_views.budget, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:mission_id>/budget/<int:line_id>/remove",
                       view_func=team_views.remove_budget_line, methods=["POST"])

# trial_views.py
blueprint.add_url_rule("/<int:mission_id>/trial", view_func=trial_views.trial)
blueprint.add_url_rule("/<int:mission_id>/hearings/new", view_func=trial_views.new_hearing, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:mission_id>/hearings/<int:hearing_id>",
                       view_func=trial_views.edit_hearing, methods=["GET", "POST"])
