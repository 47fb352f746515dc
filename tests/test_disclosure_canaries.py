"""The canary suite: protected people and restricted partner organisations written into every free-text field of
every plugin, then every declared output built for every role and searched, file by file, for their names,
aliases, acronyms, phones and e-mail addresses.

Nothing here names a plugin: the fields come from ``observatory_free_text`` and the outputs from
``observatory_outputs``, so a new plugin's fields and outputs join the suite by declaring them. Outputs leaving
the organisation must hold none of the canaries (none consented to be named); internal outputs none that their
reader may not see (the restricted ones, for everyone but admins). Pages shown instead of a file (a preflight, a
refusal) are read with the internal rule.
"""
from __future__ import annotations

import os
import random
import re
import time
from html import unescape
from itertools import count, cycle

import pytest
from anyascii import anyascii
from sqlalchemy import String, func, select, update

from core.disclosure.outputs import collected, free_text
from core.extensions import db
from core.notifications.mail import compose
from core.notifications.models import OutboxMessage
from core.plugin_host.contributions import FreeText, Output, OutputRequest
from core.plugin_host.hookspecs import hookimpl
from core.plugin_host.plugins import host
from core.records.models import Defender, Partner
from core.web.permissions import ADMIN, BUILTIN_ROLES
from tests.conftest import csrf_token, login
from tests.records_helpers import add_defender, add_partner
from tests.support.canaries import Canary, CanaryPartner, canaries, in_a_row, leaks, partners, texts_of

RECORDS_TRIED = 40  # records of a type looked at to find one an output can be built from


def _phone_forms(canary: Canary) -> list[str]:
    """The canary's number as people write it: international, with the trunk prefix, in brackets, bare."""
    national, trunk = canary.phone, canary.trunk
    return [f"+{canary.calling_code} {national[:3]} {national[3:6]} {national[6:8]} {national[8:]}",
            f"{trunk}{national[:3]}-{national[3:]}", f"({trunk}{national[:3]}) {national[3:6]} {national[6:]}",
            f"00{canary.calling_code}{national}"]


def _sentences(people: list[Canary | CanaryPartner]):
    """Sentences as staff write them, each naming one canary in one of the forms people use (an organisation by
    its name, alias or acronym)."""
    forms = [(canary, form, phone) for canary in people
             for form, phone in zip(canary.forms(), cycle(_phone_forms(canary) if canary.phone else [""]))]
    for number, (canary, form, phone) in enumerate(cycle(forms)):
        if not phone:
            yield canary, f"The {form} reported the arrest." if number % 2 else form
        elif number % 4 == 0:
            yield canary, (f"On 3 May {form} was followed home to {canary.address} after the hearing "
                           f"(tel. {phone}, {canary.email}).")
        elif number % 4 == 1:
            yield canary, f"Statement by {form}: the police came at night; reach through {phone}."
        elif number % 4 == 2:
            yield canary, form
        else:
            yield canary, f"The contact asked to be called back on {phone} only."  # a number without its name


def _seed(app, people: list[Canary | CanaryPartner], sentences=None) -> None:
    with app.app_context():
        assert app.test_cli_runner().invoke(args=["demo-data", "--scale", "1"]).exit_code == 0
    canary_ids, canary_partner_ids = [], []
    for canary in people:
        if isinstance(canary, CanaryPartner):
            canary_partner_ids.append(add_partner(app, canary.name, confidentiality="restricted", acronym=canary.acronym, aliases=canary.alias,
                        contacts=f"{' '.join(canary.contact)}, coordinator" if canary.contact[1] else ""))
            continue
        canary_ids.append(add_defender(app, canary.name, country=canary.country, confidentiality="restricted" if canary.restricted else "internal",
                     consent_to_publish=False, publication_name="a woman human rights defender",
                     phone=f"+{canary.calling_code} {canary.phone}", email=canary.email, address=canary.address,
                     family=f"her brother {canary.given} {canary.surnames[-1]}son", aliases=canary.alias))
    with app.app_context():
        db.session.add(OutboxMessage(recipient="someone@example.org", subject="", body=""))
        db.session.commit()
        sentences = sentences or _sentences(people)
        filled = []
        for entry in free_text():
            for field in entry.fields:
                column = getattr(entry.model, field)
                _canary, sentence = next(sentences)
                length = getattr(column.type, "length", None) if isinstance(column.type, String) else None
                if length and len(sentence) > length:
                    sentence = sentence[:length].rsplit(" ", 1)[0]
                rows = update(entry.model).values({field: sentence})
                if entry.model is Defender:  # the canaries keep their own details (an address typed elsewhere)
                    rows = rows.where(Defender.id.not_in(canary_ids))
                if entry.model is Partner:  # and their own contact people, whom outputs must not name either
                    rows = rows.where(Partner.id.not_in(canary_partner_ids))
                db.session.execute(rows)
            count = db.session.scalar(select(func.count()).select_from(entry.model))
            filled.append((entry.model.__name__, count))
        db.session.commit()
    empty = [name for name, count in filled if not count]
    assert not empty, f"declared free-text fields of {empty} have no demo rows: canaries would not be written there"


def _forbidden(people: list[Canary], external: bool, role: str) -> list[Canary]:
    if external:
        return people
    return [canary for canary in people if canary.restricted and role != ADMIN]


def _records(output: Output) -> list[int]:
    from core.records.registry import record_types

    model = record_types()[output.record_type].model
    return list(db.session.scalars(select(model.id).order_by(model.id).limit(RECORDS_TRIED)))


def _requests(app, output: Output, user) -> list:
    """The requests that build ``output``: from the first record of its type that has something to build."""
    with app.test_request_context():
        if output.record_type is None:
            return output.requests(None, user)
        for record_id in _records(output):
            found = output.requests(record_id, user)
            if found:
                return found
    return []


def _fetch(client, request, token: str, typed: str):
    if request.form is None:
        response = client.get(request.path)
    else:
        data = {**request.form, **{field: typed for field in request.typed}, "csrf_token": token}
        response = client.post(request.path, data=data)
    job = re.search(r"/jobs/(\d+)$", response.location or "") if response.status_code == 302 else None
    if job:
        response = client.get(f"/jobs/{job.group(1)}/download")
    if request.then:  # a publication's edition, kept when it was published (by this request or an earlier one)
        response = client.get(request.then)
    return response


def _decide_on_step(client, refused, token: str):
    """A build refused while a hit waits (422, with the way back to its preflight step): the person opens the step
    and masks every hit waiting there, as the careful choice. Returns the step page as shown (it is read for
    leaks too), or None when the refusal has no step."""
    step = re.search(r'id="back-to-preflight"[^>]*href="([^"]+)"|href="([^"]+)"[^>]*id="back-to-preflight"',
                     refused.get_data(as_text=True)) if refused.status_code == 422 else None
    if not step:
        return None
    address = unescape(step.group(1) or step.group(2))
    page = client.get(address)
    shown = page.get_data(as_text=True)
    keys = set(re.findall(r'name="(disclose-[^"]+)"', shown))
    if keys:  # posted with the form that holds them (a step posts to itself, a publication's page elsewhere)
        form = next(form for form in re.findall(r"<form\b.*?</form>", shown, re.S) if 'name="disclose-' in form)
        action = re.search(r'action="([^"]*)"', form)
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
        target = unescape(action.group(1)) if action and action.group(1) else address
        decided = client.post(target, data={**hidden, **{key: "mask" for key in keys}, "csrf_token": token,
                                            "disclose_reason": "Canary suite: every waiting hit masked"})
        assert decided.status_code == 302, (target, decided.status_code)
    return page


def _leaks(people: list[Canary], output: Output, request, role: str, response, texts: list[str]) -> list[str]:
    """The canaries found in what ``role`` got: a file leaving the organisation may hold none of them, anything
    else (a file kept inside, a preflight page) none that ``role`` may not see."""
    external = output.external and _is_file(response)
    return [f"{output.key} {request.path} as {role}: {leak}"
            for leak in leaks(texts, *_forbidden(people, external, role))]


def _same(request) -> tuple:
    return request.path, tuple(sorted((request.form or {}).items()))


def _is_file(response) -> bool:
    return "attachment" in response.headers.get("Content-Disposition", "") or response.mimetype != "text/html"


def _build_everything(app, make_user, people: list[Canary], typed: str, roles=BUILTIN_ROLES,
                      check=None, decide: bool = True) -> tuple[dict[str, int], list[str], list[str]]:
    """Build every declared output as each of ``roles``: each role its share of the requests (and at least one),
    an admin those its role could not build. Returns the files built per output, what
    ``check(output, request, role, response, texts)`` found in what each role got (by default, the canaries
    their reader may not get), and the requests that built no file even for an admin. With ``decide``, a build
    refused while a hit waits is decided on its preflight step (every hit masked) and asked again; the step page
    is checked like any page."""
    check = check or (lambda output, request, role, response, texts: _leaks(people, output, request, role, response,
                                                                             texts))
    built: dict[str, int] = {}
    shared: set[tuple] = set()  # the requests that built a file leaving the organisation (a calendar address is
    # each user's own; an edition, a bulletin or an annual report is everyone's)
    spent: dict[str, float] = {}
    found: list[str] = []
    left: list[tuple] = []  # (output, request) a role could not build: an admin builds them
    with app.app_context():
        outputs = collected()

    def build(client, token, user, role, output, request) -> bool:
        if output.external and _same(request) in shared:
            return True  # a file leaving the organisation is the same whoever built it: built once
        started = time.perf_counter()
        response = _fetch(client, request, token, typed)
        step = _decide_on_step(client, response, token) if decide else None
        if step is not None:
            found.extend(check(output, request, role, step, texts_of(step.data, request.path)))
            response = _fetch(client, request, token, typed)
        spent[output.key] = spent.get(output.key, 0) + time.perf_counter() - started
        assert response.status_code < 500, (output.key, request.path, response.status_code)
        if response.status_code != 200:
            return False
        built[output.key] += _is_file(response)
        found.extend(check(output, request, role, response, texts_of(response.data, request.path)))
        if output.external and _is_file(response):
            shared.add(_same(request))
        return _is_file(response)

    sessions = {}
    for index, role in enumerate(roles):
        user = make_user(role)
        client = app.test_client()
        login(client, user)
        sessions[role] = (client, csrf_token(client, "/account/"), user)
        with app.app_context():
            user = db.session.merge(user)
            for output in outputs:
                built.setdefault(output.key, 0)
                requests = _requests(app, output, user)
                for request in requests[index::len(roles)] or requests[:1]:
                    if not build(*sessions[role][:2], user, role, output, request) and role != ADMIN:
                        left.append((output, request))
                db.session.rollback()
    client, token, admin = sessions.get(ADMIN) or (None, None, None)
    unbuilt = []
    with app.app_context():
        for output, request in left if admin else []:
            if output.record_type is None:  # made for its user (a calendar address): made again for the admin
                request = next(iter(_requests(app, output, db.session.merge(admin))), request)
            if not build(client, token, admin, ADMIN, output, request):
                unbuilt.append(f"{output.key} {request.path}")
    print("seconds per output:", {key: round(value, 1) for key, value in spent.items()})
    return built, found, unbuilt


def test_no_protected_name_leaves_through_any_output(make_app, make_user):
    seed = int(os.environ.get("OBSERVATORY_CANARY_SEED", "2026"))
    rng = random.Random(seed)
    people = canaries(rng)
    people += partners(rng, people)
    print(f"canaries (OBSERVATORY_CANARY_SEED={seed}):", [(canary.name, canary.alias) for canary in people])
    app = make_app()
    _seed(app, people)
    typed = next(s for canary, s in _sentences(people[::-1]) if len(s) > 60)
    built, found, unbuilt = _build_everything(app, make_user, people, typed)
    with app.app_context():
        for message in db.session.scalars(select(OutboxMessage)):
            email = compose(message).as_bytes()
            found += [f"e-mail: {leak}" for leak in leaks(texts_of(email), *people)]
    assert not found, "\n".join(found[:40]) + f"\n({len(found)} in all)"
    assert all(built.values()), f"outputs never built by any role: {[k for k, v in built.items() if not v]}"
    assert not unbuilt, f"requests that built no file, even for an admin: {unbuilt}"
    print("files built per output:", built)


def _short_name_with_a_plain_form() -> tuple[Canary, str]:
    """A generated name of short words with a form that may be plain text ("L. Na", "Plan B. Do")."""
    rng = random.Random(int(os.environ.get("OBSERVATORY_CANARY_SEED", "2026")))
    while True:
        for canary in canaries(rng):
            if canary.short and canary.ambiguous_forms():
                return canary, rng.choice(canary.ambiguous_forms())


def _surname_that_is_a_common_word() -> tuple[Canary, str]:
    return Canary("Zorvikdra", ("Bueno",), phone="5321234567", email="zorvikdra.bueno@example.org"), "Bueno"


def _surname_alone_spelt_otherwise() -> tuple[Canary, str]:
    """A rare surname alone, spelt another way ("Qureshy" for Qureshi): another surname, or theirs."""
    return Canary("Zorvikdra", ("Qureshi",), phone="5321234567", email="zorvikdra.q@example.org"), "Qureshy"


@pytest.mark.parametrize("ambiguous", [_surname_that_is_a_common_word, _short_name_with_a_plain_form,
                                       _surname_alone_spelt_otherwise],
                         ids=["surname alone", "initial beside a short name", "surname alone spelt otherwise"])
def test_a_name_that_may_be_someone_else_stops_every_output_someone_decides_and_never_leaves(make_app, make_user,
                                                                                           ambiguous):
    """A protected defender named, in every free-text field and in text typed at export time, in a form that may
    be someone else or plain words: the surname alone that is also a common word ("Bueno"), an initial beside
    a name of short common words ("L. Na"), or a rare surname alone spelt another way ("Qureshy"). Every output
    leaving the organisation that a person builds is refused until someone decides (a preflight or a refusal
    instead of a file), and one built with nobody there to decide (a calendar feed) masks it."""
    canary, form = ambiguous()
    print("ambiguous form:", repr(form), "of", repr(canary.name))
    sentence = f"Statement by {form}: the police came at night."
    app = make_app()
    _seed(app, [canary], sentences=((canary, f"Report {number}. {sentence}") for number in count()))
    surname = in_a_row(form)

    def check(output, request, role, response, texts):
        if not output.external:
            return []
        if _is_file(response) and not output.unattended:
            return [f"{output.key} {request.path} was built without a decision"]
        return [f"{output.key} {request.path}: {form!r} left" for text in texts if _is_file(response)
                and surname.search(anyascii(text))][:1]

    built, found, _unbuilt = _build_everything(app, make_user, [canary], sentence, roles=(ADMIN,), check=check,
                                               decide=False)
    assert not found, "\n".join(found)
    with app.app_context():
        attended = [output.key for output in collected() if output.external and not output.unattended]
        unattended = [output.key for output in collected() if output.external and output.unattended]
    assert attended and unattended and all(built[key] for key in unattended)


class WidgetsPlugin:
    """An outside plugin with one way out and one free-text field, joining the canary suite by declaring them."""

    @hookimpl
    def observatory_outputs(self):
        return [Output("widgets.sheet", "Widget sheet (PDF)", True,
                       lambda record_id, _user: [OutputRequest(f"/widgets/{record_id}.pdf")], record_type="defender")]

    @hookimpl
    def observatory_free_text(self):
        return [FreeText(OutboxMessage, ("body",))]


def test_hook_observatory_outputs(app, make_user):
    """A plugin's declared output is listed for admins and built by the canary suite from a record of its type."""
    admin = make_user(ADMIN)
    defender = add_defender(app, "Ewa Mazur")
    with app.app_context():
        host().pm.register(WidgetsPlugin(), name="widgets")
        output = next(output for output in collected() if output.key == "widgets.sheet")
        assert [r.path for r in _requests(app, output, db.session.merge(admin))] == [f"/widgets/{defender}.pdf"]
    client = app.test_client()
    login(client, admin)
    assert "Widget sheet (PDF)" in client.get("/admin/plugins").get_data(as_text=True)


def test_hook_observatory_free_text(app):
    """A plugin's free-text fields are among those the canary suite writes protected names into."""
    with app.app_context():
        host().pm.register(WidgetsPlugin(), name="widgets")
        declared = [(entry.model, entry.fields) for entry in free_text()]
    assert (OutboxMessage, ("body",)) in declared
    assert any(fields == ("description", "contacts") for _model, fields in declared)  # the core's own too
