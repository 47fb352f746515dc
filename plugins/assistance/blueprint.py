"""Every address of the assistance plugin and the view that answers it: the plugin's URL table, in one place."""
from flask import Blueprint

from . import decision_views, money_views, views

blueprint = Blueprint("assistance", __name__, url_prefix="/assistance", template_folder="templates")
blueprint.context_processor(views.request_labels)

# views.py
blueprint.add_url_rule("/", view_func=views.index)
blueprint.add_url_rule("/new", view_func=views.create, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:request_id>/edit", view_func=views.edit, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:request_id>", view_func=views.show)
blueprint.add_url_rule("/<int:request_id>/history", view_func=views.history)

# decision_views.py
blueprint.add_url_rule("/<int:request_id>/submit", view_func=decision_views.submit, methods=["POST"])
blueprint.add_url_rule("/<int:request_id>/close", view_func=decision_views.close, methods=["POST"])
blueprint.add_url_rule("/<int:request_id>/questions", view_func=decision_views.ask, methods=["POST"])
blueprint.add_url_rule("/<int:request_id>/questions/<int:question_id>",
                       view_func=decision_views.answer, methods=["POST"])
blueprint.add_url_rule("/<int:request_id>/conflict", view_func=decision_views.declare, methods=["POST"])
blueprint.add_url_rule("/<int:request_id>/vote", view_func=decision_views.vote, methods=["POST"])
blueprint.add_url_rule("/<int:request_id>/decision", view_func=decision_views.decide, methods=["POST"])
blueprint.add_url_rule("/committee", view_func=decision_views.committee)

# money_views.py
blueprint.add_url_rule("/budget", view_func=money_views.budget, methods=["GET", "POST"])
blueprint.add_url_rule("/<int:request_id>/payments", view_func=money_views.pay, methods=["POST"])
blueprint.add_url_rule("/<int:request_id>/close-grant", view_func=money_views.close_grant, methods=["POST"])
blueprint.add_url_rule("/<int:request_id>/recount", view_func=money_views.recount, methods=["POST"])
