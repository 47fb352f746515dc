"""Lists page in the database: the count looks three pages ahead, pager links keep the filters, and each
sort is read from an index rather than sorted row by row."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select, text

from core.audit.models import AuditEntry
from core.extensions import db
from core.records import services
from core.records.models import Defender
from core.web.pagination import Page, page_links, paginate

from .conftest import login
from .records_helpers import add_defender, add_partner


def _pager(page: str) -> list[tuple[str, str]]:
    """(label, address) of each pager link."""
    nav = page[page.index('aria-label="Pages"'):]
    nav = nav[:nav.index("</nav>")]
    return [(re.sub(r"<[^>]+>|&[a-z]+;", "", label).strip(), html.unescape(href))
            for href, label in re.findall(r'<a class="page-link" href="([^"]+)"[^>]*>(.*?)</a>', nav)]


@pytest.mark.parametrize("filters", ["q=kaya&region=africa&sort=name", "region=africa"])  # ids read first, or not
def test_the_count_stops_three_pages_ahead_and_paging_goes_on(make_app, make_user, filters):
    """With words, the matches' ids are read up to the count's cap with the page; without, page and count apart."""
    app = make_app(PAGE_SIZE=2)
    client = app.test_client()
    login(client, make_user("readonly"))
    for i in range(25):
        add_defender(app, f"Kaya {i:02}", country="KEN")
    first = client.get(f"/defenders/?{filters}").get_data(as_text=True)
    assert "More than 8" in first and "in all" not in first
    links = _pager(first)
    assert [label for label, _ in links][-2:] == ["4", "Next"]
    assert all(filters in url for _, url in links)
    fourth = client.get(f"/defenders/?{filters}&page=4").get_data(as_text=True)
    assert "More than 14" in fourth and [label for label, _ in _pager(fourth)][-2:] == ["7", "Next"]
    tenth = client.get(f"/defenders/?{filters}&page=10").get_data(as_text=True)
    assert "25 in all" in tenth  # counted up to page 13 from here: the exact total
    assert [label for label, _ in _pager(tenth)][-2:] == ["13", "Next"]
    last = client.get(f"/defenders/?{filters}&page=13").get_data(as_text=True)
    assert "Kaya 24" in last and "Kaya 23" not in last
    assert "Next" not in [label for label, _ in _pager(last)]
    beyond = client.get(f"/defenders/?{filters}&page=14")
    assert beyond.status_code == 200 and "No defender matches" in beyond.get_data(as_text=True)


@pytest.mark.parametrize("columns", [(), (AuditEntry.id, AuditEntry.record_label)])  # records, or rows
@pytest.mark.parametrize("deferred", [False, True])
def test_deep_and_deferred_pages_read_their_ids_first_then_the_same_rows(app, count_queries, columns, deferred):
    """From the 200th row on, or for a deferred list, a page's ids are read apart from its rows: the page holds
    the rows one OFFSET would read, in the list's order, in as many statements as the tests of each page
    expect (a deferred list's count is the length of its ids)."""
    app.config["PAGE_SIZE"] = 10
    with app.app_context():
        db.session.add_all(AuditEntry(action="view", record_type="note", record_label=f"Note {i:03}")
                           for i in range(245))
        db.session.commit()
    notes = select(AuditEntry).where(AuditEntry.record_type == "note").order_by(AuditEntry.record_label.desc())
    labels = [f"Note {i:03}" for i in reversed(range(245))]
    for number, total, capped, statements in ((1, 40, True, 2), (20, 230, True, 2), (21, 240, True, 3),
                                              (25, 245, False, 3), (30, 245, False, 2)):
        with app.test_request_context(f"/?page={number}"), count_queries() as sent:
            page = paginate(notes, columns=columns, deferred=deferred)
        assert [item.record_label for item in page.items] == labels[(number - 1) * 10:number * 10]
        assert (page.total, page.capped) == (total, capped)
        if deferred:  # the ids up to the cap, then the page's rows by id (when there are any)
            assert len(sent) == (2 if page.items else 1), sent
        else:
            assert len(sent) == statements, sent


def test_a_page_given_its_total_reads_no_count_of_its_own(app, count_queries):
    """A page that counts its rows among its own figures (an advocacy country's or mechanism's actions, with their
    results) gives ``paginate`` that total: the page alone is read, and it is the same page, counted the same."""
    app.config["PAGE_SIZE"] = 10
    with app.app_context():
        db.session.add_all(AuditEntry(action="view", record_type="note", record_label=f"Note {i:03}")
                           for i in range(45))
        db.session.commit()
    notes = select(AuditEntry).where(AuditEntry.record_type == "note").order_by(AuditEntry.record_label)
    for number, total in ((1, 45), (2, 45), (2, 60)):
        with app.test_request_context(f"/?page={number}"):
            with count_queries() as counted:
                expected = paginate(notes, columns=(AuditEntry.id, AuditEntry.record_label))
            with count_queries() as given:
                page = paginate(notes, columns=(AuditEntry.id, AuditEntry.record_label), total=total)
        assert len(counted) == 2 and len(given) == 1, (counted, given)
        assert page.items == expected.items
        assert (page.total, page.capped) == ((expected.total, expected.capped) if total == 45 else (50, True))


def test_the_pager_shows_the_first_and_last_pages_and_those_around_the_current_one(app):
    with app.test_request_context("/defenders/?region=africa&page=7"):
        links = page_links(Page(page=7, per_page=10, items=[], total=200, capped=True))
        assert [link.label for link in links] == ["previous", "1", "…", "5", "6", "7", "8", "9", "10", "…", "20",
                                                  "next"]
        assert [link.url for link in links if link.kind == "next"] == ["/defenders/?region=africa&page=8"]
        assert [(link.label, link.url) for link in links if link.current] == [("7", None)]
        first = page_links(Page(page=1, per_page=10, items=[], total=45, capped=False))
        assert [link.label for link in first] == ["1", "2", "3", "4", "5", "next"]
        assert page_links(Page(page=1, per_page=10, items=[], total=0, capped=False)) == []


def test_the_same_list_read_by_two_users_shows_each_their_own_records(make_app, make_user):
    """A list's statement names the user who reads it: one user's page never serves another's."""
    app = make_app(PAGE_SIZE=2)
    assigned, other = make_user("case_officer"), make_user("case_officer")
    add_defender(app, "Assigned Secret", confidentiality="restricted", risk_level="high", assignees=(assigned.id,))
    add_defender(app, "Open High", risk_level="high")
    pages = {}
    for name, user in (("assigned", assigned), ("other", other)):
        client = app.test_client()
        login(client, user)
        pages[name] = client.get("/defenders/?risk=high").get_data(as_text=True)
    assert "Assigned Secret" in pages["assigned"] and "2 in all" in pages["assigned"]
    assert "Assigned Secret" not in pages["other"] and "1 in all" in pages["other"] and "Open High" in pages["other"]


def test_a_restricted_level_filter_shows_only_what_the_user_may_see(app, client, make_user):
    officer, admin = make_user("case_officer"), make_user("admin")
    add_defender(app, "Assigned Secret", confidentiality="restricted", assignees=(officer.id,))
    add_defender(app, "Other Secret", confidentiality="restricted")
    add_defender(app, "Open Person", confidentiality="public")
    login(client, officer)
    page = client.get("/defenders/?confidentiality=restricted").get_data(as_text=True)
    assert "Assigned Secret" in page and "Other Secret" not in page and "Open Person" not in page
    assert "1 in all" in page
    admin_client = app.test_client()
    login(admin_client, admin)
    page = admin_client.get("/defenders/?confidentiality=restricted").get_data(as_text=True)
    assert "Assigned Secret" in page and "Other Secret" in page and "2 in all" in page


def test_every_sort_reads_its_order_from_an_index(app, make_user):
    """SQLite shows a sort of every row as a temporary B-tree in the plan; no list sort may need one."""
    if not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        pytest.skip("query plans are compared on SQLite; PostgreSQL plans depend on table statistics")
    officer = make_user("case_officer")
    add_defender(app, "Someone")
    add_partner(app, "Some Network")
    with app.app_context():
        user = db.session.get(type(officer), officer.id)
        queries = [services.defenders_query(user, services.DefenderFilters(sort=sort)) for sort in services.SORTS]
        queries += [services.partners_query(user, services.PartnerFilters(sort=sort))
                    for sort in services.PARTNER_SORTS]
        queries.append(services.defenders_query(user, services.DefenderFilters(country="TUR", sort="name")))
        for query in queries:
            sql = str(query.limit(25).compile(db.engine, compile_kwargs={"literal_binds": True}))
            plan = " / ".join(row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
            assert "TEMP B-TREE" not in plan, (sql.split("ORDER BY")[-1], plan)


def test_the_risk_index_matches_the_sort_expression(app):
    """The migration repeats the risk ranking as SQL; it must be the models' expression, or the index is unused."""
    import importlib.util
    from pathlib import Path

    from core.records.models import RISK_RANK_SQL

    path = Path(__file__).parents[1] / "core/migrations/versions/0009_list_sort_indexes.py"
    spec = importlib.util.spec_from_file_location("migration_0009", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.RISK_RANK_SQL == RISK_RANK_SQL
    with app.app_context():
        names = {index["name"] for index in db.inspect(db.engine).get_indexes("core_defenders")}
        if db.engine.dialect.name == "postgresql":  # SQLite cannot reflect expression indexes
            assert "ix_core_defenders_risk_name_id" in names
        else:
            assert db.session.scalar(select(text("name")).select_from(text("sqlite_master")).where(
                text("name = 'ix_core_defenders_risk_name_id'")))
    assert Defender.RISK_LEVELS[-1] in RISK_RANK_SQL


def test_a_word_search_lists_the_newest_first_unless_asked_otherwise(app, client, make_user):
    """Words find their matches by id, so the newest registered come first by default (sorting a common
    name's thousand matches by name would read each of them); the form shows the order used."""
    login(client, make_user("readonly"))
    for name in ("Amina Zulu", "Amina Abara", "Amina Musa"):
        add_defender(app, name)
    add_partner(app, "Amina Alliance")
    add_partner(app, "Amina Network")

    def names(page: str) -> list[str]:
        return re.findall(r'<td><a href="/(?:defenders|partners)/\d+">([^<]+)</a>', page)

    searched = client.get("/defenders/?q=amina").get_data(as_text=True)
    assert names(searched) == ["Amina Musa", "Amina Abara", "Amina Zulu"]
    assert '<option value="-created" selected>Newest first</option>' in searched
    by_name = client.get("/defenders/?q=amina&sort=name").get_data(as_text=True)
    assert names(by_name) == ["Amina Abara", "Amina Musa", "Amina Zulu"]
    assert '<option value="name" selected>Name</option>' in by_name
    unsearched = client.get("/defenders/").get_data(as_text=True)
    assert '<option value="name" selected>Name</option>' in unsearched
    assert names(client.get("/partners/?q=amina").get_data(as_text=True)) == ["Amina Network", "Amina Alliance"]
    assert names(client.get("/partners/?q=amina&sort=name").get_data(as_text=True)) == ["Amina Alliance",
                                                                                       "Amina Network"]
