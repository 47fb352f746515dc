"""The disclosure guard: the forms of a name it finds (generated names, with hypothesis), personal details in any
spelling, what it masks and what it stops for a person to decide, the register read from the database for an
audience, and a plugin's hook failure refusing the output."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.disclosure import Blocked, Guard, Protected, RegisterIncomplete
from core.disclosure.guard import _without_overlaps
from core.plugin_host.hookspecs import hookimpl
from core.plugin_host.plugins import host

from .plugin_factory import install_plugin
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


def test_a_name_with_its_middle_names_dropped_or_spelt_another_way(app, protected_person):
    """The given name with one later name ("Sergei Kuznetsov" for Sergei Ivanovich Kuznetsov), spelt another way
    too, is masked; the surname alone spelt another way ("Kouznetsov") may be another surname: it blocks, and
    the person building the output decides."""
    release = protected_person("Sergei Ivanovich Kuznetsov")
    texts = release("Sergei Kuznetsov spoke.", "Sergueï Kouznetsov a parlé.", "KOUZNETSOV, Sergueï", "Sergei Ivanovich")
    assert all("H.R.D." in text for text in texts) and not any("kuz" in t.lower() or "kouz" in t.lower() for t in texts)
    with pytest.raises(Blocked) as blocked:
        release("Kouznetsov said it again.")
    assert [(hit.found, hit.reason) for hit in blocked.value.hits] == [("Kouznetsov", "spelling")]
    (decided,) = release("Kouznetsov said it again.", decisions={blocked.value.hits[0].key: "mask"})
    assert decided == "H.R.D. said it again."
    assert release("The market was busy.") == ["The market was busy."]


def test_the_surname_alone_is_masked_when_nobody_else_can_bear_it(app, protected_person):
    release = protected_person("Aylin Okonkwo")
    assert release("Okonkwo was released.") == ["H.R.D. was released."]


def test_a_surname_that_is_a_common_word_blocks_until_someone_decides(app, protected_person):
    release = protected_person("Juan Blanco")
    with pytest.raises(Blocked) as blocked:
        release("The Blanco family and a blanco wall.")
    assert {hit.reason for hit in blocked.value.hits} == {"common word"}
    assert len({hit.key for hit in blocked.value.hits}) == 2  # each place is decided on its own
    assert "Nothing was built" in blocked.value.user_message
    text = "The Blanco family."
    with app.test_request_context():
        (hit,) = Guard(None, external=True).preflight(text)
    assert release(text, decisions={hit.key: "mask"}) == ["The H.R.D. family."]
    assert release(text, decisions={hit.key: "other"}) == ["The Blanco family."]
    with pytest.raises(Blocked):  # the decision was about that place only
        release("Blanco was arrested.", decisions={hit.key: "other"})
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
        from core.database.models import User
        from core.extensions import db

        assert Guard(db.session.get(User, officer.id), external=False).release(text) == "[…] and the […]."
        assert Guard(db.session.get(User, assigned.id), external=False).release(text) == \
            "Selin Gizli and the […]."
        assert Guard(None, external=True).release(text) == "[…] and the […]."
        assert Guard(None, external=True, allowed_restricted=[("defender", hidden)]).release(text) == \
            "Selin Gizli and the […]."  # consenting, and included by someone allowed to


def test_a_restricted_partner_s_contact_people_are_withheld_from_those_who_may_not_see_it(app, make_user):
    """Its contact people name it as surely as its name does: typed alone in a staff output, in any form, they
    are masked for a colleague not assigned to the partner, and kept for one who is (and the other lines of its
    contacts, a sentence or a number, name nobody)."""
    officer, assigned = make_user("case_officer"), make_user("case_officer")
    add_partner(app, "Hidden Lawyers Union", confidentiality="restricted", assignees=(assigned.id,),
                contacts="Marisol Quintanar-Vidal (director), marisol@hlu.example\nCall the office at night")
    text = "Marisol Quintanar-Vidal called; QUINTANAR-VIDAL, Marisol, and Sra. Quintanar-Vidal at night."
    with app.test_request_context():
        from core.database.models import User
        from core.extensions import db

        assert Guard(db.session.get(User, officer.id), external=False).release(text) == \
            "[…] called; […], and […] at night."
        assert Guard(db.session.get(User, assigned.id), external=False).release(text) == text


def test_contact_people_written_with_a_particle_or_their_details_and_no_comma_are_found(app, make_user):
    """"Omar al-Sayed" (a lower-case particle joined by a hyphen) and "Leila Haddad leila@..." (the e-mail after the
    name with no comma) are contact people too."""
    officer = make_user("case_officer")
    add_partner(app, "Hidden Lawyers Union", confidentiality="restricted",
                contacts="Omar al-Sayed, director\nLeila Haddad leila@hlu.example +216 71 000 000")
    text = "Omar al-Sayed called; Leila Haddad wrote."
    with app.test_request_context():
        from core.database.models import User
        from core.extensions import db

        assert Guard(db.session.get(User, officer.id), external=False).release(text) == "[…] called; […] wrote."


def test_internal_staff_outputs_keep_the_names_they_may_see(app, make_user):
    officer = make_user("case_officer")
    add_defender(app, "Aylin Kaya", phone="+90 532 123 45 67")
    with app.test_request_context():
        from core.database.models import User
        from core.extensions import db

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


CONCERNS = '''
from core.plugin_host.hookspecs import hookimpl

@hookimpl
def observatory_records_concerned(records):
    if ("broken", 1) in records:
        raise RuntimeError("links unavailable")
    links = {("widget", 1): [("gadget", 2)], ("gadget", 2): [("partner", %d)]}
    return [found for record in records for found in links.get(tuple(record), [])]
'''


def test_hook_observatory_records_concerned(app, make_app, tmp_path, monkeypatch):
    """An output about a plugin's record keeps out the personal details of whom it concerns, followed through
    another record (a widget about a gadget about a partner organisation), though the text does not name it: its
    contact person's name (which, typed alone, finds nobody: the partner is not restricted); if the hook fails,
    the output is refused. (A defender's details typed alone are found by the phone and address indexes.)"""
    partner = add_partner(app, "Ankara Rights Centre", contacts="Cem Yılmaz, lawyer")
    install_plugin(tmp_path / "site", monkeypatch, CONCERNS % partner, entry_name="widgets")
    text = "Their lawyer Cem Yılmaz was there."
    with make_app().test_request_context():
        assert Guard(None, external=True, records=[("widget", 1)]).release(text) == \
            "Their lawyer […] was there."
        assert Guard(None, external=True, records=[("widget", 2)]).release(text) == text  # not about it
        with pytest.raises(RegisterIncomplete):
            Guard(None, external=True, records=[("broken", 1)]).release(text)


def test_a_phone_among_other_numbers_and_two_phones_in_one_field(app):
    """Phones are found for the defenders an output names or is about (here: about her)."""
    aylin = add_defender(app, "Aylin Kaya", phone="0532 123 45 67",
                         family="Brother: 0532 111 22 33 / 0532 444 55 66")
    with app.test_request_context():
        texts = Guard(None, external=True, records=[("defender", aylin)]).release([
            "Tel. 0532 123 45 67 / 0532 765 43 21", "Call 0532 123 45 67 2 times", "On 12.03.2024 0532 123 45 67",
            "Brothers: +90 532 111 2233 and 0532-444-5566"])
    assert texts == ["Tel. […] / 0532 765 43 21", "Call […] 2 times", "On 12.03.2024 […]", "Brothers: […] and […]"]


def test_names_across_a_sentence_or_behind_a_one_word_name_are_still_found(app, protected_person):
    add_defender(app, "Ana Ruiz", consent_to_publish=True, aliases="Okonkwo")
    release = protected_person("Aylin Okonkwo")
    # A full stop joins only an honorific or an initial to the next word: "Ana. Okonkwo" is two sentences.
    with pytest.raises(Blocked):  # "Okonkwo" is also the alias of someone the output may name
        release("She met Ana. Okonkwo was detained later.")


def test_overlapping_protected_things_are_masked_together(app, protected_person):
    release = protected_person("Aylin Kaya", address="Kaya Sokak 12, Ankara")
    assert release("She lives at Aylin Kaya Sokak 12 now.") == ["She lives at […] now."]


def test_spellings_of_a_given_name_and_titles_with_punctuation(app, protected_person):
    from core.disclosure import INTERNAL_TITLE, PHRASE

    release = protected_person("Mohammed Al-Hassan")
    assert release("Muhammad al Hassan and Mohamed Hassan spoke.") == ["H.R.D. and H.R.D. spoke."]
    title = Protected(INTERNAL_TITLE, "Urgent appeal: arrest of Kaya (Istanbul)", "UA 3/2026", PHRASE)

    class TitlePlugin:
        @hookimpl
        def observatory_protected_terms(self, records, audience, external):
            return [title]

    with app.test_request_context():
        host().pm.register(TitlePlugin(), name="titles")
        assert Guard(None, external=True).release("Reply expected: Urgent appeal: arrest of Kaya (Istanbul).") == \
            "Reply expected: UA 3/2026."


def test_single_letters_and_short_words_are_never_a_surname_alone(app, protected_person):
    release = protected_person("Aylin K. Demir")
    assert release("Vitamin K, o d'Angelo.") == ["Vitamin K, o d'Angelo."]


def test_names_made_of_short_words_are_found_in_any_text(app, protected_person):
    """Every word of "Lê Văn Hà" or "Li Na" is too short (or a particle) to look people up by alone: two of them
    together, or one after an honorific, find the person."""
    release = protected_person("Lê Văn Hà")
    protected_person("Li Na")
    assert release("Lê Văn Hà, a blogger, witnessed the arrest.") == ["H.R.D., a blogger, witnessed the arrest."]
    assert release("LE VAN HA and Na Li were detained.") == ["H.R.D. and H.R.D. were detained."]
    assert release("We also ask about Sra. Ha.") == ["We also ask about H.R.D.."]
    assert release("Le juge a dit: la loi est la loi.") == ["Le juge a dit: la loi est la loi."]
    with app.test_request_context():  # "Ms. Li": Li may be her family name, written first, or a given name
        (hit,) = Guard(None, external=True).preflight("We also ask about Ms. Li.")
    assert hit.ambiguous and hit.reason == "given name"
    assert release("We also ask about Ms. Li.", decisions={hit.key: "mask"}) == ["We also ask about H.R.D.."]


def test_a_given_name_after_an_honorific_is_not_taken_for_a_family_name(app, protected_person):
    """Judge Ali Yılmaz is not the protected Ali Demir: only a person may decide that "Dr Ali" is her."""
    release = protected_person("Ali Demir")
    assert release("Judge Ali Yılmaz ruled.") == ["Judge Ali Yılmaz ruled."]
    with app.test_request_context():
        hits = Guard(None, external=True).preflight("Dr Ali spoke.")
    assert [(hit.found, hit.reason) for hit in hits] == [("Dr Ali", "given name")]


def test_invisible_characters_inside_a_name_do_not_hide_it(app, protected_person):
    """Text pasted from a word processor can hold soft hyphens and zero-width characters inside words."""
    release = protected_person("Aylin Kaya")
    assert release("Ka\u00adya, Aylin and Ay\u200blin Ka\u2060ya spoke.") == ["H.R.D. and H.R.D. spoke."]


def test_translated_messages_are_guarded_like_plain_text(app, protected_person):
    from core.languages.i18n import lazy_gettext

    release = protected_person("Aylin Okonkwo")
    with app.test_request_context():
        message = lazy_gettext("Reply expected: %(title)s", title="Appeal on Aylin Okonkwo")
        assert Guard(None, external=True).release([message]) == ["Reply expected: Appeal on H.R.D."]
    assert release("x")


def test_the_preflight_never_shows_a_protected_neighbour_in_the_context(app, protected_person):
    protected_person("Juan Blanco")
    add_defender(app, "Selin Gizli", confidentiality="restricted", consent_to_publish=True)
    with app.test_request_context():
        (waiting,) = [hit for hit in Guard(None, external=True).preflight("Selin Gizli met the Blanco family.")
                      if hit.ambiguous]
    assert waiting.found == "Blanco" and waiting.before == "[…] met the " and "Selin" not in waiting.before


def test_an_article_is_no_initial(app, protected_person):
    release = protected_person("Amal Human")
    with app.test_request_context():
        hits = Guard(None, external=True).preflight("She is a human rights defender. A Human Rights Watch report.")
    assert {hit.form for hit in hits} == {"surname"}  # "Human" alone waits (a common word); "a human" is no name
    assert release("A. Human and Amal H. spoke.") == ["H.R.D. and H.R.D. spoke."]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rng=st.randoms(use_true_random=True))
def test_every_typed_form_of_a_generated_name_in_any_script_is_masked(app, rng):
    """The canary suite's people (Latin with accents and particles, Cyrillic, Greek, Arabic, Chinese, names of
    short words; one or two surnames; aliases), each form people type them in, in a sentence: none of their words
    and no phone number leave.
    Hypothesis seeds the generator (a failure prints its seed)."""
    from core.extensions import db
    from core.records.matching import name_key, search_text
    from core.records.models import Defender
    from core.records.tokens import index_tokens

    from .support.canaries import canaries, leaks

    people = canaries(rng)
    with app.test_request_context():
        for canary in people:
            defender = Defender(name=canary.name, name_key=name_key(canary.name),
                                search_text=search_text(canary.name, canary.alias), aliases=canary.alias,
                                confidentiality="restricted" if canary.restricted else "internal",
                                publication_name="a defender", phone=f"+90 {canary.phone}", email=canary.email)
            db.session.add(defender)
            db.session.flush()
            index_tokens(defender)
        db.session.flush()
        texts = [f"Statement by {form}, reached on 0{canary.phone[:3]} {canary.phone[3:]} or at {canary.email}."
                 for canary in people for form in canary.forms()]
        guard = Guard(None, external=True)
        waiting = guard.undecided(hit for text in texts for hit in guard.hits(text))
        # two generated people may share a surname: which one "M. Qartem" is waits for a person (tested
        # elsewhere); here the person says "mask", and nothing else may wait
        assert {hit.reason for hit in waiting} <= {"namesake"}, waiting
        released = Guard(None, external=True, decisions={hit.key: "mask" for hit in waiting}).release(texts)
        db.session.rollback()
    found = leaks(released, *people)
    assert not found, (found, released)


def test_a_number_typed_without_its_holders_name_is_found(app):
    """The phone index finds the defender (or partner) whose stored number a text holds, with no name near it
    and no link to them; the index keeps keyed hashes, never the numbers."""
    from sqlalchemy import select

    from core.extensions import db
    from core.records.models import SearchToken

    add_defender(app, "Aylin Kaya", phone="0532 123 45 67", family="Sister: +90 533 765 43 21")
    add_partner(app, "Kenya Rights Watch", contacts="Office: +254 20 555 0199")
    add_defender(app, "Awa Koné", country="CIV", phone="07 07 12 34 56")  # a national number beginning with 0
    with app.test_request_context():
        texts = Guard(None, external=True).release([
            "Call +90 532 123 45 67 tonight", "or her sister on 0533-765-4321", "Case 90532123456789 is open",
            "The office: 020 5550199", "Reach +225 07 07 12 34 56", "اتصل على ٠٥٣٢ ١٢٣ ٤٥ ٦٧", "Tel. 0532/123 45 67"])
        tokens = db.session.scalars(select(SearchToken.token).where(SearchToken.record_type.like("%phone%"))).all()
    assert texts == ["Call […] tonight", "or her sister on […]", "Case 90532123456789 is open", "The office: […]",
                     "Reach […]", "اتصل على […]", "Tel. […]"]
    assert len(tokens) == 5 and not {"5321234567", "5337654321", "205550199", "707123456"} & set(tokens)  # + the key's


@pytest.mark.parametrize("name, text, kept", [
    ("王小明", "据报道，王小明于三月被捕，王先生的律师说。", "据报道，H.R.D.于三月被捕，王先生的律师说。"),
    ("山田太郎", "山田太郎さんは逮捕された。", "H.R.D.さんは逮捕された。"),
    ("สมชาย ใจดี", "สมชาย ใจดี ถูกจับเมื่อวันจันทร์", "H.R.D. ถูกจับเมื่อวันจันทร์"),
])
def test_names_in_scripts_written_without_spaces(app, protected_person, name, text, kept):
    """Chinese, Japanese and Thai run words together: a name is found as the run of its letters (and the
    register finds its holder from such a run); a single letter of it elsewhere is left alone."""
    release = protected_person(name)
    assert release(text, f"{name[0]} is a common letter") == [kept, f"{name[0]} is a common letter"]


def test_an_initial_beside_a_short_name_finds_the_person_and_a_plain_word_asks_first(app, protected_person):
    """"L. Na", "Na, L." and "Li N." are Li Na, although no word of them is looked up alone. A short word that
    is also a common one ("Na" in Spanish, "Do" in English) may be a sentence after an initial ("Plan B. Do not
    ..."): such a form waits for a person, and is masked when nobody is there to decide. A rarer short word
    ("Ng") is masked at once. Ordinary text with the same short words, without the person's initial, passes."""
    release = protected_person("Li Na")
    protected_person("Ai Ng")
    protected_person("Lê Văn Hà")
    assert release("A. Ng, a lawyer, and NG, A. spoke.") == ["H.R.D., a lawyer, and H.R.D. spoke."]
    for text in ("L. Na was detained.", "Statement by Na, L.: the police came.", "Li N. was detained.",
                 "The arrest of L. Hà."):
        with app.test_request_context():
            hits = Guard(None, external=True).preflight(text)
            assert [(hit.ambiguous, hit.reason) for hit in hits] == [(True, "common word")], (text, hits)
            with pytest.raises(Blocked):
                Guard(None, external=True).release(text)
            assert "H.R.D." in Guard(None, external=True, unattended=True).release(text)
        assert "H.R.D." in release(text, decisions={hits[0].key: "mask"})[0]
    ordinary = ("Plan B. Do not share it. An appeal was sent; le juge L. Martin a dit: na, la loi est la loi. "
                "Section A. Na rules. Li said no; Na I.D. card; Do I need a visa? Ha! L Na.")
    assert release(ordinary) == [ordinary]


def test_words_held_by_many_people_find_them_by_pairs_and_otherwise_ask(app, make_user, monkeypatch):
    """A word held by more than MANY records (here 3: at 100,000 records, a common surname or "for") loads nobody:
    two words written together find the person ("Aylin Kaya", "KAYA, Aylin"), and the surname alone or after an
    honorific waits for a decision when someone the output may not name bears it (masked when nobody is there),
    without any of its bearers being loaded. A given name alone is no form. A restricted organisation whose every
    word and pair is frequent is found by its whole name; its words elsewhere pass."""
    from core.database.models import User
    from core.disclosure import lookup
    from core.disclosure.register import MANY_PEOPLE, build
    from core.extensions import db

    monkeypatch.setattr(lookup, "MANY", 3)
    assigned, officer = make_user("case_officer"), make_user("case_officer")
    add_defender(app, "Aylin Kaya", publication_name="H.R.D.")
    for name in ("Emre Kaya", "Selin Kaya", "Ali Kaya", "Aylin Demir", "Aylin Çelik", "Aylin Şahin"):
        add_defender(app, name, consent_to_publish=True)
    add_defender(app, "Deniz Gizli", confidentiality="restricted", consent_to_publish=True, assignees=(assigned.id,))
    for name in ("Emre Gizli", "Selin Gizli", "Ali Gizli"):
        add_defender(app, name, consent_to_publish=True)
    add_partner(app, "Centre for Justice", confidentiality="restricted")
    for name in ("Centre for Press Freedom", "Centre for Women", "Centre for Lawyers", "Justice Centre"):
        add_partner(app, name, confidentiality="public")
    with app.test_request_context():
        public = Guard(None, external=True)
        assert public.release(["Aylin Kaya was detained.", "KAYA, Aylin spoke."]) == \
            ["H.R.D. was detained.", "H.R.D. spoke."]
        for text in ("Ms. Kaya spoke.", "Kaya was released."):
            hits = Guard(None, external=True).preflight(text)
            assert [(hit.found, hit.ambiguous, hit.reason) for hit in hits] == \
                [(text.split(" was")[0].split(" spoke")[0], True, "many people")]
            with pytest.raises(Blocked):
                Guard(None, external=True).release(text)
            assert "Kaya" not in Guard(None, external=True, unattended=True).release(text)
            register = build([text], None, external=True)
            assert {item.match for item in register.protected} == {MANY_PEOPLE}, "no bearer of Kaya was loaded"
        ordinary = "Aylin spoke for the Centre for Women and the Centre for Press Freedom; justice for all."
        assert Guard(None, external=True).release(ordinary) == ordinary
        assert Guard(None, external=True).release("The Centre for Justice wrote.") == "The […] wrote."
        # Who may not be named is decided by the audience, as for records loaded one by one.
        text = "Ms. Gizli and Ali Gizli came."
        assert Guard(db.session.get(User, assigned.id), external=False).release(text) == text
        with pytest.raises(Blocked):
            Guard(db.session.get(User, officer.id), external=False).release(text)


def test_the_family_name_written_first_with_the_initial_of_the_other_word(app, protected_person):
    """"N. Li" and "Li, N." (the family name written first: Li Na, Orbán Viktor), like "Li N.": beside short
    common words they wait for a person; beside rarer ones ("A. Ng" for Ng Ai, "V. Orbán") they are masked at
    once. The same words without the person's initial pass."""
    release = protected_person("Li Na")
    protected_person("Ng Ai")
    protected_person("Orbán Viktor")
    assert release("A. Ng and Ng, A. spoke; V. Orbán, Orban, V. and ORBÁN V. wrote.") == \
        ["H.R.D. and H.R.D. spoke; H.R.D., H.R.D. and H.R.D. wrote."]
    for text, found in (("N. Li was detained.", "N. Li"), ("Statement by Li, N.: the police came.", "Li, N."),
                        ("Li N. was detained.", "Li N.")):
        with app.test_request_context():
            hits = Guard(None, external=True).preflight(text)
            assert [(hit.found, hit.ambiguous, hit.reason) for hit in hits] == [(found, True, "common word")], hits
            assert "H.R.D." in Guard(None, external=True, unattended=True).release(text)
        assert release(text, decisions={hits[0].key: "mask"})[0] == text.replace(found, "H.R.D.")
    ordinary = "B. Li said no; Li, B. and A. Orbán; N. Lin; Li Nuo."
    assert release(ordinary) == [ordinary]


def test_the_family_name_first_with_an_initial_when_many_bear_it(app, monkeypatch):
    """With the family name held by many (here more than 3), "N. Li" and "Li, N." find Li Na by the name and the
    letter together; when that pair too is held by many, they wait for a person (masked with nobody to decide),
    without anyone being loaded."""
    from core.disclosure import lookup
    from core.disclosure.register import MANY_PEOPLE, build

    monkeypatch.setattr(lookup, "MANY", 3)
    add_defender(app, "Li Na", publication_name="H.R.D.")
    for name in ("Li Wei", "Li Ming", "Li Hua", "Li Jun"):
        add_defender(app, name, consent_to_publish=True)
    texts = ("N. Li was detained.", "Statement by Li, N.: the police came.")
    with app.test_request_context():
        for text in texts:
            (hit,) = Guard(None, external=True).preflight(text)
            assert hit.protected.record and hit.reason == "common word", (text, hit)
    for name in ("Li Nuo", "Li Ning", "Li Nan"):
        add_defender(app, name, consent_to_publish=True)
    with app.test_request_context():
        for text in texts:
            (hit,) = Guard(None, external=True).preflight(text)
            assert (hit.ambiguous, hit.reason) == (True, "many people"), (text, hit)
            assert Guard(None, external=True, unattended=True).release(text) == text.replace(hit.found, "[…]")
            assert {item.match for item in build([text], None, external=True).protected} == {MANY_PEOPLE}


@pytest.mark.parametrize("probed", [True, False])
def test_details_written_beside_a_full_name_held_by_more_than_many_records_are_masked(app, make_user, monkeypatch,
                                                                                       probed):
    """"Maria Garcia" held by 61 records (more than lookup.MANY): nobody is loaded by that name, which waits for a
    decision as many people's; but the address, exact location and family of the restricted Maria Garcia written
    beside it are masked all the same (her phone and e-mail would be found by their own indexes), for the public
    and for a reader who may not see her, even once the name is decided to be someone else's or with nobody
    there to decide. A visible holder's address leaves an internal output, not an external one. Both ways a pair
    is counted: probed in the index (its rarer word held by few), or met from its words' holders."""
    from core.database.models import User
    from core.disclosure import lookup
    from core.extensions import db

    if not probed:
        monkeypatch.setattr(lookup, "PROBED", 10)
    assert lookup.MANY == 50
    for number in range(59):
        add_defender(app, "Maria Garcia", country="ESP", consent_to_publish=True)
    add_defender(app, "Maria Garcia", country="ESP", consent_to_publish=True, address="Avenida del Sol 5")
    add_defender(app, "Maria Garcia", country="ESP", confidentiality="restricted", publication_name="M. G.",
                 address="Calle del Olmo 12, Madrid", exact_location="Portal 3, piso 2",
                 family="Husband: Pedro Sanchez")
    text = "Maria Garcia lives at Calle del Olmo 12 (Portal 3, piso 2) with Pedro Sanchez, near Avenida del Sol 5."
    officer = make_user("case_officer")
    with app.test_request_context():
        # The name waits as many people's (and, her address having found her, as hers, shared with the holder
        # of the other address found).
        hits = [hit for hit in Guard(None, external=True).preflight(text) if hit.protected.kind == "name"]
        assert {(hit.found, hit.ambiguous) for hit in hits} == {("Maria Garcia", True)}
        assert "many people" in {hit.reason for hit in hits}
        masked = "[…] lives at […] ([…], […]) with […], near […]."
        assert Guard(None, external=True, unattended=True).release(text) == masked
        assert Guard(None, external=True, decisions={hit.key: "other" for hit in hits}).release(text) == \
            masked.replace("[…] lives", "Maria Garcia lives")
        reader = Guard(db.session.get(User, officer.id), external=False, unattended=True)
        assert reader.release(text) == "[…] lives at […] ([…], […]) with […], near Avenida del Sol 5."
        ordinary = "Maria Garcia spoke. The Calle del Olmo runs to Avenida del Sol; Pedro was there."
        assert Guard(None, external=True, unattended=True).release(ordinary) == \
            ordinary.replace("Maria Garcia", "[…]")


def test_an_address_typed_without_its_holders_name_is_masked(app, make_user, count_queries):
    """The address index finds the restricted or non-consenting defender living at an address typed alone, or
    beside a surname 60 records hold ("Ms. Garcia"), in any spelling; an address nobody protected has passes.
    It keeps keyed hashes, never the words; and its lookup costs the same statements however many records."""
    from sqlalchemy import select

    from core.database.models import User
    from core.disclosure.addresses import RECORD_TYPE
    from core.extensions import db
    from core.records.models import SearchToken

    for _number in range(59):
        add_defender(app, "Maria Garcia", country="ESP", consent_to_publish=True)
    add_defender(app, "Maria Garcia", country="ESP", confidentiality="restricted", publication_name="M. G.",
                 address="12 Calle Olmo 3B, 28004 Madrid")
    add_defender(app, "Aylin Kaya", publication_name="A. K.", exact_location="Safe house behind the Yeni Cami mosque")
    add_defender(app, "Emre Demir", consent_to_publish=True, address="Rue des Lilas 7")
    officer = make_user("case_officer")
    texts = ["The raid on 12 Calle Olmo 3B was at dawn.", "Ms. Garcia, 12 calle olmo 3b, was not home.",
             "They hid in the safe house behind the Yeni Cami mosque.", "The office is at 14 Plaza Nueva.",
             "Emre Demir lives at Rue des Lilas 7."]
    with app.test_request_context():
        released = Guard(None, external=True, unattended=True).release(texts)
        assert released == ["The raid on […] was at dawn.", "[…], […], was not home.", "They hid in the […].",
                            "The office is at 14 Plaza Nueva.", "Emre Demir lives at […]."]
        # A reader who may not see the restricted Maria Garcia: her address stays out; the others' details are
        # theirs to read inside.
        reader = Guard(db.session.get(User, officer.id), external=False, unattended=True)
        assert reader.release(texts) == ["The raid on […] was at dawn.", "[…], […], was not home.",
                                         texts[2], texts[3], texts[4]]
        stored = db.session.scalars(select(SearchToken.token).where(SearchToken.record_type == RECORD_TYPE)).all()
    assert len(stored) == 4 + 2 + 7 + 4  # each part's pairs and itself
    assert not any(word in token for token in stored for word in ("calle", "olmo", "madrid", "lilas", "safe"))

    def statements() -> int:
        with app.test_request_context(), count_queries() as counted:
            Guard(None, external=True, unattended=True).release(texts)
        return len(counted)

    def grow(count: int) -> None:
        for number in range(count):
            add_defender(app, f"Selin Gizli{number}", confidentiality="restricted", address=f"{number} Calle Olmo 3B")

    few = statements()
    grow(40)  # "Calle Olmo" held by 41: its holders are loaded, in the same statement as the others
    assert statements() == few
    grow(20)  # by 61: nobody is loaded by it
    many = statements()
    grow(100)
    assert statements() == many


def test_a_street_many_live_on_is_masked_only_as_a_whole_part_of_someones_address(app, monkeypatch):
    """Pairs held by more than MANY records (here 3) load nobody: a part of a protected person's address made
    only of such pairs ("Calle Mayor 5") is masked when written whole, and its words elsewhere pass."""
    from core.disclosure import addresses
    from core.disclosure.register import build

    monkeypatch.setattr(addresses, "MANY", 3)
    for number in range(5):
        add_defender(app, f"Vecino{number} Perez", consent_to_publish=True, address=f"Calle Mayor 5, piso {number}")
    add_defender(app, "Lucia Ramos", publication_name="L. R.", address="Calle Mayor 5")
    with app.test_request_context():
        assert Guard(None, external=True).release("The march went down Calle Mayor 5 at noon.") == \
            "The march went down […] at noon."
        assert Guard(None, external=True).release("The march went down Calle Mayor.") == \
            "The march went down Calle Mayor."
        register = build(["The march went down Calle Mayor 5 at noon."], None, external=True)
        assert {item.record for item in register.protected} <= {("defender", record) for record in range(1, 7)}
        assert all(item.match == "phrase" for item in register.protected), "nobody was loaded"
