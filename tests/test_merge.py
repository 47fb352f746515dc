"""Merging duplicates: links move (core and plugins), the merge is audited and can be undone exactly."""
from __future__ import annotations

import io

from sqlalchemy import select, text

from core.attachments.models import Attachment
from core.audit.models import AuditEntry
from core.extensions import db
from core.plugin_host.plugins import host
from core.records.models import Assignment, Defender, Partner, Term

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


def _pointing_at(app, table_name: str) -> dict[str, set[tuple]]:
    """Every row, of every table whose foreign key points at ``table_name``, as sets of value tuples (but for
    the columns set at each update: moving a row is one)."""
    with app.app_context():
        found = {}
        for table in db.metadata.sorted_tables:
            if any(fk.column.table.name == table_name for fk in table.foreign_keys):
                columns = [column for column in table.columns if column.onupdate is None]
                found[table.name] = set(db.session.execute(select(*columns)).all())
        return found


def _last_merge(app) -> AuditEntry:
    with app.app_context():
        return db.session.scalar(select(AuditEntry).where(AuditEntry.action == "merge").order_by(AuditEntry.id.desc()))


def test_defenders_and_partners_linked_in_every_plugin_keep_every_link_and_undo_restores_them(app, make_user):
    """No built-in plugin implements the merge hook: their rows move by their foreign keys. A link the kept
    record already has is dropped whole into the audit row, and undoing brings it back as it was."""
    from datetime import date

    from plugins.advocacy.models import ActionDefender
    from plugins.assistance.models import GrantRequest
    from plugins.interventions.models import Case, CaseDefender, Consultation, Outcome
    from plugins.missions.models import MissionDefender, MissionPartner

    from .plugins.advocacy.helpers import add_action as add_advocacy_action
    from .plugins.assistance.helpers import add_request
    from .plugins.interventions.helpers import add_case
    from .plugins.missions.helpers import add_mission

    admin, officer = make_user("admin"), make_user("case_officer")
    keep, dup = add_defender(app, "Aylin Kaya"), add_defender(app, "Aylin Kaya Demir")
    old, new = add_partner(app, "Izmir Bar"), add_partner(app, "Izmir Bar Association")
    shared_case, own_case = add_case(app, officer, defenders=(keep, dup)), add_case(app, officer, defenders=(dup,))
    first, second = add_mission(app, officer), add_mission(app, officer, title="Second trial")
    shared_action = add_advocacy_action(app, officer, defenders=(keep, dup), consent="given")
    grant = add_request(app, officer, defender=dup)
    with app.app_context():
        rights = list(db.session.scalars(select(Term).where(Term.vocabulary == "rights").order_by(Term.id).limit(2)))
        db.session.get(Defender, keep).rights = rights[:1]
        db.session.get(Defender, dup).rights = rights
        rights = [term.id for term in rights]
        db.session.add_all([MissionDefender(mission_id=first, defender_id=dup, on_trial=True),
                            MissionDefender(mission_id=second, defender_id=dup, on_trial=True),
                            MissionDefender(mission_id=second, defender_id=keep),
                            MissionPartner(mission_id=first, partner_id=old, role="host"),
                            MissionPartner(mission_id=first, partner_id=new),
                            Outcome(case_id=own_case, defender_id=dup, kind="released", occurred_on=date(2026, 6, 2)),
                            Consultation(case_id=own_case, partner_id=old, consulted_on=date(2026, 6, 1),
                                         answer="confirmed")])
        db.session.get(Case, own_case).source_partner_id = old
        db.session.get(GrantRequest, grant).partner_id = old
        db.session.commit()
    before = {**_pointing_at(app, "core_defenders"), **_pointing_at(app, "core_partners")}
    client = app.test_client()
    login(client, admin)

    assert post_form(client, f"/merge/defender/{dup}", {"target": str(keep), "confirm": "1"}).status_code == 302
    assert post_form(client, f"/merge/partner/{old}", {"target": str(new), "confirm": "1"}).status_code == 302
    with app.app_context():
        assert db.session.get(Defender, dup) is None and db.session.get(Partner, old) is None
        links = lambda model, *columns: set(db.session.execute(select(*columns)).all())  # noqa: E731
        assert links(CaseDefender, CaseDefender.case_id, CaseDefender.defender_id) == {(shared_case, keep),
                                                                                       (own_case, keep)}
        assert links(MissionDefender, MissionDefender.mission_id, MissionDefender.defender_id,
                     MissionDefender.on_trial) == {(first, keep, True), (second, keep, False)}
        assert links(ActionDefender, ActionDefender.action_id, ActionDefender.defender_id) == {(shared_action, keep)}
        assert db.session.scalar(select(Outcome.defender_id)) == keep
        assert db.session.get(GrantRequest, grant).defender_id == keep
        assert sorted(t.id for t in db.session.get(Defender, keep).rights) == rights
        assert links(MissionPartner, MissionPartner.partner_id, MissionPartner.role) == {(new, "")}
        assert db.session.scalar(select(Consultation.partner_id)) == new
        assert db.session.get(Case, own_case).source_partner_id == new
        assert db.session.get(GrantRequest, grant).partner_id == new
        merges = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "merge")
                                         .order_by(AuditEntry.id)))
        dropped = {done["table"]: [row.get("on_trial", row.get("consent", row.get("role"))) for row in done["dropped"]]
                   for entry in merges for done in entry.changes["references"] if done["dropped"]}
        assert dropped == {"core_defender_rights": [None], "interventions_case_defenders": [None],
                           "missions_mission_defenders": [True],
                           "advocacy_action_defenders": ["given"], "missions_mission_partners": ["host"]}
        entry_ids = [entry.id for entry in merges]

    for entry_id in reversed(entry_ids):
        assert post_form(client, f"/merge/undo/{entry_id}").status_code == 302
    assert {**_pointing_at(app, "core_defenders"), **_pointing_at(app, "core_partners")} == before


NO_HOOK_PLUGIN = '''
from core.plugin_host.hookspecs import hookimpl
from . import models

@hookimpl
def observatory_startup(app):
    pass
'''
NO_HOOK_MODELS = '''
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from core.extensions import db

class WatchEntry(db.Model):
    """A defender on a watch list, once per topic; its key to defenders still says CASCADE."""
    __tablename__ = "watch_entries"
    __table_args__ = (UniqueConstraint("topic", "defender_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(50))
    defender_id: Mapped[int] = mapped_column(ForeignKey("core_defenders.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(String(200), default="")

class WatchProfile(db.Model):
    """At most one per defender."""
    __tablename__ = "watch_profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    defender_id: Mapped[int] = mapped_column(ForeignKey("core_defenders.id", ondelete="CASCADE"), unique=True)
    summary: Mapped[str] = mapped_column(String(200), default="")
'''


def test_an_outside_plugin_without_the_merge_hook_loses_no_row(tmp_path, monkeypatch, make_app, make_user):
    """A plugin that knows nothing of merges: its rows follow the kept record, a duplicate is kept whole in the
    audit row, undoing restores everything, and a row that cannot move refuses the merge with nothing changed."""
    install_plugin(tmp_path / "site", monkeypatch, NO_HOOK_PLUGIN, entry_name="watch",
                   files={"models.py": NO_HOOK_MODELS})
    app = make_app()
    entries, profiles = db.metadata.tables["watch_entries"], db.metadata.tables["watch_profiles"]
    with app.app_context():
        for table in (entries, profiles):
            table.create(db.engine)
    try:
        assert "observatory_merge_records" not in host(app).plugins["watch"].hooks
        keep, dup = add_defender(app, "Aylin Kaya"), add_defender(app, "Aylin Kaya Demir")
        with app.app_context():
            db.session.execute(entries.insert(), [
                {"id": 1, "topic": "detention", "defender_id": dup, "note": "held since May"},
                {"id": 2, "topic": "threats", "defender_id": dup, "note": "calls at night"},
                {"id": 3, "topic": "threats", "defender_id": keep, "note": ""},
            ])
            db.session.execute(profiles.insert(), [{"id": 1, "defender_id": dup, "summary": "lawyer"}])
            db.session.commit()
        client = app.test_client()
        login(client, make_user("admin"))
        rows = lambda table: set(db.session.execute(select(table)).all())  # noqa: E731

        assert post_form(client, f"/merge/defender/{dup}", {"target": str(keep), "confirm": "1"}).status_code == 302
        with app.app_context():
            assert rows(entries) == {(1, "detention", keep, "held since May"), (3, "threats", keep, "")}
            assert rows(profiles) == {(1, keep, "lawyer")}
            entry = _last_merge(app)
            kept = {done["table"]: done for done in entry.changes["references"]}
            assert kept["watch_entries"]["dropped"] == [{"id": 2, "topic": "threats", "defender_id": dup,
                                                        "note": "calls at night"}]
        assert post_form(client, f"/merge/undo/{entry.id}").status_code == 302
        with app.app_context():
            assert rows(entries) == {(1, "detention", dup, "held since May"), (2, "threats", dup, "calls at night"),
                                     (3, "threats", keep, "")}
            assert rows(profiles) == {(1, dup, "lawyer")}
            db.session.execute(profiles.insert().values(id=2, defender_id=keep, summary="journalist"))
            db.session.commit()

        refused = post_form(client, f"/merge/defender/{dup}", {"target": str(keep), "confirm": "1"})
        page = refused.get_data(as_text=True)
        assert refused.status_code == 409 and "nothing was changed" in page
        assert "Data of watch — 1 link that cannot be moved: each record may have only one, and both records have one" \
            in page and "watch_profiles" not in page
        with app.app_context():
            assert db.session.get(Defender, dup) is not None
            assert rows(entries) == {(1, "detention", dup, "held since May"), (2, "threats", dup, "calls at night"),
                                     (3, "threats", keep, "")}
            assert rows(profiles) == {(1, dup, "lawyer"), (2, keep, "journalist")}
            assert _last_merge(app).id == entry.id
    finally:
        with app.app_context():
            for table in (profiles, entries):
                table.drop(db.engine)
                db.metadata.remove(table)


VIGIL_PLUGIN = '''
from core.api import RecordType, hookimpl, lazy_gettext as _l
from . import models

@hookimpl
def observatory_record_types():
    return [RecordType("vigil_file", models.VigilFile, _l("Vigil file"), "core.defenders.view", "core.defenders.edit",
                       "defenders.show", "defender_id")]
'''
VIGIL_MODELS = '''
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column
from core.extensions import db

class VigilFile(db.Model):
    """A record of its own, restricted or not, that follows some defenders."""
    __tablename__ = "vigil_files"
    __record_type__ = "vigil_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    confidentiality: Mapped[str] = mapped_column(String(20), default="internal")

class VigilSubject(db.Model):
    """A defender followed by a file, once per file; notes point at it, so a duplicate cannot simply go."""
    __tablename__ = "vigil_subjects"
    __table_args__ = (UniqueConstraint("file_id", "defender_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("vigil_files.id"))
    defender_id: Mapped[int] = mapped_column(ForeignKey("core_defenders.id"))

class VigilNote(db.Model):
    __tablename__ = "vigil_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("vigil_subjects.id"))
'''


def test_a_refused_merge_names_record_types_and_counts_only_what_the_reader_may_see(tmp_path, monkeypatch, make_app,
                                                                                    make_user):
    """The refusal names the kind of record that holds the links, in the reader's language, never a table, and
    counts only the links of records the reader may see; the others are mentioned without a number."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    from core.database.models import Role, RolePermission

    install_plugin(tmp_path / "site", monkeypatch, VIGIL_PLUGIN, entry_name="vigil", files={"models.py": VIGIL_MODELS})
    package = next((tmp_path / "site").glob("obs_test_plugin_*/plugin.py")).parent
    french = Catalog(locale="fr")
    french.add("Vigil file", "Dossier de veille")
    (package / "translations/fr/LC_MESSAGES").mkdir(parents=True)
    with open(package / "translations/fr/LC_MESSAGES/messages.mo", "wb") as compiled:
        write_mo(compiled, french)
    app = make_app()
    tables = [db.metadata.tables[name] for name in ("vigil_files", "vigil_subjects", "vigil_notes")]
    with app.app_context():
        for table in tables:
            table.create(db.engine)
    try:
        keep, dup = add_defender(app, "Aylin Kaya"), add_defender(app, "Aylin Kaya Demir")
        with app.app_context():
            files, subjects, notes = tables
            db.session.execute(files.insert(), [{"id": 1, "name": "Open", "confidentiality": "internal"},
                                                {"id": 2, "name": "Closed", "confidentiality": "restricted"},
                                                {"id": 3, "name": "Sealed", "confidentiality": "restricted"}])
            db.session.execute(subjects.insert(), [{"id": 1, "file_id": 1, "defender_id": dup},
                                                   {"id": 2, "file_id": 2, "defender_id": dup},
                                                   {"id": 3, "file_id": 3, "defender_id": dup},
                                                   {"id": 4, "file_id": 1, "defender_id": keep}])
            db.session.execute(notes.insert(), [{"id": 1, "subject_id": 4}])
            coordinator = db.session.scalar(select(Role).where(Role.name == "coordinator"))
            db.session.add(RolePermission(role_id=coordinator.id, permission="core.records.merge", granted=True))
            db.session.commit()

        def refusal(user):
            client = app.test_client()
            login(client, user)
            response = post_form(client, f"/merge/defender/{dup}", {"target": str(keep), "confirm": "1"})
            assert response.status_code == 409
            return response.get_data(as_text=True)

        why = "other rows depend on the ones the kept record already has"
        admin = refusal(make_user("admin"))
        assert f"Vigil file — 3 links that cannot be moved: {why}" in admin
        assert "may not see" not in admin and "vigil_subjects" not in admin

        coordinator_page = refusal(make_user("coordinator"))  # two of the files are restricted to others
        assert f"Vigil file — 1 link that cannot be moved: {why}" in coordinator_page
        assert "Other records you may not see are linked to it in a way that cannot be moved." in coordinator_page
        assert "3 links" not in coordinator_page and "2 links" not in coordinator_page
        assert "vigil_subjects" not in coordinator_page

        in_french = refusal(make_user("coordinator", locale="fr"))
        assert "Dossier de veille — 1 lien qui ne peut pas être déplacé" in in_french
        assert "D’autres dossiers que vous ne pouvez pas voir" in in_french
        with app.app_context():
            assert db.session.get(Defender, dup) is not None  # nothing changed
    finally:
        with app.app_context():
            for table in reversed(tables):
                table.drop(db.engine)
                db.metadata.remove(table)


def test_a_merge_recorded_when_plugins_moved_their_rows_through_the_hook_is_still_undone(app, make_user):
    """Before rows moved by their foreign keys, the built-in plugins moved theirs through the hook and the audit
    row kept ``{plugin: {table: [ids], "<table>_dropped": [owner ids]}}``: undoing such a merge still works."""
    from sqlalchemy import delete, update

    from core.records.merging import snapshot
    from plugins.interventions.models import CaseDefender

    from .plugins.interventions.helpers import add_case

    officer = make_user("case_officer")
    keep, dup = add_defender(app, "Aylin Kaya"), add_defender(app, "Aylin Kaya Demir")
    shared, own = add_case(app, officer, defenders=(keep, dup)), add_case(app, officer, defenders=(dup,))
    with app.app_context():  # what a merge did then
        source, target = db.session.get(Defender, dup), db.session.get(Defender, keep)
        moved = db.session.scalar(select(CaseDefender.id).where(CaseDefender.case_id == own))
        db.session.execute(delete(CaseDefender).where(CaseDefender.case_id == shared, CaseDefender.defender_id == dup))
        db.session.execute(update(CaseDefender).where(CaseDefender.id == moved).values(defender_id=keep))
        entry = AuditEntry(action="merge", record_type="defender", record_id=keep, record_label=target.name, changes={
            "source": snapshot(source), "source_rights": [], "source_assignees": [], "target_before": snapshot(target),
            "target_after": snapshot(target), "target_rights_before": [], "attachments": [], "assignments_added": [],
            "plugins": {"interventions": {"interventions_case_defenders": [moved],
                                          "interventions_case_defenders_dropped": [shared]}}})
        db.session.add(entry)
        db.session.delete(source)
        db.session.commit()
        entry_id = entry.id
    client = app.test_client()
    login(client, make_user("admin"))
    assert post_form(client, f"/merge/undo/{entry_id}").status_code == 302
    with app.app_context():
        links = set(db.session.execute(select(CaseDefender.case_id, CaseDefender.defender_id)).all())
        assert db.session.get(Defender, dup).name == "Aylin Kaya Demir"
    assert links == {(shared, keep), (shared, dup), (own, dup)}


def test_a_table_the_app_does_not_declare_keeps_its_rows_too(app, make_user):
    """A disabled plugin's table is still in the database, unknown to the models: read by reflection, its rows
    move (and come back) like the others, and its cascading key deletes nothing."""
    keep, dup = add_defender(app, "Aylin Kaya"), add_defender(app, "Aylin Kaya Demir")
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE gone_notes (id INTEGER PRIMARY KEY, topic VARCHAR(20) NOT NULL, text VARCHAR(50), "
            "defender_id INTEGER NOT NULL REFERENCES core_defenders (id) ON DELETE CASCADE, UNIQUE (topic, defender_id))")
        connection.exec_driver_sql(f"INSERT INTO gone_notes VALUES (1, 'visit', 'May', {dup}), (2, 'call', 'June', {dup}),"
                                   f" (3, 'call', 'July', {keep})")
    notes = lambda: set(db.session.execute(text("SELECT * FROM gone_notes")).all())  # noqa: E731
    try:
        client = app.test_client()
        login(client, make_user("admin"))
        assert post_form(client, f"/merge/defender/{dup}", {"target": str(keep), "confirm": "1"}).status_code == 302
        with app.app_context():
            assert notes() == {(1, "visit", "May", keep), (3, "call", "July", keep)}
        assert post_form(client, f"/merge/undo/{_last_merge(app).id}").status_code == 302
        with app.app_context():
            assert notes() == {(1, "visit", "May", dup), (2, "call", "June", dup), (3, "call", "July", keep)}
    finally:
        with app.app_context(), db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE gone_notes")


def test_undo_skips_a_dropped_link_whose_case_was_deleted_since(app, make_user):
    from sqlalchemy import delete

    from plugins.interventions.models import Case, CaseDefender

    from .plugins.interventions.helpers import add_case

    officer = make_user("case_officer")
    keep, dup = add_defender(app, "Aylin Kaya"), add_defender(app, "Aylin Kaya Demir")
    shared, own = add_case(app, officer, defenders=(keep, dup)), add_case(app, officer, defenders=(dup,))
    client = app.test_client()
    login(client, make_user("admin"))
    assert post_form(client, f"/merge/defender/{dup}", {"target": str(keep), "confirm": "1"}).status_code == 302
    with app.app_context():
        db.session.execute(delete(Case).where(Case.id == shared))
        db.session.commit()
    assert post_form(client, f"/merge/undo/{_last_merge(app).id}").location == f"/defenders/{dup}"
    with app.app_context():
        assert set(db.session.execute(select(CaseDefender.case_id, CaseDefender.defender_id)).all()) == {(own, dup)}


def test_the_address_index_follows_a_merge_and_its_undo(app, make_user):
    """The kept record takes the merged one's exact location (it had none): the guard finds its holder from the
    words alone, under the kept record; undone, under the restored one again."""
    from core.disclosure import Guard
    from core.disclosure.addresses import RECORD_TYPE
    from core.records.models import SearchToken

    admin = make_user("admin")
    keep = add_defender(app, "José Núñez", publication_name="J. N.")
    dup = add_defender(app, "Jose Nunez", publication_name="J. N.", exact_location="Finca Los Pinos, km 14")
    text = "The meeting is at Finca Los Pinos, km 14."

    def holders() -> set[int]:
        with app.test_request_context():
            assert Guard(None, external=True).release(text) == "The meeting is at […], […]."
            return set(db.session.scalars(select(SearchToken.record_id).where(SearchToken.record_type == RECORD_TYPE)))

    assert holders() == {dup}
    client = app.test_client()
    login(client, admin)
    assert post_form(client, f"/merge/defender/{dup}", {"target": str(keep), "confirm": "1"}).status_code == 302
    assert holders() == {keep}
    with app.app_context():
        entry_id = db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "merge"))
    assert post_form(client, f"/merge/undo/{entry_id}", {}).status_code == 302
    assert holders() == {dup}
