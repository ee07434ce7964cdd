"""find_phi: one table per Safe Harbor identifier it covers, and one of false alarms."""

from __future__ import annotations

import pytest

from course.exercises import PHI_LIMITS, check, find_phi


def _kinds(text, **kw):
    return [(f.kind, f.severity) for f in find_phi(text, **kw)]


@pytest.mark.parametrize(
    ("text", "kind", "excerpt"),
    [
        # (A) names with clinical context
        ("Our patient John Smith is recovering well", "name", "John Smith"),
        ("Mrs. Garcia in bed 4 asked for more blankets", "name", "Mrs. Garcia"),
        ("Mr Lee was admitted overnight", "name", "Mr Lee"),
        ("Thanks to our patient, Anna Kowalski, for sharing", "name", "Anna Kowalski"),
        ("Peter Novak was discharged this morning", "name", "Peter Novak"),
        # (C) dates tied to a person, ages over 89
        ("DOB 03/14/1962", "date", "03/14/1962"),
        ("She was born on March 3, 1950", "date", "March 3, 1950"),
        ("admitted on 2024-02-01 with chest pain", "date", "2024-02-01"),
        ("discharged 12/3 after a long stay", "date", "12/3"),
        ("He passed away on June 4 surrounded by family", "date", "June 4"),
        ("A 92-year-old patient walked home today", "age", "92-year-old"),
        ("a lady aged 95 from the ward", "age", "aged 95"),
        ("our 101 yo visitor", "age", "101 yo"),
        # (D), (E), (F) contact details
        ("Her mobile is (202) 555-0147 if you need her", "phone", "(202) 555-0147"),
        ("Send the results to fax 202-555-0188 for Mr Lee", "fax", "202-555-0188"),
        ("Write to jane.doe@gmail.com", "email", "jane.doe@gmail.com"),
        # (B) geography
        ("He lives at 12 Oak Street near the park", "address", "12 Oak Street"),
        ("patient home in Springfield, IL 62704", "zip", "62704"),
        # (G)-(M) numbers
        ("SSN 123-45-6789", "ssn", "123-45-6789"),
        ("MRN 123456 needs review", "record_number", "MRN 123456"),
        ("record #A1234567 updated", "record_number", "record #A1234567"),
        ("account no. 99812 is overdue", "account_number", "account no. 99812"),
        ("member ID XJ123 was declined", "health_plan_number", "member ID XJ123"),
        ("policy number PN-5544 covers it", "health_plan_number", "policy number PN-5544"),
        ("driver license number D1234567", "licence_number", "license number D1234567"),
        ("license plate 7ABC123 in the car park", "vehicle_id", "license plate 7ABC123"),
        ("pacemaker serial number SN-44812", "device_id", "serial number SN-44812"),
        # (N), (O) URLs and IP addresses
        ("see facebook.com/jane.doe", "url", "facebook.com/jane.doe"),
        ("her profile linkedin.com/in/janedoe", "url", "linkedin.com/in/janedoe"),
        ("logged from 192.168.1.20", "ip_address", "192.168.1.20"),
        ("logged from 2001:db8::1", "ip_address", "2001:db8::1"),
    ],
)
def test_finds_identifier(text, kind, excerpt):
    hits = [f for f in find_phi(text) if f.kind == kind]
    assert hits, find_phi(text)
    assert hits[0].severity == "error"
    assert text[hits[0].start : hits[0].end].endswith(excerpt) or excerpt in hits[0].excerpt
    # The message never repeats what leaked: only the offsets point to it.
    assert excerpt not in hits[0].message


@pytest.mark.parametrize(
    "text",
    [
        "Congratulations to Nurse Maria Lopez on 20 years!",
        "Welcome Dr. Chen to our team",
        "Dr. Chen treated 40 patients at the fair",
        "54% of patients said they use social media",
        "A survey of 1229 hospitals and 1060 patients",
        "We are open 8am-5pm Mon-Fri",
        "In 2024 we vaccinated more people than ever",
        "Our flu clinic on October 12 is open to everyone",
        "Patient Safety Week starts on Monday",
        "Congratulations to Mrs. Patel on her retirement after 30 years in the ICU!",
        "Thank you Mr. Johnson, our CEO, for opening the new wing.",
        "COVID-19 cases rose on 12.5.2024",
        "Flu clinic Saturday 10/12 9am-1pm. Call 911 in an emergency.",
        "Our hospital is 100 years old this year",
        "Read more at https://www.cdc.gov/flu and https://example.org/flu",
        "Follow us at facebook.com/ExampleClinic",
        "17% of hospitals, 37% of providers",
        "",
    ],
)
def test_no_false_alarm(text):
    assert find_phi(text, organisation_domain="exampleclinic.org") == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Call our helpline on 202-555-0100 for advice", "phone"),
        ("Email us at info@example.org", "email"),
        ("Our clinic at 100 Main Street is closed today", "address"),
    ],
)
def test_organisation_contact_is_a_warning(text, kind):
    assert _kinds(text) == [(kind, "warning")]


def test_contact_next_to_a_patient_is_an_error():
    assert ("phone", "error") in _kinds("Call 202-555-0142 for the results of the patient")


def test_findings_are_in_text_order():
    hits = find_phi("MRN 123456 and DOB 03/14/1962 for patient John Smith")
    assert [h.kind for h in hits] == ["record_number", "date", "name"]
    assert [h.start for h in hits] == sorted(h.start for h in hits)


def test_limits_are_documented():
    assert len(PHI_LIMITS) >= 4
    joined = " ".join(PHI_LIMITS).lower()
    assert "photo" in joined
    assert "bed 7" in joined


@pytest.mark.parametrize("junk", [None, 3, b"MRN 123456", ["DOB 1/2/1950"]])
def test_junk_gives_nothing(junk):
    assert find_phi(junk) == []


def test_phi_in_a_post_fails_with_phi_code():
    result = check("post", {"text": "Get well soon Mr Lee, admitted on 2024-02-01 #GetWell"})
    assert not result.passed
    codes = {f.code for f in result.findings}
    assert {"phi_name", "phi_date"} <= codes
    assert all(f.field == "text" for f in result.findings if f.code.startswith("phi_"))


def test_a_finding_points_to_what_leaked_without_quoting_it():
    from course.exercises import message_for_others, quote_for_learner

    answer = {"posts": ["1/2 Ward news", "2/2 Prayers for Kevin Mbeki in ICU after his stroke"]}
    result = check("live_thread", answer, {"min_posts": 2})
    (finding,) = [f for f in result.findings if f.code == "phi_name"]
    record = finding.as_record()
    assert record["field"] == "posts[1]"
    assert "Kevin" not in record["message"]
    assert quote_for_learner(record, answer) == "Kevin Mbeki"
    assert "Kevin" not in message_for_others(record)
    # A finding stored before messages stopped quoting: others read it from its code.
    legacy = {**record, "message": "In post 2: This looks like a patient's name: 'Kevin Mbeki'."}
    del legacy["start"], legacy["end"]
    assert quote_for_learner(legacy, answer) == ""
    assert "Kevin" not in message_for_others(legacy)
    assert message_for_others({"code": "post_empty", "message": "Write it."}) == "Write it."


@pytest.mark.parametrize(
    ("text", "severity"),
    [
        # The organisation's own contacts are at most a warning, however they are introduced.
        ("Questions about your discharge? appointments@example.org", "warning"),
        ("Press enquiries: media@example.org", "warning"),
        ("Crisis line: 1-800-273-8255, free and open 24/7", "warning"),
        ("Free screening for everyone in ZIP 62704 this weekend", "warning"),
        # A person's own are errors.
        ("Email her son at kevin.cho88@gmail.com about the discharge", "error"),
        ("His sister's number is 1-212-555-0147, call her if he deteriorates", "error"),
        ("Her daughter's mobile is +44 7700 900123", "error"),
        ("call his wife on 07700 900461 when he wakes up", "error"),
    ],
)
def test_public_contacts_are_warnings_and_personal_ones_errors(text, severity):
    contacts = [f for f in find_phi(text, organisation_domain="example.org")
                if f.kind in {"email", "phone", "zip"}]  # fmt: skip
    assert contacts
    assert {f.severity for f in contacts} == {severity}
