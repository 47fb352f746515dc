"""The statistics page: every plugin's figures for a year and a region, drawn as SVG on this machine, with
their tables, each chart downloadable as an image and as CSV; counts respect who may see what."""
from __future__ import annotations

import csv
import html
import io
from dataclasses import replace
from datetime import date

from sqlalchemy import select

from core.database.models import User
from core.disclosure import Guard
from core.extensions import db
from core.publications import statistics
from plugins.interventions.models import Case, Outcome

from .conftest import login, post_form
from .plugins.interventions.helpers import add_case
from .records_helpers import add_defender
from .support.figures import given_back


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _published(app, case_id: int, year: int, violation: str | None = None) -> None:
    """Number a case as if published in ``year`` (its intervention), with a violation."""
    from core.records.models import Term

    with app.app_context():
        case = db.session.get(Case, case_id)
        case.year, case.obs_number, case.country_number, case.first_issued = year, case_id, case_id, f"01{year % 100}"
        if violation:
            case.violations.append(db.session.scalar(select(Term).where(Term.vocabulary == "violations",
                                                                        Term.key == violation)))
        db.session.commit()


def _value(chart, category: str) -> int:
    return dict(zip(chart.categories, chart.values)).get(category, 0)


def _charts(app, user_id: int | None, year: int | None, region: str = "", locale: str = "en"):
    with app.test_request_context():
        user = db.session.get(User, user_id) if user_id else None
        return {chart.key: chart for chart in statistics.charts(user, year, region, locale)}


def test_hook_observatory_statistics(app, make_user):
    """Each plugin contributes its charts; restricted records count only for those who may see them, and never
    in the public report (no user). (Small counts are not withheld here: see the tests below.)"""
    app.config["STATISTICS_SMALL_COUNT"] = 1
    officer, other = make_user("case_officer"), make_user("case_officer", email="other@example.org")
    defender = add_defender(app, "Aylin Kaya")
    for title, country, year, violation in (("A", "TUR", 2025, "arbitrary_detention"),
                                            ("B", "TUR", 2026, "arbitrary_detention"),
                                            ("C", "COL", 2026, "judicial_harassment")):
        _published(app, add_case(app, officer, title=title, country=country, defenders=(defender,)), year, violation)
    secret = add_case(app, officer, title="Secret", country="TUR", confidentiality="restricted")
    _published(app, secret, 2026, "torture")
    with app.app_context():
        db.session.add(Outcome(case_id=secret, kind="released", occurred_on=date(2026, 5, 1)))
        db.session.commit()
    mine = _charts(app, officer.id, 2026)
    assert list(mine)[:4] == ["interventions_by_year", "interventions_by_region", "violations", "outcomes"]
    assert {"missions_by_type", "assistance_by_type", "assistance_by_region", "advocacy_by_mechanism"} <= set(mine)
    assert _value(mine["interventions_by_year"], "2026") == 3 and _value(mine["interventions_by_year"], "2025") == 1
    assert _value(mine["interventions_by_region"], "Europe and Central Asia") == 2
    assert _value(mine["interventions_by_region"], "Americas") == 1
    assert _value(mine["violations"], "Torture and ill-treatment") == 1 and _value(mine["outcomes"], "Released") == 1
    theirs = _charts(app, other.id, 2026)
    assert _value(theirs["interventions_by_year"], "2026") == 2 and _value(theirs["outcomes"], "Released") == 0
    public = _charts(app, None, 2026, locale="fr")
    assert _value(public["interventions_by_region"], "Europe et Asie centrale") == 1
    assert "Torture et mauvais traitements" not in public["violations"].categories
    americas = _charts(app, officer.id, 2026, "americas")
    assert americas["interventions_by_region"].total == 1
    assert _value(americas["violations"], "Judicial harassment") == 1
    committee = _charts(app, make_user("committee", email="c@example.org").id, 2026)
    assert set(committee) == {"assistance_by_type", "assistance_by_region"}


def test_the_page_draws_charts_without_scripts_and_offers_images_and_data(app, client, make_user):
    app.config["STATISTICS_SMALL_COUNT"] = 1  # the drawing of exact counts (withheld ones: see below)
    officer = make_user("case_officer")
    _published(app, add_case(app, officer, title="A", country="TUR"), 2026, "arbitrary_detention")
    login(client, officer)
    page = _page(client.get("/statistics/?year=2026"))
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'role="img"' in page
    assert "Interventions per region" in page and "<script" not in page.split("<main", 1)[-1].split("</main>")[0]
    assert 'href="/statistics/violations.csv?year=2026' in page
    assert "Interventions per region, 2026, all regions: 1 in all." in page  # the description for screen readers
    image = client.get("/statistics/interventions_by_region.svg?year=2026&region=")
    assert image.headers["Content-Type"].startswith("image/svg+xml")
    assert image.headers["Content-Disposition"] == 'attachment; filename="interventions_by_region-2026.svg"'
    assert image.data.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"') and b"Europe and Central Asia" in image.data
    data = client.get("/statistics/violations.csv?year=2026")
    rows = list(csv.reader(io.StringIO(data.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Category", "Interventions"] and ["Arbitrary arrest and detention", "1"] in rows
    assert client.get("/statistics/nothing.csv").status_code == 404
    assert client.get("/statistics/?year=abc&region=mars").status_code == 200
    every = _page(client.get("/statistics/?year=all"))
    assert "all years" in every


def test_the_page_follows_the_users_language(app, client, make_user):
    officer = make_user("readonly")
    with app.app_context():
        db.session.get(User, officer.id).locale = "es"
        db.session.commit()
    login(client, officer)
    page = _page(client.get("/statistics/"))
    assert "Estadísticas" in page and "Intervenciones por región" in page and "Descargar los datos (CSV)" in page


def test_the_statistics_page_keeps_its_statement_count_as_data_grows(app, client, make_user, count_queries):
    from core.records.demo import load as load_core_demo
    from plugins.interventions.demo import load as load_cases

    login(client, make_user("coordinator"))
    client.get("/statistics/")
    with count_queries() as few:
        assert client.get("/statistics/?year=all").status_code == 200
    with app.app_context():
        load_core_demo(1)
        load_cases(3)
        db.session.commit()
    with count_queries() as many:
        assert client.get("/statistics/?year=all").status_code == 200
    assert len(few) == len(many) <= 12, (len(few), len(many))


def test_dashboard_widgets_show_their_chart_as_an_image_fetched_on_its_own(app, client, make_user):
    login(client, make_user("case_officer"))
    page = _page(client.get("/"))
    year = date.today().year
    source = f"/statistics/interventions_by_region.svg?year={year}&inline=1&lang=en"
    assert f'src="{source}"' in page and f"Chart: Interventions per region, {year}." in page
    image = client.get(source)
    assert image.status_code == 200 and image.headers["Content-Disposition"].startswith("inline;")
    assert f'src="/statistics/advocacy_by_mechanism.svg?year={year}&inline=1&lang=en"' in page
    # the browser keeps an image a few minutes: in another language, the chart has another address
    post_form(client, "/language", {"locale": "fr", "next": "/"})
    french = _page(client.get("/"))
    assert f'src="/statistics/interventions_by_region.svg?year={year}&inline=1&lang=fr"' in french
    assert "Interventions par région" in client.get(source.replace("lang=en", "lang=fr")).get_data(as_text=True)


def test_small_counts_are_withheld_and_the_totals_cannot_give_them_back(app):
    from core.plugin_host.contributions import Chart

    chart = Chart("k", "Title", ("A", "B", "C", "D"), (12, 3, 0, 40))
    withheld = statistics.suppressed(chart, 5, "fewer than 5", "withheld")
    # B is small; A (12) is withheld with it, so that 55 - 40 cannot give B back, and says so.
    assert withheld.figures == [("A", "withheld"), ("B", "fewer than 5"), ("C", 0), ("D", 40)]
    assert withheld.values == (0, 0, 0, 40)  # a drawing, a table or a file cannot print what it does not hold
    assert withheld.total_shown == 55  # minus the 40 shown: the two withheld cells only together
    alone = statistics.suppressed(Chart("k", "Title", ("A", "B"), (2, 0)), 5, "fewer than 5")
    assert alone.figures == [("A", "fewer than 5"), ("B", 0)] and alone.total_shown == "fewer than 5"
    assert statistics.suppressed(Chart("k", "T", ("A", "B"), (5, 9)), 5, "x") == Chart("k", "T", ("A", "B"), (5, 9))
    svg = str(statistics.as_svg(withheld))
    assert "fewer than 5" in svg and ">12<" not in svg and ">3<" not in svg
    with app.app_context():
        written = statistics.as_csv(withheld, "Category", "Count", Guard(None, external=False, unattended=True))
    rows = list(csv.reader(io.StringIO(written.decode("utf-8-sig"))))
    assert rows[1:3] == [["A", "withheld"], ["B", "fewer than 5"]]


def test_figures_for_everyone_but_admins_and_the_public_withhold_small_counts(app, make_user):
    officer, admin = make_user("case_officer"), make_user("admin")
    defender = add_defender(app, "Aylin Kaya")
    for index in range(6):
        _published(app, add_case(app, officer, title=f"T{index}", country="TUR", defenders=(defender,)), 2026,
                   "arbitrary_detention")
    _published(app, add_case(app, officer, title="One", country="COL", defenders=(defender,)), 2026,
               "judicial_harassment")
    mine = _charts(app, officer.id, 2026)["interventions_by_region"]
    # The one case in the Americas is withheld, and so is Europe's 6 (complementary): 7 minus 6 would give it back.
    assert dict(mine.figures)["Americas"] == "fewer than 5" and dict(mine.figures)["Europe and Central Asia"] == \
        "withheld" and mine.total_shown == 7
    french = _charts(app, None, 2026, locale="fr")["interventions_by_region"]
    assert dict(french.figures)["Amériques"] == "moins de 5"
    everything = _charts(app, admin.id, 2026)["interventions_by_region"]
    assert dict(everything.figures)["Americas"] == 1
    client = app.test_client()
    login(client, officer)
    page = html.unescape(client.get("/statistics/?year=2026").get_data(as_text=True))
    assert "Small counts are shown as “fewer than 5”" in page
    assert "Interventions per region, 2026, all regions: 7 in all." in page
    data = client.get("/statistics/interventions_by_region.csv?year=2026").get_data(as_text=True)
    assert "Americas,fewer than 5" in data


def test_an_unassigned_officer_does_not_count_restricted_grant_requests(app, make_user):
    """Grant requests are restricted: the statistics of someone not assigned to one leave it out."""
    from datetime import datetime, timezone

    from plugins.assistance.models import Decision, GrantRequest

    from .plugins.assistance.helpers import add_request

    app.config["STATISTICS_SMALL_COUNT"] = 1  # the count itself, not its withholding, is tested here
    assigned, unassigned = make_user("case_officer"), make_user("case_officer", email="u@example.org")
    request_id = add_request(app, assigned, assignees=(assigned.id,))
    with app.app_context():
        db.session.get(GrantRequest, request_id).status = GrantRequest.APPROVED
        db.session.add(Decision(request_id=request_id, kind="committee", outcome=Decision.APPROVED,
                                decided_at=datetime(2026, 4, 1, tzinfo=timezone.utc)))
        db.session.commit()
    assert _charts(app, assigned.id, 2026)["assistance_by_region"].total == 1
    assert _charts(app, unassigned.id, 2026)["assistance_by_region"].total == 0
    assert _charts(app, None, 2026)["assistance_by_region"].total == 1  # anonymised, in the public report


def test_the_given_back_check_finds_a_count_worked_out_by_subtraction():
    from core.plugin_host.contributions import Chart

    regions = Chart("regions", "R", ("Europe",), (15,))
    countries = Chart("countries", "C", ("France", "Türkiye"), (12, 3), nests_in="regions",
                      parents=("Europe", "Europe"), hidden=(False, True))
    assert given_back([regions, countries]) == [("countries", "Türkiye")]  # 15 - 12
    assert given_back([regions, replace(countries, hidden=(True, True))]) == []


def _countries_in_two_regions(app, officer) -> None:
    """France 6 and Türkiye 2 (Europe: 8), Colombia 2 and Brazil 6 (Americas: 8): chart by chart, only the two
    small countries are withheld, and each region minus its big country gives its small one back."""
    for country, count in (("FRA", 6), ("TUR", 2), ("COL", 2), ("BRA", 6)):
        for index in range(count):
            _published(app, add_case(app, officer, title=f"{country} {index}", country=country), 2026)


def test_a_count_withheld_in_a_nested_chart_cannot_be_worked_out_from_its_parent(app, make_user):
    from core.plugin_host.contributions import Chart

    regions = Chart("regions", "R", ("Europe", "Americas"), (8, 8))
    countries = Chart("countries", "C", ("France", "Türkiye", "Colombia", "Brazil"), (6, 2, 2, 6),
                      nests_in="regions", parents=("Europe", "Europe", "Americas", "Americas"))
    alone = statistics.suppressed(countries, 5, "fewer than 5", "withheld")
    assert alone.figures == [("France", 6), ("Türkiye", "fewer than 5"), ("Colombia", "fewer than 5"),
                             ("Brazil", 6)]  # chart by chart, as before: 8 - 6 gives Türkiye back
    shown_regions, shown_countries = statistics.suppressed_together([regions, countries], 5, "fewer than 5",
                                                                    "withheld")
    assert shown_regions == regions
    assert shown_countries.figures == [("France", "withheld"), ("Türkiye", "fewer than 5"),
                                       ("Colombia", "fewer than 5"), ("Brazil", "withheld")]
    assert given_back([regions, alone]) and given_back([shown_regions, shown_countries]) == []
    # A group with no other count to withhold: its parent is withheld, and then a sibling region beside it.
    lone = Chart("countries", "C", ("France", "Colombia"), (8, 3), nests_in="regions",
                 parents=("Europe", "Americas"))
    shown = statistics.suppressed_together([Chart("regions", "R", ("Europe", "Americas"), (20, 9)), lone], 5, "x",
                                           "withheld")
    assert shown[0].figures == [("Europe", "withheld"), ("Americas", "withheld")]
    assert shown[1].figures == [("France", "withheld"), ("Colombia", "x")] and shown[1].total_shown == "withheld"
    assert given_back(shown) == []
    # Charts that do not nest are withheld as before, one by one.
    other = Chart("types", "T", ("A", "B", "C"), (12, 3, 40))
    assert statistics.suppressed_together([other, regions], 5, "x", "y") == \
        [statistics.suppressed(other, 5, "x", "y"), regions]


def test_the_statistics_page_withholds_across_nested_charts(app, client, make_user):
    officer = make_user("case_officer")
    _countries_in_two_regions(app, officer)
    charts = _charts(app, officer.id, 2026)
    assert charts["interventions_by_country"].nests_in == "interventions_by_region"
    countries = dict(charts["interventions_by_country"].figures)
    assert (countries["France"], countries["Türkiye"]) == ("withheld", "fewer than 5")
    assert dict(charts["interventions_by_region"].figures)["Europe and Central Asia"] == 8
    assert given_back(list(charts.values())) == []
    login(client, officer)
    page = _page(client.get("/statistics/?year=2026"))
    assert "Countries with the most interventions" in page
    data = client.get("/statistics/interventions_by_country.csv?year=2026").get_data(as_text=True)
    assert "France,withheld" in data and "Brazil,withheld" in data and ",6" not in data


def test_a_year_withheld_in_the_chart_of_years_is_not_given_back_by_that_years_regions(app, make_user):
    """The regions of a year add up to that year in the chart of years: when it is withheld (beside a small
    year), neither the regions nor their total give it back."""
    officer = make_user("case_officer")
    for year, count in ((2025, 2), (2026, 6)):
        for index in range(count):
            _published(app, add_case(app, officer, title=f"{year} {index}", country="FRA"), year)
    charts = _charts(app, officer.id, 2026)
    assert dict(charts["interventions_by_year"].figures) == {"2025": "fewer than 5", "2026": "withheld"}
    assert charts["interventions_by_region"].total_shown == "withheld"
    assert given_back(list(charts.values())) == []


def test_a_restricted_defender_counts_only_for_those_who_may_see_them(app, make_user):
    """A restricted defender on a case others may see counts, with their outcomes, for the staff assigned to
    them and admins only: never for other case officers, nor in the public report."""
    app.config["STATISTICS_SMALL_COUNT"] = 1  # the counts themselves, not their withholding
    officer, unassigned, admin = (make_user("case_officer"), make_user("case_officer", email="u@example.org"),
                                  make_user("admin"))
    known = add_defender(app, "Aylin Kaya")
    secret = add_defender(app, "Zehra Gül", confidentiality="restricted", assignees=(officer.id,))
    case = add_case(app, officer, title="Raid on a bar association", country="TUR", defenders=(known, secret))
    _published(app, case, 2026)
    with app.app_context():
        db.session.add(Outcome(case_id=case, defender_id=secret, kind="released", occurred_on=date(2026, 5, 1)))
        db.session.commit()
    europe = "Europe and Central Asia"
    for user_id, defenders, released in ((officer.id, 2, 1), (admin.id, 2, 1), (unassigned.id, 1, 0),
                                         (None, 1, 0)):
        charts = _charts(app, user_id, 2026)
        assert _value(charts["defenders_by_region"], europe) == defenders, user_id
        assert _value(charts["outcomes"], "Released") == released, user_id


def test_charts_leave_out_zero_rows_and_wrap_long_labels_without_cutting_them(app, client, make_user):
    """A category counted nothing is no bar (a withheld one still is); a long label goes on as many lines as it
    needs, whole, in the drawing and in its picture for DOCX; the statistics page draws the same."""
    import re

    from PIL import Image

    from core.plugin_host.contributions import Chart

    long_label = "Afrique du Nord et Moyen-Orient"
    chart = Chart("k", "Titre", (long_label, "Europe", "Amériques", "Asie"), (7, 0, 3, 0))
    svg = str(statistics.as_svg(statistics.suppressed(chart, 5, "moins de 5")))
    labels = ["".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", text))
              for text in re.findall(r'<text[^>]*text-anchor="end"[^>]*>(.*?)</text>', svg)]
    assert [label.replace(" ", "") for label in labels] == [long_label.replace(" ", ""), "Amériques"]
    assert svg.count("<tspan") == 3 and "…" not in svg  # two lines for the long label, one for the other
    assert "Europe" not in svg and "Asie" not in svg and "moins de 5" in svg  # zeros out, the withheld count in
    wide = Image.open(io.BytesIO(statistics.as_png(chart)))
    assert wide.size[1] < Image.open(io.BytesIO(statistics.as_png(replace(chart, values=(7, 1, 3, 1))))).size[1]
    app.config["STATISTICS_SMALL_COUNT"] = 1
    officer = make_user("case_officer")
    _published(app, add_case(app, officer, title="A", country="TUR"), 2026, "arbitrary_detention")
    login(client, officer)
    image = client.get("/statistics/interventions_by_region.svg?year=2026&region=").get_data(as_text=True)
    assert "Europe and Central Asia" in image and "Americas" not in image  # no intervention there this year
