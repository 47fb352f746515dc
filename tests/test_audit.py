"""The audit trail: every change and every view of a restricted record, browsable and exportable by admins only."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from core.audit.capture import AuditTampering
from core.audit.models import AuditEntry
from core.extensions import db

from .conftest import login, post_form
from .records_helpers import add_defender
from .test_defenders import VALID


def _entries(app, **where):
    with app.app_context():
        query = select(AuditEntry).order_by(AuditEntry.id)
        for key, value in where.items():
            query = query.where(getattr(AuditEntry, key) == value)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
        return rows


def test_creation_and_each_change_are_recorded_with_before_and_after(app, client, make_user):
    officer = make_user("case_officer")
    login(client, officer)
    response = post_form(client, "/defenders/new", VALID, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    defender_id = int(response.location.rsplit("/", 1)[1])
    created = _entries(app, action="create")[0]
    assert (created.record_type, created.record_id, created.user_email, created.ip) == (
        "defender", defender_id, officer.email, "203.0.113.9")
    assert created.changes["name"] == [None, "Aylin Kaya"] and created.changes["address"] == [None, "Istanbul"]

    post_form(client, f"/defenders/{defender_id}/edit", {**VALID, "risk_level": "critical", "address": "Ankara"})
    updates = _entries(app, action="update")
    assert len(updates) == 1
    assert updates[0].changes == {"risk_level": ["high", "critical"], "address": ["Istanbul", "Ankara"]}

    post_form(client, f"/defenders/{defender_id}/edit", {**VALID, "risk_level": "critical", "address": "Ankara"})
    assert len(_entries(app, action="update")) == 1  # saving without a change records nothing


def test_viewing_a_restricted_record_is_recorded_but_not_an_internal_one(app, client, make_user):
    admin = make_user("admin")
    login(client, admin)
    restricted = add_defender(app, "Hidden", confidentiality="restricted")
    internal = add_defender(app, "Plain")
    client.get(f"/defenders/{restricted}")
    client.get(f"/defenders/{internal}")
    views = _entries(app, action="view")
    assert [(v.record_id, v.user_id) for v in views] == [(restricted, admin.id)]


def test_only_admins_read_the_trail_with_filters(app, client, make_user):
    officer = make_user("case_officer")
    add_defender(app, "Aylin Kaya")
    add_defender(app, "Omar Haddad")
    officer_client = app.test_client()
    login(officer_client, officer)
    assert officer_client.get("/admin/audit/").status_code == 403
    assert officer_client.get("/admin/audit/export.csv").status_code == 403
    login(client, make_user("admin"))
    page = client.get("/admin/audit/?action=create").get_data(as_text=True)
    assert "Aylin Kaya" in page and "Omar Haddad" in page
    filtered = client.get("/admin/audit/?action=create&record_id=999").get_data(as_text=True)
    assert "Aylin Kaya" not in filtered and "Nothing recorded" in filtered
    assert client.get("/admin/audit/?since=not-a-date&record_id=abc").status_code == 200


def test_export_is_complete_and_itself_audited(app, client, make_user):
    admin = make_user("admin")
    login(client, admin)
    for i in range(3):
        add_defender(app, f"Person {i}")
    response = client.get("/admin/audit/export.csv?action=create")
    text = response.get_data(as_text=True)
    assert response.headers["Content-Disposition"] == 'attachment; filename="audit.csv"'
    assert text.count("\n") == 4 and "Person 2" in text
    exports = _entries(app, action="export")
    assert exports[0].user_id == admin.id and exports[0].changes["filters"]["action"] == "create"


def test_audit_rows_cannot_be_changed_or_deleted(app):
    add_defender(app, "Someone")
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry))
        entry.record_label = "forged"
        with pytest.raises(AuditTampering):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalar(select(AuditEntry)))
        with pytest.raises(AuditTampering):
            db.session.flush()
        db.session.rollback()
    assert not any(rule.endpoint.startswith("audit.") and ("POST" in rule.methods or "DELETE" in rule.methods)
                   for rule in app.url_map.iter_rules())


def test_a_failed_save_leaves_no_audit_row(app, client, make_user):
    login(client, make_user("case_officer"))
    post_form(client, "/defenders/new", {**VALID, "name": ""})
    assert _entries(app) == []
