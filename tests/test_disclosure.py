"""The disclosure guard: the forms of a name it finds (generated names, with hypothesis), personal details in any
spelling, what it masks and what it stops for a person to decide, the register read from the database for an
audience, and a plugin's hook failure refusing the output."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.disclosure import Blocked, Guard, Protected, RegisterIncomplete
from core.disclosure.guard import _without_overlaps
from core.hookspecs import hookimpl
from core.plugins import host

from .records_helpers import add_defender, add_partner

GIVEN = ["Aylin", "María José", "Jean-Pierre", "Nguyễn", "Zoë", "Olek", "Mohammed", "Ana Lucía", "Thandiwe",
         "Yusuf", "Ewa"]
SURNAMES = ["Kaya", "Núñez Ortega", "Dupont-Moretti", "Al-Hassan", "Wiśniewska", "Okonkwo", "Ødegård",
            "Çelik", "Ruiz de Alarcón", "Ferreira", "Mazur"]
HONORIFICS = ["Ms.", "Mr", "Mme", "M.", "Sra.", "Sr.", "Dr", "Me", "Dra."]


def _guard(app, **kwargs) -> Guard:
    return Guard(None, external=True, **kwargs)


@pytest.fixture
def protected_person(app):
    """Build a non-consenting defender and return a function releasing texts through a public guard."""
    def make(name: str, **fields):
        add_defender(app, name, publication_name="H.R.D.", **fields)

        def release(*texts: str, decisions=None):
            with app.test_request_context():
                return Guard(None, external=True, decisions=decisions).release(list(texts))
        return release
    return make


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(given_name=st.sampled_from(GIVEN), surname=st.sampled_from(SURNAMES), honorific=st.sampled_from(HONORIFICS),
       layout=st.integers(0, 5), shout=st.booleans())
def test_every_written_form_of_a_protected_name_is_masked(app, protected_person, given_name, surname, honorific,
                                                          layout, shout):
    from core.extensions import db
    from core.records.models import Defender

    with app.app_context():  # one defender at a time: hypothesis reuses the database of the test
        db.session.query(Defender).delete()
        db.session.commit()
    release = protected_person(f"{given_name} {surname}")
    last = surname.split()[-1].split("-")[-1]
    written = [f"{given_name} {surname}", f"{surname.upper()}, {given_name}", f"{honorific} {surname}",
               f"{given_name[0]}. {surname}", f"{given_name} {surname[0]}.", f"{surname} {given_name}"][layout]
    if shout:
        written = written.upper()
    text = f"On Monday, {written} was taken to the police station."
    (masked,) = release(text)
    assert "H.R.D." in masked, (text, masked)
    for word in (*given_name.replace("-", " ").split(), last):
        if len(word) > 2:
            assert word.lower() not in masked.lower(), (text, masked)


def test_accents_scripts_and_spelling_variants(app, protected_person):
    release = protected_person("Mohammed Al-Hassan", aliases="Мухаммед Аль-Хасан")
    texts = release("Muhammad al Hassan spoke.", "Мухаммед Аль-Хасан был задержан.", "MOHAMMED AL-HASSAN")
    assert all("H.R.D." in text for text in texts), texts
    assert not any("hassan" in text.lower() or "Хасан" in text for text in texts)


def test_the_surname_alone_is_masked_when_nobody_else_can_bear_it(app, protected_person):
    release = protected_person("Aylin Okonkwo")
    assert release("Okonkwo was released.") == ["H.R.D. was released."]


def test_a_surname_that_is_a_common_word_blocks_until_someone_decides(app, protected_person):
    release = protected_person("Juan Blanco")
    with pytest.raises(Blocked) as blocked:
        release("The Blanco family and a blanco wall.")
    keys = {hit.key for hit in blocked.value.hits}
    assert {hit.reason for hit in blocked.value.hits} == {"common word"} and len(keys) == 1
    assert "Nothing was built" in blocked.value.user_message
    (key,) = keys
    assert release("The Blanco family.", decisions={key: "mask"}) == ["The H.R.D. family."]
    assert release("The Blanco family.", decisions={key: "other"}) == ["The Blanco family."]
    # A full form is certain, whatever its words are: no decision needed.
    assert release("Juan Blanco was freed.") == ["H.R.D. was freed."]


def test_a_surname_shared_with_someone_the_output_may_name_blocks(app, protected_person):
    add_defender(app, "Mehmet Kaya", consent_to_publish=True)
    release = protected_person("Aylin Kaya")
    assert release("Mehmet Kaya met Aylin Kaya.") == ["Mehmet Kaya met H.R.D.."]
    with pytest.raises(Blocked) as blocked:
        release("Mehmet Kaya spoke. Later Kaya was detained, and Mr Kaya's lawyer too.")
    assert [(hit.found, hit.reason) for hit in blocked.value.hits] == [("Kaya", "shared"), ("Mr Kaya", "shared")]


def test_a_full_name_borne_by_someone_the_output_may_name_blocks(app, protected_person):
    add_defender(app, "Ali Kaya", consent_to_publish=True)
    release = protected_person("Ali Kaya")
    with pytest.raises(Blocked) as blocked:
        release("Ali Kaya was released.")
    assert [(hit.found, hit.reason) for hit in blocked.value.hits] == [("Ali Kaya", "shared")]


def test_two_protected_namesakes_block(app, protected_person):
    add_defender(app, "Ewa Mazur", publication_name="E.M.")
    release = protected_person("Olek Mazur")
    with pytest.raises(Blocked) as blocked:
        release("Mazur was arrested.")
    assert {hit.reason for hit in blocked.value.hits} == {"namesake"}
    assert release("Olek Mazur and Ewa Mazur.") == ["H.R.D. and E.M.."]


def test_personal_details_in_any_spelling(app, protected_person):
    release = protected_person("Aylin Kaya", phone="+90 532 123 45 67", email="aylin.kaya@example.org",
                               address="Atatürk Caddesi 12, Ankara", exact_location="Flat 4, Gül Apartment",
                               family="Husband: Mehmet Yilmaz; daughter Elif Yilmaz (8)")
    texts = release("Call 0532 123 4567.", "Call +90-532-1234567.", "Mail AYLIN.KAYA@example.org now.",
                    "She lives at Atatürk Caddesi 12 in Ankara.", "Near Gül Apartment.",
                    "Her husband Mehmet Yilmaz and Elif Yilmaz.")
    joined = " | ".join(texts)
    for secret in ("532", "1234567", "aylin.kaya", "Atatürk Caddesi", "Gül Apartment", "Mehmet", "Elif"):
        assert secret not in joined, (secret, joined)
    assert "Ankara" in joined  # a city alone is not an exact location
    # The details of a defender never named in the output are protected too when the output is about them.
    add_defender(app, "Zoë Ferreira", phone="+57 310 555 0199")
    with app.test_request_context():
        from core.extensions import db
        from core.records.models import Defender

        zoe = db.session.query(Defender).filter_by(name="Zoë Ferreira").one().id
        guard = Guard(None, external=True, records=[("defender", zoe)])
        assert guard.release("Reach the family on 310 555 0199.") == "Reach the family on […]."


def test_restricted_records_are_withheld_from_those_who_may_not_see_them(app, make_user):
    officer, assigned = make_user("case_officer"), make_user("case_officer")
    hidden = add_defender(app, "Selin Gizli", consent_to_publish=True, confidentiality="restricted",
                          assignees=(assigned.id,))
    add_partner(app, "Hidden Lawyers Union", acronym="HLU", confidentiality="restricted")
    text = "Selin Gizli and the Hidden Lawyers Union."
    with app.test_request_context():
        from core.extensions import db
        from core.models import User

        assert Guard(db.session.get(User, officer.id), external=False).release(text) == "[…] and the […]."
        assert Guard(db.session.get(User, assigned.id), external=False).release(text) == \
            "Selin Gizli and the […]."
        assert Guard(None, external=True).release(text) == "[…] and the […]."
        assert Guard(None, external=True, allowed_restricted=[("defender", hidden)]).release(text) == \
            "Selin Gizli and the […]."  # consenting, and included by someone allowed to


def test_internal_staff_outputs_keep_the_names_they_may_see(app, make_user):
    officer = make_user("case_officer")
    add_defender(app, "Aylin Kaya", phone="+90 532 123 45 67")
    with app.test_request_context():
        from core.extensions import db
        from core.models import User

        guard = Guard(db.session.get(User, officer.id), external=False)
        assert guard.release("Aylin Kaya, 0532 123 45 67") == "Aylin Kaya, 0532 123 45 67"


def test_the_preflight_lists_every_hit_with_its_context(app, protected_person):
    protected_person("Aylin Okonkwo")
    with app.test_request_context():
        guard = Guard(None, external=True)
        hits = guard.preflight({"cover": "We ask about Ms. Okonkwo, detained on 3 May.", "n": 3})
        assert [(hit.found, hit.form, hit.before, hit.after[:9]) for hit in hits] == [
            ("Ms. Okonkwo", "honorific and surname", "We ask about ", ", detaine")]
        assert guard.masked({"cover": "Ms. Okonkwo", "n": 3}) == {"cover": "H.R.D.", "n": 3}


def test_overlapping_hits_keep_the_longest():
    from core.disclosure.guard import Hit

    item = Protected("name", "Aylin Kaya", "A.K.")
    text = "Aylin Kaya"
    short, long = Hit(text, 6, 10, item, "surname", True), Hit(text, 0, 10, item, "full name")
    assert _without_overlaps([short, long]) == [long]


class ForgetfulPlugin:
    @hookimpl
    def observatory_protected_terms(self, records, audience, external):
        raise RuntimeError("database of sources unavailable")


class SourcePlugin:
    @hookimpl
    def observatory_protected_terms(self, records, audience, external):
        return [Protected("source", "Brother Ahmet Yildiz", record=kind_id) for kind_id in records
                if kind_id[0] == "widget"]


def test_hook_observatory_protected_terms(app):
    """A plugin's protected fields are masked in the outputs about its records; if its hook fails, the output is
    refused rather than built without them."""
    with app.test_request_context():
        host().pm.register(SourcePlugin(), name="sources")
        guard = Guard(None, external=True, records=[("widget", 1)])
        assert guard.release("Told by Brother Ahmet Yildiz.") == "Told by […]."
        assert Guard(None, external=True).release("Told by Brother Ahmet Yildiz.") == \
            "Told by Brother Ahmet Yildiz."  # not about that record: nothing registered
        host().pm.register(ForgetfulPlugin(), name="forgetful")
        with pytest.raises(RegisterIncomplete):
            Guard(None, external=True).release("Anything at all.")
