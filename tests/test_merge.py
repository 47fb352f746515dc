"""Merging duplicates: links move (core and plugins), the merge is audited and can be undone exactly."""
from __future__ import annotations

import io

from sqlalchemy import select

from core.attachments.models import Attachment
from core.audit.models import AuditEntry
from core.extensions import db
from core.records.models import Assignment, Defender, Partner

from .conftest import csrf_token, login, post_form
from .plugin_factory import install_plugin
from .records_helpers import add_defender, add_partner
from .test_attachments import PDF

LINKS = '''
from core.plugin_host.contributions import MergeResult
from core.plugin_host.hookspecs import hookimpl

LINKS = {}  # link id -> defender id: a plugin's own rows pointing at defenders

@hookimpl
def observatory_merge_records(kind, source_id, target_id, only):
    wanted = None if only is None else set(only.get("case_defenders", []))
    moved = [link for link, owner in LINKS.items() if owner == source_id and (wanted is None or link in wanted)]
    for link in moved:
        LINKS[link] = target_id
    return MergeResult("links", {"case_defenders": moved})
'''


def test_admin_merges_a_duplicate_then_undoes_it(tmp_path, monkeypatch, make_app, make_user):
    install_plugin(tmp_path / "site", monkeypatch, LINKS, entry_name="links")
    app = make_app()
    import sys

    links = next(m for name, m in sys.modules.items() if name.endswith(".plugin") and hasattr(m, "LINKS")).LINKS
    officer, admin = make_user("case_officer"), make_user("admin")
    keep = add_defender(app, "José Núñez", profession="", confidentiality="internal")
    dup = add_defender(app, "Jose Nunez", profession="Lawyer", confidentiality="restricted", address="Calle 5",
                       assignees=(officer.id,))
    links.update({101: dup, 102: dup, 103: keep})
    client = app.test_client()
    login(client, admin)
    token = csrf_token(client, f"/defenders/{dup}")
    client.post(f"/attachments/defender/{dup}", data={"csrf_token": token, "file": (io.BytesIO(PDF), "d.pdf")},
                content_type="multipart/form-data")

    choose = client.get(f"/merge/defender/{dup}").get_data(as_text=True)
    assert "José Núñez" in choose  # suggested
    compare = client.get(f"/merge/defender/{dup}?target={keep}").get_data(as_text=True)
    assert "Merged, then deleted" in compare and "Kept" in compare
    response = post_form(client, f"/merge/defender/{dup}", {"target": str(keep), "confirm": "1"})
    assert response.status_code == 302 and response.location == f"/defenders/{keep}"

    with app.app_context():
        kept = db.session.get(Defender, keep)
        assert db.session.get(Defender, dup) is None
        assert (kept.profession, kept.address, kept.confidentiality) == ("Lawyer", "Calle 5", "restricted")
        assert "Jose Nunez" not in kept.alias_list  # same name once accents are set aside
        assert db.session.scalar(select(Attachment.record_id)) == keep
        assert db.session.scalar(select(Assignment.user_id).where(Assignment.record_id == keep)) == officer.id
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "merge"))
        assert entry.changes["plugins"]["links"] == {"case_defenders": [101, 102]}
        entry_id = entry.id
    assert links == {101: keep, 102: keep, 103: keep}

    page = client.get("/admin/audit/?action=merge").get_data(as_text=True)
    assert "Undo this merge" in page
    response = post_form(client, f"/merge/undo/{entry_id}")
    assert response.status_code == 302 and response.location == f"/defenders/{dup}"
    with app.app_context():
        restored, kept = db.session.get(Defender, dup), db.session.get(Defender, keep)
        assert (restored.name, restored.address, restored.confidentiality) == ("Jose Nunez", "Calle 5", "restricted")
        assert (kept.profession, kept.address, kept.confidentiality) == ("", "", "internal")
        assert db.session.scalar(select(Attachment.record_id)) == dup
        assert db.session.scalar(select(Assignment.record_id).where(Assignment.user_id == officer.id)) == dup
        assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "unmerge"
    assert links == {101: dup, 102: dup, 103: keep}
    again = post_form(client, f"/merge/undo/{entry_id}", follow_redirects=True)
    assert "already undone" in again.get_data(as_text=True)


def test_partners_merge_and_bad_targets_are_explained(app, make_user):
    keep, dup = add_partner(app, "Comité de Défense", acronym="CD"), add_partner(app, "Comite de Defense (Kenya)")
    client = app.test_client()
    login(client, make_user("admin"))
    assert client.get(f"/merge/partner/{dup}?target=abc").status_code == 422
    assert "another existing record" in client.get(f"/merge/partner/{dup}?target={dup}").get_data(as_text=True)
    assert client.get(f"/merge/spaceship/{dup}").status_code == 404
    post_form(client, f"/merge/partner/{dup}", {"target": str(keep), "confirm": "1"})
    with app.app_context():
        assert db.session.get(Partner, dup) is None
        assert db.session.get(Partner, keep).alias_list == ["Comite de Defense (Kenya)"]


def test_only_admins_merge(app, make_user):
    a, b = add_defender(app, "A Person"), add_defender(app, "A. Person")
    client = app.test_client()
    login(client, make_user("coordinator"))
    assert client.get(f"/merge/defender/{a}").status_code == 403
    assert post_form(client, f"/merge/defender/{a}", {"target": str(b), "confirm": "1"}).status_code == 403
    assert "Merge…" not in client.get(f"/defenders/{a}").get_data(as_text=True)
