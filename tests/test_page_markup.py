"""The main pages, walked with demo data in English, French and Spanish, as an admin reaches them from the
dashboard: each page's ``<title>`` is one line of text (no markup, no CSRF token), no element id is used twice
(``csrf_token`` was on every form of a page), and no date is written the US way ("12/4/26", "7:19 PM")."""
from __future__ import annotations

import html
from html.parser import HTMLParser

from werkzeug.exceptions import HTTPException

from .conftest import login
from .test_date_style import US_SHORT, visible_text
from .test_disclosure_door import LINK

PER_ENDPOINT = 2  # pages of one view: a list and its second page, two records


class Page(HTMLParser):
    """What the checks read in a page: the head's title as written, and every element id."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source, self.in_head, self.in_title = source, False, False
        self.titles: list[str] = []
        self.ids: list[str] = []
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.ids += [value for name, value in attrs if name == "id" and value is not None]
        if tag == "head":
            self.in_head = True
        elif tag == "title" and self.in_head:
            self.in_title = True
            self.titles.append("")
        elif self.in_title:  # markup inside the title
            self.titles[-1] += f"<{tag}>"

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag == "head":
            self.in_head = False

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.titles[-1] += data


def main_pages(app, client) -> list[str]:
    """The addresses of the pages reached from the dashboard by following links (at most PER_ENDPOINT per view)."""
    adapter = app.url_map.bind("localhost")
    queue, seen, pages, per_view = ["/"], set(), [], {}
    while queue:
        url = html.unescape(queue.pop(0))
        if url in seen:
            continue
        seen.add(url)
        try:
            endpoint, _values = adapter.match(url.split("?", 1)[0], method="GET")
        except HTTPException:
            continue
        if endpoint.endswith("static") or endpoint == "auth.logout" or per_view.get(endpoint, 0) >= PER_ENDPOINT:
            continue
        per_view[endpoint] = per_view.get(endpoint, 0) + 1
        response = client.get(url, buffered=True)
        if response.status_code == 200 and response.mimetype == "text/html":
            pages.append(url)
            queue.extend(LINK.findall(response.get_data(as_text=True)))
    return pages


def test_main_pages_have_text_titles_unique_ids_and_no_us_dates(make_app, make_user):
    app = make_app()
    with app.app_context():
        assert app.test_cli_runner().invoke(args=["demo-data", "--scale", "1"]).exit_code == 0
    english = app.test_client()
    login(english, make_user("admin", locale="en"))
    pages = main_pages(app, english)
    assert len(pages) > 40 and "/assistance/budget" in pages
    assert any(url.startswith("/interventions/actions/") for url in pages)  # a published action among them
    problems = []
    for language in ("en", "fr", "es"):
        client = english if language == "en" else app.test_client()
        if language != "en":
            login(client, make_user("admin", email=f"admin-{language}@example.org", locale=language))
        for url in pages:
            source = client.get(url).get_data(as_text=True)
            page = Page(source)
            if len(page.titles) != 1 or "<" in page.titles[0] or "\n" in page.titles[0].strip() \
                    or "csrf" in page.titles[0].lower():
                problems.append((language, url, "title", page.titles))
            twice = sorted({ident for ident in page.ids if page.ids.count(ident) > 1})
            if twice:
                problems.append((language, url, "ids used twice", twice))
            written = US_SHORT.findall(visible_text(source))
            if written:
                problems.append((language, url, "US dates", written))
    assert problems == [], "\n".join(map(str, problems))
