"""Each exercise kind against the platforms' published rules, plus the registry contract."""

from __future__ import annotations

import pytest

from course.exercises import KINDS, check, merged_params, validate_params

GOOD_POST = "Flu shots are free this week at our clinic. Book: https://example.org/flu #FluShot"
GOOD_PAGE = {
    "name": "Riverside Family Clinic",
    "category": "Medical & Health",
    "username": "riversideclinic",
    "about": "Family care for all ages, Monday to Friday.",
    "website": "https://example.org",
    "phone": "(212) 555-0123",
    "email": "info@example.org",
    "address": "120 Riverside Avenue, Springfield, IL 62704",
    "hours": "Mon–Fri 8:00–18:00, Sat 9am–12pm, Sun closed",
    "call_to_action": "Book Now",
    "privacy_note": "Please do not share personal health information in the comments. To talk "
    "about your care, call us or use the patient portal. In an emergency, call 911.",
}
GOOD_PROFILE = {
    "headline": "Registered Nurse | Cardiology | Patient education",
    "about": "I care for people with heart disease. I teach new nurses on our ward.",
    "role": "Registered Nurse",
    "specialty": "Cardiology",
}
GOOD_CRISIS = (
    "Our Main Street hospital emergency department is closed after a power outage. "
    "Please go to St Mary's ER on 5th Avenue. Updates: https://example.org/updates"
)
GOOD_THREAD = [
    "1/3 Our health fair at Riverside Park has started: free blood-pressure checks all day.",
    "2/3 Tip from the speaker: check your blood pressure once a year after 40.",
    "3/3 Thanks for coming! More on heart health: https://www.cdc.gov/heartdisease",
]


def codes(result):
    return {f.code for f in result.findings}


@pytest.mark.parametrize(
    ("kind", "answer", "params"),
    [
        pytest.param("post", {"text": GOOD_POST}, {"required_hashtags": ["FluShot"]}, id="post"),
        pytest.param("page_setup", GOOD_PAGE, {}, id="page_setup"),
        pytest.param("profile", GOOD_PROFILE, {}, id="profile"),
        pytest.param("crisis_update", {"text": GOOD_CRISIS}, {}, id="crisis_update"),
        pytest.param("live_thread", {"posts": GOOD_THREAD}, {}, id="live_thread"),
    ],
)
def test_good_answers_pass(kind, answer, params):
    result = check(kind, answer, params)
    assert result.passed, result.findings
    assert result.findings == ()


# --- post --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "params", "code"),
    [
        pytest.param("", {}, "post_empty", id="empty"),
        pytest.param("   \n ", {}, "post_empty", id="blank"),
        pytest.param("a" * 281 + " #Flu", {}, "post_too_long", id="x-281"),
        pytest.param("日" * 141 + " #Flu", {}, "post_too_long", id="x-cjk-weighs-2"),
        pytest.param("a" * 3001 + " #Flu", {"platform": "linkedin"}, "post_too_long", id="li"),
        pytest.param("a" * 63207 + " #Flu", {"platform": "facebook"}, "post_too_long", id="fb"),
        pytest.param("No hashtags here", {}, "hashtag_too_few", id="too-few"),
        pytest.param("#a1 #b2 #c3 #d4", {}, "hashtag_too_many", id="too-many"),
        pytest.param("#Vaccines", {"required_hashtags": ["FluShot"]}, "hashtag_missing", id="req"),
        pytest.param("Get your #flu-shot", {}, "hashtag_truncated", id="flu-shot"),
        pytest.param("# flu season #Flu", {}, "hashtag_space", id="space"),
        pytest.param("Happy #2024 #NewYear", {}, "hashtag_no_letter", id="digits"),
        pytest.param("flu#shot #Flu", {}, "hashtag_in_word", id="in-word"),
        pytest.param("#Flu", {"require_link": True}, "link_missing", id="link"),
        pytest.param(
            "#Flu see https://blog.example.com",
            {"require_official_source": True},
            "official_source_missing",
            id="official",
        ),
        pytest.param("Bad\ufeffchar #Flu", {}, "post_invalid_character", id="bom"),
    ],
)
def test_post_errors(text, params, code):
    result = check("post", {"text": text}, params)
    assert not result.passed
    assert code in codes(result)


def test_post_within_limits_passes_exactly_at_280():
    assert check("post", {"text": "a" * 275 + " #Flu"}).passed


@pytest.mark.parametrize(
    ("text", "required", "codes_expected"),
    [
        ("Book now #FluShot", ["#FluShot"], []),
        # X finds #flushot too, but the rule says "capitalised as shown", as the lesson teaches.
        ("Book now #flushot", ["#FluShot"], ["hashtag_case"]),
        ("Book now #FLUSHOT", ["FluShot"], ["hashtag_case"]),
        ("Book now #Vaccines", ["FluShot"], ["hashtag_missing"]),
        # A tag the trainer wrote in small letters only takes any capitals.
        ("Book now #FluShot", ["flushot"], []),
        ("Book now #flushot", ["flushot"], []),
    ],
)
def test_post_required_hashtag_capitals_as_the_rule_says(text, required, codes_expected):
    params = {"required_hashtags": required}
    result = check("post", {"text": text}, params)
    assert [c for c in codes(result) if c.startswith("hashtag_")] == codes_expected
    rules = " ".join(KINDS["post"].describe(params))
    for finding in result.findings:
        if finding.code == "hashtag_case":
            assert "#FluShot" in finding.message
            assert "capitalised as shown" in finding.message
    if any(c.isupper() for c in required[0]):
        assert "capitalised as shown" in rules
    else:
        assert "capitals may differ" in rules
    assert "spelled exactly so" not in " ".join(f.message for f in result.findings)


def test_post_flu_shot_message_names_the_fix():
    (finding,) = [
        f
        for f in check("post", {"text": "Get your #flu-shot"}).findings
        if f.code.startswith("hashtag_tr")
    ]
    assert finding.message == "#flu-shot will be read as #flu; write #FluShot."


def test_post_official_source_accepts_health_authorities_and_own_site():
    for url in ("https://www.cdc.gov/flu", "who.int", "https://www.nhs.uk", "https://clinic.org/x"):
        result = check(
            "post",
            {"text": f"#Flu {url}"},
            {"require_official_source": True, "organisation_domain": "clinic.org"},
        )
        assert result.passed, (url, result.findings)


# --- page_setup -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("name", "", "name_empty"),
        ("name", "Riverside Clinic!", "name_symbols"),
        ("name", "Riverside Clinic®", "name_symbols"),
        ("name", "Riverside Clinic...", "name_repeated_punctuation"),
        ("name", "RIVERSIDE Clinic", "name_capitals"),
        ("name", "RiVeRsIdE CLINIC", "name_capitals"),
        ("name", "Riverside Clinic Facebook", "name_facebook"),
        ("name", "Riverside Clinic FB", "name_facebook"),
        ("name", "Official Riverside Clinic", "name_misleading"),
        ("name", "Clinic", "name_generic"),
        ("name", "Riverside Clinic (Family Care For All)", "name_parentheses"),
        ("name", "R" + "iverside " * 9 + "Clinic", "name_too_long"),
        ("username", "ab.c", "username_too_short"),
        ("username", "riverside_clinic", "username_characters"),
        ("username", "riverside.com", "username_extension"),
        ("username", "riversidefacebook", "username_facebook"),
        ("username", "r" * 51, "username_too_long"),
        ("about", "x" * 101, "about_too_long"),
        ("website", "http://example.org", "website_not_https"),
        ("website", "example", "website_invalid"),
        ("website", "https://localhost", "website_host"),
        ("phone", "12", "phone_invalid"),
        # Possible (seven digits) but not dialable: no area code.
        ("phone", "555-1234", "phone_invalid"),
        ("phone", "555-0142", "phone_invalid"),
        ("phone", "(555) 555-0123", "phone_invalid"),
        ("phone", "111-111-1111", "phone_invalid"),
        ("address", "", "address_missing"),
        ("address", "Riverside Avenue", "address_incomplete"),
        ("address", "120 Riverside Avenue", "address_incomplete"),
        ("address", "120 Riverside Avenue, Springfield", "address_postal_code"),
        ("hours", "", "hours_missing"),
        ("hours", "Open most days", "hours_times_missing"),
        ("hours", "8:00-18:00", "hours_days_missing"),
        ("hours", "Mon-Fri 8:00-25:00", "hours_impossible_time"),
        ("hours", "Mon-Fri 13pm-5pm", "hours_impossible_time"),
        ("hours", "Mon-Fri 8:75-17:00", "hours_impossible_time"),
        ("hours", "Mon 9:00-9:00am", "hours_empty_range"),
        ("privacy_note", "", "note_missing"),
        (
            "privacy_note",
            "Call us on 212-555-0123. In an emergency call 911.",
            "note_no_phi_missing",
        ),
        (
            "privacy_note",
            "Do not post health details here. In an emergency, call 911.",
            "note_private_contact_missing",
        ),
        (
            "privacy_note",
            "Please keep medical information out of the comments; call us.",
            "note_emergency_missing",
        ),
        (
            "privacy_note",
            "Please do not share health details here; DM us. In an emergency "
            "call 911. Mr John Smith in room 4 says hi after his surgery.",
            "phi_name",
        ),
        ("email", "info@", "email_invalid"),
        ("category", "Nightclub", "category_invalid"),
        ("call_to_action", "Buy Stuff", "call_to_action_invalid"),
        ("about", "Patient John Smith says we are great", "phi_name"),
    ],
)
def test_page_setup_errors(field, value, code):
    result = check("page_setup", {**GOOD_PAGE, field: value})
    assert code in codes(result)
    assert not result.passed
    assert any(f.field == field for f in result.findings if f.code == code)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "NHS Riverside ICU Clinic"),
        ("name", "Riverside Clinic (Main Site)"),
        ("phone", "+1 202-555-0100"),
        ("phone", "(212) 555-0199"),
        ("phone", "1-800-273-8255"),
        ("phone", "+1 416 555 0123"),  # Canada shares +1: no other-country warning
        ("address", "120 Riverside Avenue, Suite 4\nSpringfield, IL 62704-1234"),
        ("hours", "Open 24/7"),
        ("hours", "Weekdays 9-5, weekends 10 to 2"),
        ("hours", "Mo-Fr 08:30-17:30"),
        ("hours", "Daily 20:00-08:00 (night clinic)"),
        (
            "privacy_note",
            "We can't discuss your care on Facebook: email us or use the portal. "
            "If it is an emergency, go to the nearest ER.",
        ),
        (
            "privacy_note",
            "No personal or medical details in comments, please! Send us a private "
            "message instead. Emergencies: dial 911.",
        ),
        ("email", "appointments@example.org"),
        ("username", "Riverside.Clinic"),
    ],
)
def test_page_setup_accepts(field, value):
    result = check("page_setup", {**GOOD_PAGE, field: value})
    assert result.passed, result.findings


def test_page_setup_contact_fields_are_not_phi():
    result = check(
        "page_setup", {**GOOD_PAGE, "phone": "202-555-0147", "email": "jane@example.org"}
    )
    assert not any(f.code.startswith("phi_") for f in result.findings)


def test_page_setup_country_param():
    gb = {
        **GOOD_PAGE,
        "phone": "020 7946 0958",
        "address": "Riverside House, 12 Mill Lane, Leeds LS1 4AB",
        "privacy_note": GOOD_PAGE["privacy_note"].replace("911", "999"),
    }
    result = check("page_setup", gb, {"country": "GB"})
    assert result.passed, result.findings
    assert result.findings == ()


@pytest.mark.parametrize(
    ("changes", "params", "code", "passed"),
    [
        # The region comes from the exercise's settings.
        ({"phone": "(212) 555-0123"}, {"country": "GB"}, "phone_invalid", False),
        ({"phone": "07700 900123"}, {"country": "GB"}, "phone_invalid", False),
        ({"phone": "+44 20 7946 0958"}, {}, "phone_other_country", True),
        ({"address": "12 Mill Lane, Leeds"}, {"country": "GB"}, "address_postal_code", False),
        (
            {"phone": "020 7946 0958", "address": "12 Mill Lane, Leeds LS1 4AB"},
            {"country": "GB"},
            "note_emergency_number",
            True,
        ),
    ],
)
def test_page_setup_checks_follow_the_country(changes, params, code, passed):
    result = check("page_setup", {**GOOD_PAGE, **changes}, params)
    assert code in codes(result)
    assert result.passed is passed


def test_page_setup_form_has_every_field_the_instructions_ask_for():
    from course.exercises import page_setup

    names = [f.name for f in KINDS["page_setup"].fields]
    assert {"address", "hours", "privacy_note"} <= set(names)
    assert names == list(page_setup.FIELD_LABELS)
    rules = " ".join(KINDS["page_setup"].describe())
    for word in ("Address", "Opening hours", "personal health information", "emergency"):
        assert word in rules


# --- profile ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "code", "passed"),
    [
        ({"headline": ""}, "headline_empty", False),
        ({"headline": "Registered Nurse Cardiology " + "x" * 200}, "headline_too_long", False),
        ({"about": "x. " * 900}, "about_too_long", False),
        ({"about": "I care for people. " * 20}, "about_preview", True),
        ({"about": "Nurse"}, "about_too_short", False),
        ({"role": ""}, "role_missing", False),
        ({"specialty": ""}, "specialty_missing", False),
        ({"headline": "Nurse who loves hearts"}, "role_not_in_headline", False),
        ({"about": "I nursed Mrs. Garcia after her stroke. She was lovely."}, "phi_name", False),
    ],
)
def test_profile(changes, code, passed):
    result = check("profile", {**GOOD_PROFILE, **changes})
    assert code in codes(result)
    assert result.passed is passed


def test_profile_role_not_required():
    answer = {**GOOD_PROFILE, "role": "", "specialty": ""}
    params = {"require_role": False, "require_specialty": False}
    assert check("profile", answer, params).passed


# --- crisis_update ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            "Please go to https://example.org/updates for news about our hospital.",
            "crisis_what_missing",
        ),
        (
            "The power is out. Please call 911 if urgent. https://example.org",
            "crisis_where_missing",
        ),
        ("Our Main Street hospital ER is closed. https://example.org", "crisis_action_missing"),
        ("Our hospital ER is closed. Please go to St Mary's.", "official_source_missing"),
        (
            "Our hospital ER is closed. Please go to St Mary's. https://blog.example.com",
            "official_source_missing",
        ),
    ],
)
def test_crisis_missing_elements(text, code):
    result = check("crisis_update", {"text": text})
    assert code in codes(result)
    assert not result.passed


def test_crisis_official_domains_param():
    text = "Our hospital ER is closed. Please go to St Mary's. https://health.example.net"
    assert check("crisis_update", {"text": text}, {"official_domains": ["example.net"]}).passed


# --- live_thread --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("posts", "extra", "code"),
    [
        (GOOD_THREAD[:2], {}, "thread_too_short"),
        ([f"{i}/11 post" for i in range(1, 12)], {}, "thread_too_long"),
        (["Start", "Middle", "End"], {}, "thread_not_numbered"),
        (["1/3 a", "3/3 b", "2/3 c"], {}, "thread_numbering_inconsistent"),
        (["1/4 a", "2/4 b", "3/4 c"], {}, "thread_total_wrong"),
        (["1/3 a", "", "3/3 c"], {}, "post_empty"),
        (["1/3 a", "2/3 " + "x" * 280, "3/3 c"], {}, "post_too_long"),
        (["1/3 a", "2/3 patient John Smith is in theatre", "3/3 c"], {}, "phi_name"),
    ],
)
def test_thread_errors(posts, extra, code):
    result = check("live_thread", {"posts": posts, **extra})
    assert code in codes(result)
    assert not result.passed


def test_thread_field_names_the_post():
    result = check("live_thread", {"posts": ["1/3 a", "2/3 MRN 123456", "3/3 c"]})
    assert [f.field for f in result.findings] == ["posts[1]"]


@pytest.mark.parametrize(
    "answer",
    [
        {"posts": ["🧵 Live from the fair", "Tip one", "Tip two"]},
        {"posts": ["Live from the fair", "Tip one", "Tip two"], "threaded": "yes"},
        {"posts": ["(1) Live from the fair", "(2) Tip one", "(3) Tip two"]},
        {"posts": ["Live from the fair 1/", "Tip one 2/", "Tip two 3/"]},
        {"posts": "1/3 Live from the fair\n\n2/3 Tip one\n  \n3/3 Tip two"},
    ],
)
def test_thread_accepts(answer):
    result = check("live_thread", answer)
    assert result.passed, result.findings


# --- registry and params -------------------------------------------------------------------
def test_registry_shape():
    assert set(KINDS) == {
        "post", "page_setup", "profile", "crisis_update", "live_thread", "review_reply",
        "facebook_ad", "monitoring_triage", "training_photo", "youtube_listing", "outreach",
    }  # fmt: skip
    for name, kind in KINDS.items():
        assert kind.name == name
        assert kind.label
        assert kind.fields_for()
        for field in kind.fields_for():
            assert field.widget in {"text", "textarea", "select", "radio", "posts"}
            assert (field.widget in ("select", "radio")) == bool(field.choices)
        rules = kind.describe(kind.defaults)
        assert rules
        assert all(isinstance(r, str) and r.endswith((".", ")")) for r in rules)
        assert validate_params(name, dict(kind.defaults)) == []


def test_unknown_kind_raises():
    with pytest.raises(ValueError, match="unknown exercise kind"):
        check("essay", {})
    with pytest.raises(ValueError, match="unknown exercise kind"):
        validate_params("essay", {})


def test_unknown_platform_raises():
    with pytest.raises(ValueError, match="unknown platform"):
        check("post", {"text": "#Flu"}, {"platform": "myspace"})


def test_merged_params():
    merged = merged_params("post", {"max_hashtags": 5})
    assert merged["max_hashtags"] == 5
    assert merged["min_hashtags"] == 1
    assert merged["platform"] == "x"


@pytest.mark.parametrize(
    ("kind", "params", "field", "code"),
    [
        ("post", {"platform": "myspace"}, "platform", "param_platform"),
        ("post", {"min_hashtags": -1}, "min_hashtags", "param_not_count"),
        ("post", {"max_hashtags": 0}, "max_hashtags", "param_not_count"),
        ("post", {"max_hashtags": "3"}, "max_hashtags", "param_not_count"),
        ("post", {"min_hashtags": 4, "max_hashtags": 2}, "min_hashtags", "param_min_over_max"),
        ("post", {"required_hashtags": ["#2024"]}, "required_hashtags", "param_hashtag_invalid"),
        ("post", {"required_hashtags": ["flu-shot"]}, "required_hashtags", "param_hashtag_invalid"),
        ("post", {"required_hashtags": "FluShot"}, "required_hashtags", "param_not_list"),
        ("post", {"require_link": "yes"}, "require_link", "param_not_bool"),
        ("post", {"organisation_domain": "not a domain"}, "organisation_domain", "param_domain"),
        ("post", {"colour": "red"}, "colour", "param_unknown"),
        ("page_setup", {"country": "XX"}, "country", "param_country"),
        ("page_setup", {"categories": []}, "categories", "param_not_list"),
        ("live_thread", {"min_posts": 6, "max_posts": 4}, "min_posts", "param_min_over_max"),
        ("crisis_update", {"official_domains": ["cdc gov"]}, "official_domains", "param_domain"),
        ("profile", {"require_role": 1}, "require_role", "param_not_bool"),
    ],
)
def test_validate_params(kind, params, field, code):
    findings = validate_params(kind, params)
    assert (field, code) in {(f.field, f.code) for f in findings}


def test_validate_params_accepts_curriculum_values():
    assert validate_params("post", {"required_hashtags": ["FluShot", "#FluSeason"]}) == []
    assert validate_params("live_thread", {"platform": "x", "min_posts": 3, "max_posts": 5}) == []
