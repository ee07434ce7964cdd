"""Review replies, ads, video listings, photos, outreach and triage against the platforms' rules:
right answers pass, wrong ones get the finding that says why, next to the field at fault."""

from __future__ import annotations

import pytest
from model_answers import MODEL_ANSWERS

from course.exercises import KINDS, build_answer, check, limits, validate_params
from course.exercises.choices import ACTIONS, MENTIONS
from course.exercises.training_photo import CHECKLIST


def codes(result, field=None):
    return {f.code for f in result.findings if field is None or f.field == field}


def errors(result):
    return {f.code for f in result.errors}


# --- review_reply ------------------------------------------------------------------------------
GOOD_REPLIES = [
    "Thank you for taking the time to share this. We aim to see everyone on time and to treat "
    "everyone with courtesy, and we are sorry to hear this fell short. We would like to hear "
    "more: please call our practice manager on (202) 555-0143 or email feedback@example.org.",
    "Thank you for your feedback. Please call our patient relations team on (202) 555-0143 so "
    "we can talk it through.",
    "Thanks for letting us know. We take every comment seriously. Our team would welcome a "
    "conversation: write to patientrelations@example.org.",
    "We appreciate you taking the time to write. Our phone line is open Monday to Friday, "
    "8am to 6pm: (202) 555-0143.",
]


@pytest.mark.parametrize("reply", GOOD_REPLIES)
def test_a_safe_reply_passes(reply):
    result = check("review_reply", {"reply": reply})
    assert result.passed, result.findings


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        ("", "reply_empty"),
        ("Thank you. Call (202) 555-0143. " + "We care. " * 600, "reply_too_long"),
        ("We are sorry to hear this. Please call (202) 555-0143.", "reply_no_thanks"),
        ("Thank you. We're sorry your surgery on Tuesday was delayed.", "disclosure_treatment"),
        ("Thank you. We're sorry about the wait on Tuesday, you deserved better.",
         "disclosure_date"),
        ("Thank you. As we discussed at your appointment, waits vary.", "disclosure_visit"),
        ("Thank you. We're sorry you waited so long.", "disclosure_visit"),
        ("Thank you. Our records show the delay was short.", "disclosure_records"),
        ("Thank you. We checked your file and called you twice.", "disclosure_records"),
        ("Thank you. Your insurance claim was denied, which is why.", "disclosure_insurance"),
        ("Thank you. As a valued patient you deserve better.", "disclosure_relationship"),
        ("Thank you. Your doctor was running late that day.", "disclosure_relationship"),
        ("Thanks, we're glad your mum is recovering well.", "disclosure_relative"),
        ("Thank you. This review is false.", "reply_defensive"),
        ("Thank you, but you arrived late.", "reply_defensive"),
        ("Thank you. Our staff are never rude.", "reply_defensive"),
        ("Thank you. The receptionist has been disciplined.", "reply_blames_staff"),
        ("Thank you. She was new and having a bad day.", "reply_blames_staff"),
        ("Thank you for the feedback. Please get in touch with us.", "reply_no_offline_route"),
        ("Thank you. Email me at jo.smith@gmail.com.", "reply_contact_not_organisation"),
        ("Thank you. Call 555-1234.", "reply_no_offline_route"),  # not a dialable number
        ("Thank you Mrs. Price, DOB 03/14/1962, call (202) 555-0143.", "phi_date"),
    ],
)  # fmt: skip
def test_an_unsafe_reply_is_refused_with_why(reply, code):
    result = check("review_reply", {"reply": reply})
    assert code in errors(result), result.findings
    assert not result.passed
    finding = next(f for f in result.findings if f.code == code)
    assert finding.field == "reply"


def test_a_long_reply_is_advice_not_a_failure():
    reply = GOOD_REPLIES[0] + " We review every comment as a team." * 14
    result = check("review_reply", {"reply": reply})
    assert limits.REVIEW_REPLY_ADVISED_MAX < len(reply) <= limits.GOOGLE_REVIEW_REPLY_MAX
    assert codes(result) >= {"reply_long"}
    assert result.passed


def test_a_disclosure_quotes_the_learners_phrase_and_marks_where_it_is():
    reply = "Thank you. We're sorry your surgery was delayed. Call (202) 555-0143."
    findings = check("review_reply", {"reply": reply}).findings
    (finding,) = [f for f in findings if f.code.startswith("disclosure_")]
    assert finding.code == "disclosure_treatment"
    assert "tells everyone something about the person's care" in finding.message
    assert reply[slice(*finding.span)] == "your surgery"


def test_the_review_is_shown_quoted_with_its_author_and_stars():
    (field,) = KINDS["review_reply"].fields_for({"reviewer": "Sam", "stars": 1})
    assert field.name == "reply"
    assert field.group.quote.startswith("Waited over an hour")
    assert (field.group.quote_by, field.group.quote_meta) == ("Sam", "Rated 1 of 5 stars")


def test_the_country_decides_which_numbers_are_dialable():
    reply = "Thank you. Please call us on 020 7946 0000."
    assert "reply_no_offline_route" in errors(check("review_reply", {"reply": reply}))
    assert check("review_reply", {"reply": reply}, {"country": "GB"}).passed


# --- facebook_ad -------------------------------------------------------------------------------
GOOD_AD = {
    "primary_text": "Flu shots for the whole family at Riverside Clinic. Walk in, Monday to "
    "Saturday.",
    "headline": "Walk-in flu shots",
    "link_description": "No appointment needed",
    "website": "https://example.org/flu",
    "call_to_action": "Learn More",
}


@pytest.mark.parametrize(
    "text",
    [
        GOOD_AD["primary_text"],
        "Manage your weight with our free 8-week programme.",
        "Diabetes education classes start in May. Everyone is welcome.",
        "Free blood-pressure checks for adults this Saturday.",
        "Book your flu shot today and protect your family.",
        "Quit smoking with our free support group.",
        "Support for new parents, every Tuesday at the clinic.",
    ],
)
def test_an_ad_about_the_service_passes(text):
    result = check("facebook_ad", GOOD_AD | {"primary_text": text})
    assert result.passed, result.findings
    assert "ad_personal_attribute" not in codes(result)


@pytest.mark.parametrize(
    "text",
    [
        "Are you diabetic? Our classes can help.",
        "Struggling with your weight? We can help.",
        "Do you have depression? Talk to us.",
        "Still overweight? Join today.",
        "Living with HIV? Our clinic is here.",
        "Your anxiety doesn't have to win.",
        "You're pregnant and need support: we're here.",
        "Other diabetics like you have joined.",
        "Are you over 50? Get checked.",
        "Tired of your acne? Book now.",
        "Depressed? We can help.",
        "Do you suffer from back pain?",
    ],
)
def test_meta_refuses_an_ad_that_asserts_or_asks_a_personal_attribute(text):
    result = check("facebook_ad", GOOD_AD | {"primary_text": text})
    assert "ad_personal_attribute" in errors(result)
    finding = next(f for f in result.findings if f.code == "ad_personal_attribute")
    assert finding.field == "primary_text"
    assert "Describe the service, not the reader" in finding.message


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("See our before and after photos!", "ad_before_after"),
        ("Lose 20 lbs with our plan.", "ad_before_after"),
        ("Guaranteed results for everyone.", "ad_before_after"),
        ("Hate your belly? Book a consultation.", "ad_negative_self_image"),
        ("Fix those embarrassing teeth.", "ad_negative_self_image"),
        ("Patient John Smith was cured here!", "phi_name"),
    ],
)
def test_health_and_appearance_claims_are_refused(text, code):
    assert code in errors(check("facebook_ad", GOOD_AD | {"primary_text": text}))


def test_a_personal_attribute_in_the_headline_is_found_there():
    result = check("facebook_ad", GOOD_AD | {"headline": "Are you diabetic?"})
    assert {f.field for f in result.errors} == {"headline"}


@pytest.mark.parametrize(
    ("field", "limit", "code"),
    [
        ("primary_text", limits.FACEBOOK_AD_PRIMARY_TEXT_ADVISED, "ad_primary_text_long"),
        ("headline", limits.FACEBOOK_AD_HEADLINE_ADVISED, "ad_headline_long"),
        ("link_description", limits.FACEBOOK_AD_LINK_DESCRIPTION_ADVISED,
         "ad_link_description_long"),
    ],
)  # fmt: skip
def test_meta_lengths_are_recommendations_that_warn(field, limit, code):
    at_limit = check("facebook_ad", GOOD_AD | {field: "a" * limit})
    over = check("facebook_ad", GOOD_AD | {field: "a" * (limit + 1)})
    assert code not in codes(at_limit)
    assert code in codes(over)
    assert over.passed  # a warning, never a rejection


@pytest.mark.parametrize(
    ("website", "code", "fails"),
    [
        ("", "ad_website_missing", True),
        ("example.org/flu", "ad_website_invalid", True),
        ("https://not a host/", "ad_website_invalid", True),
        ("http://example.org/flu", "ad_website_not_https", True),
        ("https://www.example.org/flu", None, False),
        ("https://flu-clinic.com/", "ad_website_other_domain", False),
    ],
)
def test_the_website_is_an_https_page_of_the_organisation(website, code, fails):
    result = check("facebook_ad", GOOD_AD | {"website": website})
    assert result.passed is not fails
    if code:
        assert code in codes(result, "website")


def test_the_button_comes_from_metas_list():
    result = check("facebook_ad", GOOD_AD | {"call_to_action": "Buy Now"})
    assert codes(result) == {"ad_call_to_action_invalid"}
    assert check("facebook_ad", GOOD_AD | {"link_description": ""}).passed  # optional


# --- youtube_listing ---------------------------------------------------------------------------
GOOD_LISTING = {
    "title": "How to wash your hands properly: a 2-minute guide",
    "description": "Our infection-control nurse shows each step of handwashing. Clean hands "
    "stop germs from spreading: https://www.cdc.gov/handwashing",
    "hashtags": "#HandHygiene #InfectionControl #Nursing",
}


def tags(n: int) -> str:
    return " ".join(f"#Tag{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(n))


def test_a_good_listing_passes():
    result = check("youtube_listing", GOOD_LISTING)
    assert result.passed, result.findings
    assert result.findings == ()


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"title": ""}, "yt_title_empty", "title"),
        ({"title": "a" * 101}, "yt_title_too_long", "title"),
        ({"description": ""}, "yt_description_empty", "description"),
        ({"description": "a" * 4990}, "yt_description_too_long", "description"),
        ({"hashtags": "HandHygiene #Nursing"}, "yt_hashtag_field_word", "hashtags"),
        ({"hashtags": "#Hand-Hygiene"}, "hashtag_truncated", "hashtags"),
        ({"hashtags": tags(61)}, "yt_hashtags_ignored", "hashtags"),
        ({"hashtags": ""}, "hashtag_too_few", "hashtags"),
        ({"description": "Handwashing prevents infection."}, "yt_source_missing", "description"),
        ({"description": "Washing reduces the spread: https://blog.example.com"},
         "yt_source_missing", "description"),
        ({"description": "Patient Mary Jones shows her wound care. https://www.cdc.gov"},
         "phi_name", "description"),
    ],
)  # fmt: skip
def test_a_wrong_listing_is_refused_next_to_its_field(change, code, field):
    result = check("youtube_listing", GOOD_LISTING | change)
    assert code in errors(result), result.findings
    assert field in {f.field for f in result.findings if f.code == code}


def test_youtube_hashtag_counts():
    assert check("youtube_listing", GOOD_LISTING | {"title": "a" * 100}).passed
    assert codes(check("youtube_listing", GOOD_LISTING | {"hashtags": tags(15)})) == set()
    many = check("youtube_listing", GOOD_LISTING | {"hashtags": tags(16)})
    assert many.passed
    assert codes(many) == {"yt_hashtags_many"}
    assert "yt_hashtags_ignored" in codes(
        check("youtube_listing", GOOD_LISTING | {"hashtags": tags(60) + " #One"})
    )


def test_a_required_hashtag_shows_only_among_the_first_three():
    params = {"required_hashtags": ["Flu"]}
    third = check("youtube_listing", GOOD_LISTING | {"hashtags": "#A #B #Flu #C"}, params)
    fourth = check("youtube_listing", GOOD_LISTING | {"hashtags": "#A #B #C #Flu"}, params)
    missing = check("youtube_listing", GOOD_LISTING | {"hashtags": "#A #B"}, params)
    assert third.passed
    assert codes(third) == set()
    assert fourth.passed
    assert codes(fourth) == {"yt_hashtag_not_shown"}
    assert "hashtag_missing" in errors(missing)


def test_a_required_hashtag_with_capitals_is_written_so():
    params = {"required_hashtags": ["HandHygiene"]}
    lower = check("youtube_listing", GOOD_LISTING | {"hashtags": "#handhygiene #Nursing"}, params)
    assert errors(lower) == {"hashtag_case"}
    assert check("youtube_listing", GOOD_LISTING, params).passed
    any_case = {"required_hashtags": ["nursing"]}
    assert check("youtube_listing", GOOD_LISTING | {"hashtags": "#NURSING"}, any_case).passed


def test_a_listing_without_health_advice_needs_no_source():
    listing = GOOD_LISTING | {"description": "Meet the team on our children's ward."}
    assert check("youtube_listing", listing).passed


# --- outreach ---------------------------------------------------------------------------------
GOOD_NOTE = (
    "Hi Dr Okafor, I enjoyed your session on patient privacy at the Riverside training day. "
    "I'd like to stay in touch and learn from your work on safe social media."
)
GOOD_GROUP_POST = (
    "Our surgical ward has started a public Facebook page and relatives often ask for updates "
    "in the comments. We reply with our switchboard number, but it feels cold. How do your "
    "wards answer relatives who ask about a loved one in public?"
)
GROUP = {"channel": "group_post"}


def test_good_outreach_passes():
    assert check("outreach", {"message": GOOD_NOTE}).findings == ()
    assert check("outreach", {"message": GOOD_GROUP_POST}, GROUP).findings == ()


@pytest.mark.parametrize(
    ("message", "params", "code"),
    [
        ("", {}, "outreach_empty"),
        (GOOD_NOTE + " " + "x" * 150, {}, "outreach_too_long"),
        ("I'd like to add you to my professional network.", {}, "outreach_no_context"),
        ("Hi, I attended your session at the training day.", {}, "outreach_no_purpose"),
        (GOOD_GROUP_POST.replace("?", "."), GROUP, "outreach_no_question"),
        ("Any tips for Facebook?", GROUP, "outreach_too_vague"),
        (GOOD_GROUP_POST + " x" * 1500, GROUP, "outreach_too_long"),
        ("We had a 67-year-old man in bed 4 last night who filmed the nurses. How would you "
         "handle a patient like this on your ward? Our policy is silent.", GROUP,
         "outreach_patient_case"),
        ("One of our patients, a local teacher, posted about her rare condition. Should we "
         "reply? We are a small clinic and have not had this before.", GROUP,
         "outreach_patient_case"),
        ("I met you at the training day. I'd like to ask about the patient I mentioned, "
         "aged 45, who came in yesterday.", {}, "outreach_patient_case"),
        ("We met at the conference. I'd like to discuss patient Mary Jones, admitted on "
         "3/14 to our ward.", {}, "phi_name"),
    ],
)  # fmt: skip
def test_wrong_outreach_is_refused_with_why(message, params, code):
    result = check("outreach", {"message": message}, params)
    assert code in errors(result), result.findings


def test_one_patients_story_without_details_is_advice_and_a_general_case_is_clean():
    story = (
        "One of our patients posted a video of the ward. What should we do? We are a small "
        "surgical unit and have not had this before."
    )
    general = (
        "What do you do when a patient asks to be friends on Facebook? Our trust policy says "
        "no but staff find it awkward to explain."
    )
    assert codes(check("outreach", {"message": story}, GROUP)) == {"outreach_patient_story"}
    assert check("outreach", {"message": story}, GROUP).passed
    assert codes(check("outreach", {"message": general}, GROUP)) == set()


def test_the_channel_names_the_box_and_the_limit():
    (note,) = KINDS["outreach"].fields_for({})
    (post,) = KINDS["outreach"].fields_for(GROUP)
    assert (note.name, note.label) == ("message", "Your invitation note")
    assert (post.name, post.label) == ("message", "Your post to the group")
    assert "300 characters" in " ".join(KINDS["outreach"].describe({}))
    assert "3,000 characters" in " ".join(KINDS["outreach"].describe(GROUP))
    assert validate_params("outreach", {"channel": "fax"})[0].code == "param_choice"


# --- training_photo ----------------------------------------------------------------------------
SAFE = {item.name: sorted(item.safe)[0] for item in CHECKLIST}
GOOD_PHOTO = {
    "caption": "Our nurses practising CPR on a mannequin at today's simulation training. #CPR",
    **SAFE,
}


def test_a_safe_training_photo_passes():
    result = check("training_photo", GOOD_PHOTO)
    assert result.findings == ()


@pytest.mark.parametrize(
    ("item", "value"),
    [(item, value) for item in CHECKLIST for value, _ in item.choices if value not in item.safe],
    ids=lambda v: getattr(v, "name", v),
)
def test_each_unsafe_answer_fails_on_its_own_field(item, value):
    result = check("training_photo", GOOD_PHOTO | {item.name: value})
    assert [(f.code, f.field) for f in result.findings] == [(item.code, item.name)]


@pytest.mark.parametrize("item", CHECKLIST, ids=lambda i: i.name)
def test_each_safe_answer_passes(item):
    for value in item.safe:
        assert check("training_photo", GOOD_PHOTO | {item.name: value}).passed


@pytest.mark.parametrize("value", ["", "maybe", None, 3])
def test_an_unanswered_checklist_question_is_named(value):
    result = check("training_photo", GOOD_PHOTO | {"screens": value})
    assert "photo_unanswered" in codes(result, "screens")


@pytest.mark.parametrize(
    ("caption", "params", "code"),
    [
        ("", {}, "caption_empty"),
        ("a" * 281, {}, "post_too_long"),
        ("Great #CPR-training day", {}, "hashtag_truncated"),
        ("Training day", {"min_hashtags": 1}, "hashtag_too_few"),
        ("Training day #CPR", {"required_hashtags": ["NurseEd"]}, "hashtag_missing"),
        ("Practising on Mr. Lee in bed 4 today #CPR", {}, "phi_name"),
    ],
)
def test_the_caption_is_checked_as_a_post(caption, params, code):
    result = check("training_photo", GOOD_PHOTO | {"caption": caption}, params)
    assert code in codes(result, "caption")


# --- monitoring_triage -------------------------------------------------------------------------
GOOD_FEED = {
    "question": ("reply_public", "Yes! Walk-in flu shots every Saturday 9am-12pm, no booking "
                 "needed: https://example.org/flu"),
    "complaint": ("private", "We're sorry to hear this. Please send us a direct message so we "
                  "can look into it with you."),
    "own_diagnosis": ("none", ""),
    "rumour": ("correct", "Our hospital is open and on backup power; ambulances are arriving as "
               "normal. Latest updates: https://example.org/updates"),
    "praise": ("reply_public", "Thank you for the kind words, we'll pass them on to the team!"),
    "staff_leak": ("escalate", ""),
    "spam": ("none", ""),
    "competitor_idea": ("none", ""),
}  # fmt: skip


def feed(keys=tuple(MENTIONS), **changes):
    items = []
    for key in keys:
        action, reply = changes.get(key, GOOD_FEED[key])
        items.append({"action": action, "reply": reply})
    return {"mentions": items}


def test_a_well_triaged_feed_passes():
    result = check("monitoring_triage", feed())
    assert result.findings == ()


WRONG_ACTIONS = [
    (index, key, action)
    for index, key in enumerate(MENTIONS)
    for action, _ in ACTIONS
    if action not in MENTIONS[key].accepted
]


@pytest.mark.parametrize(("index", "key", "action"), WRONG_ACTIONS)
def test_each_wrong_action_is_refused_with_the_mentions_reason(index, key, action):
    reply = GOOD_FEED["rumour"][1] if action in ("reply_public", "correct") else ""
    result = check("monitoring_triage", feed(**{key: (action, reply)}))
    wrong = [f for f in result.findings if f.code == "triage_wrong_action"]
    assert [f.field for f in wrong] == [f"mentions[{index}].action"]
    assert MENTIONS[key].why in wrong[0].message


@pytest.mark.parametrize(
    ("key", "answer", "code", "where"),
    [
        ("question", ("", ""), "triage_action_missing", "action"),
        ("question", ("maybe", ""), "triage_action_missing", "action"),
        ("question", ("reply_public", ""), "triage_reply_missing", "reply"),
        ("rumour", ("correct", "This is not true, we are open!"), "triage_source_missing",
         "reply"),
        ("rumour", ("correct", "We are open: https://myblog.example.net"),
         "triage_source_missing", "reply"),
        ("complaint", ("private", "Sorry about your wait last night, please DM us."),
         "disclosure_visit", "reply"),
        ("praise", ("reply_public", "So glad your dad is recovering well, thank you!"),
         "disclosure_relative", "reply"),
        ("question", ("reply_public", "Yes! Patient John Smith got his shot on Saturday."),
         "phi_name", "reply"),
        ("question", ("reply_public", "Yes, every Saturday. " + "Really. " * 40),
         "post_too_long", "reply"),
        ("question", ("reply_public", "Yes, Saturdays! #flu-shot"), "hashtag_truncated",
         "reply"),
    ],
)  # fmt: skip
def test_a_wrong_reply_is_refused_next_to_it(key, answer, code, where):
    index = list(MENTIONS).index(key)
    result = check("monitoring_triage", feed(**{key: answer}))
    assert code in errors(result), result.findings
    assert {f.field for f in result.findings if f.code == code} == {f"mentions[{index}].{where}"}


def test_a_reply_where_nothing_is_posted_is_advice():
    result = check("monitoring_triage", feed(staff_leak=("escalate", "Delete this now!")))
    assert result.passed
    assert [(f.code, f.field) for f in result.findings] == [
        ("triage_reply_unneeded", "mentions[5].reply")
    ]


def test_the_feed_follows_the_trainers_choice_and_the_organisations_name():
    params = {"mentions": ["spam", "rumour", "question"], "organisation_name": "St Mary's"}
    kind = KINDS["monitoring_triage"]
    fields = kind.fields_for(params)
    assert [f.name for f in fields] == [
        "mentions[0].action", "mentions[0].reply", "mentions[1].action", "mentions[1].reply",
        "mentions[2].action", "mentions[2].reply",
    ]  # fmt: skip
    assert fields[0].group.legend == "Mention 1 of 3"
    assert "@StMarys" in fields[2].group.quote
    assert "{handle}" not in "".join(f.group.quote for f in fields)
    answer = feed(("spam", "rumour", "question"))
    assert check("monitoring_triage", answer, params).passed
    assert kind.field_label("mentions[1].action", params) == (
        "Mention 2 of 3 (A rumour during a power outage): What do you do?"
    )
    assert "rumour" not in fields[2].group.legend  # what it is, the learner works out


def test_a_missing_or_junk_feed_names_every_mention():
    for answer in ({}, {"mentions": "junk"}, {"mentions": [None, 3]}, None):
        result = check("monitoring_triage", answer)
        assert [f.field for f in result.findings] == [
            f"mentions[{i}].action" for i in range(len(MENTIONS))
        ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"mentions": ["spam", "rumour"]}, "mentions"),
        ({"mentions": ["spam", "spam", "rumour"]}, "mentions"),
        ({"mentions": ["spam", "rumour", "gossip"]}, "mentions"),
        ({"organisation_name": "  "}, "organisation_name"),
        ({"stars": 6}, "stars"),
        ({"review": ""}, "review"),
    ],
)
def test_bad_settings_of_the_new_kinds_are_named(params, field):
    kind = "review_reply" if field in ("stars", "review") else "monitoring_triage"
    assert [f.field for f in validate_params(kind, params)] == [field]


# --- every kind: the PHI check reads every free-text field ---------------------------------
#: Fields that hold the organisation's own public details, checked for form instead (see
#: page_setup.py), and web addresses.
NOT_PROSE = {("page_setup", n) for n in ("username", "website", "phone", "email", "address",
                                         "hours")} | {("facebook_ad", "website")}  # fmt: skip
LEAK = "Patient John Smith, DOB 03/14/1962, MRN 4471920."
SHIPPED = {
    "post": "hashtag-post", "page_setup": "page-setup", "profile": "linkedin-profile",
    "crisis_update": "crisis-update", "live_thread": "live-thread", "review_reply": "review-reply",
    "facebook_ad": "health-service-ad", "monitoring_triage": "monitoring-triage",
    "training_photo": "training-photo", "youtube_listing": "training-video-listing",
    "outreach": "invite-an-expert",
}  # fmt: skip
PROSE_FIELDS = [
    (kind, spec.name)
    for kind in sorted(KINDS)
    for spec in KINDS[kind].fields_for()
    if spec.widget in ("text", "textarea", "posts") and (kind, spec.name) not in NOT_PROSE
]


@pytest.mark.parametrize(("kind", "path"), PROSE_FIELDS)
def test_patient_details_in_any_free_text_field_are_found_there(kind, path):
    values = {p: v for p, v in _flat(MODEL_ANSWERS[SHIPPED[kind]])}
    target = f"{path}[0]" if isinstance(values.get(f"{path}[0]"), str) else path
    values[target] = LEAK
    result = check(kind, build_answer(values))
    leaks = {f.code for f in result.findings if f.field == target and f.code.startswith("phi_")}
    assert {"phi_name", "phi_date", "phi_record_number"} <= leaks, result.findings
    assert not result.passed


def _flat(answer, prefix=""):
    for key, value in answer.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    yield from _flat(item, f"{path}[{i}]")
                else:
                    yield f"{path}[{i}]", item
        else:
            yield path, value
