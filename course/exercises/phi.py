"""Spot patient information (PHI) in a practice post: a teaching aid, not a guarantee.

Looks for the HIPAA Safe Harbor identifiers (45 CFR 164.514(b)(2)) that text can reveal:
patient names in a clinical context, dates tied to a person (birth, admission, discharge,
death), ages over 89, phone and fax numbers, email addresses, street addresses and ZIP codes,
medical record / account / health-plan / licence / vehicle / device numbers, social security
numbers, personal URLs and IP addresses.

Context decides. A name is only flagged next to clinical words ("patient John Smith",
"Mrs. Garcia in bed 4", "Mr Lee was admitted"); a staff member congratulated by name is not.
A date is only flagged when a birth/admission/discharge/death word introduces it; event
dates, years and opening hours are not. Contact details (phone, fax, email, street address,
ZIP) are errors, except when the text introduces them as the organisation's own ("call us
on", "our helpline", "the clinic at 1 Main Street") and nothing in the sentence points to a
patient: then they are a warning asking the learner to make sure it is a public line or
address. A teaching platform should rather ask twice than miss a patient's number, and a
crisis update that gives the public helpline must still pass.

What it cannot see is listed in PHI_LIMITS (shown on the exercise page).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from .findings import ERROR, WARNING
from .links import OFFICIAL_DOMAINS, find_links, host_matches, is_official

PHI_LIMITS = [
    "It cannot see photos, videos or anything in an image, such as a face, a wristband or a "
    "screen in the background.",
    "It cannot tell that a rare condition, a small town or an unusual event points to one person.",
    "It misses indirect descriptions, such as 'the patient in bed 7 after this morning's crash'.",
    "It only flags a name when clinical words are next to it ('patient John Smith', "
    "'Mrs. Garcia in bed 4'); a name on its own, a nickname or initials are not caught.",
    "It only flags a date when a birth, admission, discharge or death word introduces it.",
    "It reads English only, and can be fooled by unusual spelling or formatting.",
    "It does not know who is a patient and who is a colleague: a clean result is not proof "
    "that a post is safe to publish. When in doubt, leave it out and ask your privacy officer.",
]

# Texts longer than this are only partly scanned: keeps the checker fast on junk input.
_SCAN_MAX = 50_000


@dataclass(frozen=True)
class PhiFinding:
    """Something that looks like patient information.

    `kind` is one of KINDS; `start`/`end` are offsets into the text; `message` says what
    leaked and what to do; `severity` is "error" or, for contact details introduced as the
    organisation's own, "warning".
    """

    kind: str
    start: int
    end: int
    message: str
    excerpt: str = ""
    severity: str = ERROR


#: kind -> what a learner would call it.
KINDS = {
    "name": "a patient's name",
    "date": "a date tied to a patient",
    "age": "an age over 89",
    "phone": "a phone number",
    "fax": "a fax number",
    "email": "an email address",
    "address": "a street address",
    "zip": "a ZIP code",
    "ssn": "a social security number",
    "record_number": "a medical record number",
    "account_number": "an account number",
    "health_plan_number": "a health plan or insurance number",
    "licence_number": "a licence or certificate number",
    "vehicle_id": "a vehicle identifier or licence plate",
    "device_id": "a device identifier or serial number",
    "url": "a personal web address",
    "ip_address": "an IP address",
}

_I = re.IGNORECASE

# --- numbers with a label -----------------------------------------------------------------
_ID = r"(?P<id>(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]{2,}[A-Za-z0-9])"
_NO = r"(?:number|num|no\.?|nr\.?|#|id)"
_SEP = r"[\s:#.=-]*(?:is\s+|of\s+)?"
_LABELLED = [
    (
        "vehicle_id",
        rf"\b(?:licen[cs]e\s+plate|number\s+plate|plate\s+{_NO}?|registration\s+{_NO}|VIN)",
    ),
    ("device_id", rf"\b(?:serial\s+{_NO}|serial|S/N|device\s+{_NO}|IMEI|UDI)"),
    (
        "health_plan_number",
        rf"\b(?:member\s+{_NO}|membership\s+{_NO}|policy\s+{_NO}|(?:health\s+)?plan\s+{_NO}"
        rf"|insurance\s+{_NO}|subscriber\s+{_NO}|beneficiary\s+{_NO}|group\s+{_NO}"
        rf"|medicaid\s+{_NO}?|medicare\s+{_NO}?|NHS\s+{_NO})",
    ),
    ("account_number", rf"\b(?:account\s+{_NO}|acct\.?\s*{_NO}?|billing\s+{_NO}|invoice\s+{_NO})"),
    (
        "licence_number",
        rf"\b(?:(?:driver'?s?\s+)?licen[cs]e\s+{_NO}|certificate\s+{_NO}|DEA\s+{_NO}?|passport\s+{_NO}?)",
    ),
    (
        "record_number",
        rf"\b(?:MRN|medical\s+record\s+{_NO}?|record\s+{_NO}|chart\s+{_NO}|patient\s+{_NO}"
        rf"|hospital\s+{_NO}|case\s+{_NO}|file\s+{_NO}|encounter\s+{_NO})",
    ),
    ("ssn", rf"\b(?:SSN|social\s+security\s+{_NO}?)"),
]
_LABELLED_RE = [(kind, re.compile(label + _SEP + _ID, _I)) for kind, label in _LABELLED]
_SSN_RE = re.compile(r"(?<![\d-])\d{3}[- ]\d{2}[- ]\d{4}(?![\d-])")

# --- dates ---------------------------------------------------------------------------------
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    rf"(?:\d{{1,2}}[/.-]\d{{1,2}}(?:[/.-]\d{{2,4}})?|\d{{4}}-\d{{1,2}}-\d{{1,2}}"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?)"
)
_PERSON_DATE_WORDS = (
    r"(?:DOB|D\.O\.B\.?|date\s+of\s+birth|birth\s*date|birthday|born|admitted|admission"
    r"|admit(?:ted)?\s+date|discharged?|discharge\s+date|died|death|date\s+of\s+death|DOD"
    r"|passed\s+away|deceased|expired)"
)
_PERSON_DATE_RE = re.compile(
    rf"\b{_PERSON_DATE_WORDS}\b[\s:,-]*(?:(?:on|at|in|was|is|of|the|date)\b[\s:,-]*){{0,3}}"
    rf"(?P<id>{_DATE})(?![\d/])",
    _I,
)

# --- ages over 89 --------------------------------------------------------------------------
_AGE_NUM = r"(?P<n>9\d|1[0-2]\d)"
_AGE_RE = re.compile(
    rf"\b(?:{_AGE_NUM}[- ](?:years?|yrs?)[- ]old\b"
    rf"|(?P<m>9\d|1[0-2]\d)\s?(?:yo|y/o|y\.o\.)(?!\w)"
    rf"|(?:aged?|age\s+of)\s+(?P<k>9\d|1[0-2]\d)\b)",
    _I,
)
_NOT_A_PERSON = re.compile(
    r"\b(?:hospital|clinic|building|organi[sz]ation|cent(?:er|re)|practice|foundation|wing"
    r"|department|tree|church|school|company|tradition|charity)s?\b[^.!?]{0,30}$",
    _I,
)

# --- names in a clinical context -------------------------------------------------------------
_CAP = r"[A-Z][a-zA-Z'\u00c0-\u024f-]+"
_NAME = rf"(?P<id>{_CAP}(?:\s+{_CAP}){{0,2}})"
# Capitalised words that follow "patient" without being a name ("Patient Safety Week").
_NOT_NAMES = {
    "safety",
    "care",
    "experience",
    "week",
    "day",
    "month",
    "portal",
    "services",
    "service",
    "education",
    "advocate",
    "advocacy",
    "rights",
    "voice",
    "voices",
    "council",
    "centre",
    "center",
    "support",
    "stories",
    "story",
    "information",
    "leaflet",
    "guide",
    "engagement",
    "first",
    "satisfaction",
    "access",
    "and",
    "or",
    "the",
    "a",
    "an",
    "in",
    "on",
    "at",
    "of",
    "for",
    "with",
    "is",
    "was",
    "who",
    "today",
    "yesterday",
    "this",
    "that",
    "our",
    "his",
    "her",
    "their",
    "we",
    "i",
    "he",
    "she",
    "they",
    "it",
    "covid",
    "flu",
    "nurse",
    "doctor",
    "dr",
    "team",
    "family",
    "families",
    "partners",
    "panel",
    "relations",
    "feedback",
    "survey",
    "group",
    "groups",
    "zero",
    "one",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "hospital",
    "clinic",
    "ward",
    "room",
    "bed",
    "unit",
}
_PATIENT_NAME_RE = re.compile(
    rf"\b(?:[Pp]atient|client|resident|pt\.?|baby|infant|newborn|son|daughter|wife|husband)"
    rf"(?:\s*,\s*|\s+){_NAME}"
)
_TITLE_NAME_RE = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Master)\.?\s+{_NAME}")
_CLINICAL_WORDS = re.compile(
    r"\b(?:patients?|bed|room|ward|admitted|admission|discharged?|diagnos\w*|surgery|operat\w*"
    r"|treat\w*|ICU|ER|A&E|emergency|condition|symptoms?|prognosis|chemo\w*|dialysis"
    r"|ventilator|intubated|sedated|stroke|cancer|tumou?r|fracture|overdose|pregnan\w*"
    r"|labou?r|miscarr\w*|died|passed\s+away|transferred|rushed|recovering|recovery"
    r"|medication|prescri\w*|test(?:ed)?\s+positive|biopsy|scan|x-ray|mri|ct\b|infection"
    r"|sepsis|injur\w*|wound|icu|nicu|hospice|palliative|terminal|seen\s+by)\b",
)
_STAFF_CONTEXT = re.compile(
    r"\b(?:congratulat\w*|welcome\w*|retire\w*|thank\w*|joins?|joined|team|staff|colleague"
    r"|anniversary|years?\s+of\s+service|award\w*|promot\w*|farewell|celebrat\w*|CEO"
    r"|director|manager|volunteer\w*)\b",
    _I,
)
_STRONG_PATIENT = re.compile(
    r"\b(?:patients?|admitted|discharged|diagnosed|bed\s+\d+|room\s+\d+)\b", _I
)
_CLINICAL_VERB_NAME_RE = re.compile(
    rf"(?<![A-Za-z.] )(?<!Dr\. )(?<!Dr )(?<!Nurse )(?<!Prof\. ){_NAME}\s+"
    rf"(?:was|is|has\s+been|got|had|came|went)?\s*(?:just\s+)?"
    rf"(?:admitted|discharged|diagnosed|rushed|transferred|intubated|sedated|readmitted"
    rf"|brought\s+in|passed\s+away|died|coded|tested\s+positive|miscarried)\b"
)
_STAFF_BEFORE = re.compile(
    r"(?:\b(?:Dr|Doctor|Nurse|Prof|Professor|RN|NP|PA|Sister|Matron|colleague|surgeon"
    r"|physician|midwife|therapist|pharmacist|director|CEO|manager|chaplain)\.?\s*,?\s*)$",
    re.IGNORECASE,
)

# --- contact details -------------------------------------------------------------------------
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_SHARED_MAILBOXES = {
    "info",
    "contact",
    "hello",
    "appointments",
    "bookings",
    "booking",
    "office",
    "reception",
    "enquiries",
    "inquiries",
    "help",
    "support",
    "press",
    "media",
    "team",
    "news",
    "admin",
    "frontdesk",
    "front.desk",
    "clinic",
    "pharmacy",
    "feedback",
    "pals",
    "communications",
}
_STREET_SUFFIX = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl"
    r"|terrace|circle|cir|highway|hwy|parkway|pkwy|square|sq|crescent|close|grove|gardens"
    r"|row|mews|walk)"
)
STREET_ADDRESS_RE = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:[A-Z][A-Za-z'-]*\s+){{1,4}}"
    rf"(?i:{_STREET_SUFFIX})\b\.?(?:\s*(?:apt|unit|suite|#)\.?\s*\w+)?"
)
# US state and territory codes before a ZIP code.
_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|"
    "NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR"
)
_ZIP_RE = re.compile(
    rf"(?:\b(?:{_STATES})\s+|\b(?i:zip(?:\s*code)?|postal\s+code|postcode)[\s:#]*)"
    r"(?P<id>\d{5}(?:-\d{4})?)\b"
)
_IPV4_RE = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6_RE = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")

_ORG_CUE = re.compile(
    r"\b(?:call\s+us|call|text\s+us|contact\s+us|contact|reach\s+us|our|the\s+clinic'?s?"
    r"|clinic|hospital|office|reception|front\s+desk|switchboard|helpline|hotline|help\s+line"
    r"|information\s+line|info\s+line|appointments?|booking|book|main\s+(?:number|line)"
    r"|phone|tel|telephone|email\s+us|write\s+to|e-?mail|visit|located|find\s+us|campus"
    r"|entrance|department|centre|center|pharmacy|go\s+to|site|building|practice|services?)\b",
    _I,
)
_PATIENT_CUE = re.compile(
    r"\b(?:patients?|pt|lives|living|home\s+address|resides|his|her|hers|their|family"
    r"|relatives?|daughter|son|wife|husband|mother|father|mom|dad|admitted|discharged"
    r"|mr|mrs|ms|miss|DOB|personal|cell|mobile|results?|he|she|him)\b",
    _I,
)
_SOCIAL_HOSTS = (
    "facebook.com",
    "fb.com",
    "instagram.com",
    "twitter.com",
    "x.com",
    "linkedin.com",
    "tiktok.com",
    "youtube.com",
    "threads.net",
    "snapchat.com",
    "pinterest.com",
    "reddit.com",
    "bsky.app",
)
_PERSONAL_HOSTS = (
    "blogspot.com",
    "wordpress.com",
    "medium.com",
    "substack.com",
    "github.io",
    "linktr.ee",
    "about.me",
    "tumblr.com",
    "wixsite.com",
    "carrd.co",
)
_ORG_PATH = re.compile(
    r"^/(?:company|school|showcase|groups?|pages?|events?|hashtag|watch|results|search|share|sharer)\b",
    _I,
)


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    a = max(text.rfind(ch, 0, start) for ch in ".!?\n")
    b_candidates = [i for i in (text.find(ch, end) for ch in ".!?\n") if i != -1]
    return a + 1, (min(b_candidates) if b_candidates else len(text))


def _quote(s: str) -> str:
    s = " ".join(s.split())
    return s if len(s) <= 60 else s[:57] + "..."


def _contact_severity(text: str, start: int, end: int) -> str:
    """Error, or warning when introduced as the organisation's own and no patient is near."""
    s, e = _sentence(text, start, end)
    before = text[max(s, start - 60) : start]
    sentence = text[s:start] + " " + text[end:e]
    if _ORG_CUE.search(before) and not _PATIENT_CUE.search(sentence):
        return WARNING
    return ERROR


def _message(kind: str, excerpt: str, severity: str) -> str:
    what = KINDS[kind]
    if severity == WARNING:
        return (
            f"This looks like {what}: '{excerpt}'. That is fine only if it is your "
            "organisation's public contact; never post a patient's or a colleague's own."
        )
    fixes = {
        "name": "Remove the name, or describe the person without identifying them.",
        "date": "Remove the date, or keep only the year if it is needed.",
        "age": "Say 'over 89' instead of the exact age.",
        "url": "Remove the link to a person's profile or site.",
    }
    return f"This looks like {what}: '{excerpt}'. {fixes.get(kind, 'Remove it from the post.')}"


class _Collector:
    def __init__(self, text: str) -> None:
        self.text = text
        self.items: list[PhiFinding] = []

    def overlaps(self, start: int, end: int) -> bool:
        return any(f.start < end and start < f.end for f in self.items)

    def add(self, kind: str, start: int, end: int, severity: str = ERROR) -> None:
        if start >= end or self.overlaps(start, end):
            return
        excerpt = _quote(self.text[start:end])
        self.items.append(
            PhiFinding(kind, start, end, _message(kind, excerpt, severity), excerpt, severity)
        )


def _names(text: str, out: _Collector) -> None:
    def name_span(m: re.Match) -> tuple[int, int] | None:
        # Stop at the first capitalised word that is not a name ("Patient Safety Week").
        keep = []
        for w in m.group("id").split():
            if w.lower().strip("'") in _NOT_NAMES:
                break
            keep.append(w)
        if not keep:
            return None
        start = m.start("id")
        return start, start + len(" ".join(keep))

    for m in _PATIENT_NAME_RE.finditer(text):
        span = name_span(m)
        if span:
            out.add("name", *span)
    for m in _TITLE_NAME_RE.finditer(text):
        s, e = _sentence(text, m.start(), m.end())
        sentence = text[s:e]
        # "Congratulations to Mrs. Patel on 30 years in the ICU" is about staff, not a patient.
        if _STAFF_CONTEXT.search(sentence) and not _STRONG_PATIENT.search(sentence):
            continue
        if _CLINICAL_WORDS.search(sentence) or re.search(r"\bbed\s+\d", sentence, _I):
            span = name_span(m)
            if span:
                out.add("name", m.start(), span[1])
    for m in _CLINICAL_VERB_NAME_RE.finditer(text):
        if _STAFF_BEFORE.search(text[max(0, m.start() - 30) : m.start()]):
            continue
        span = name_span(m)
        if span:
            out.add("name", *span)


_DATE_LIKE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")


def _phones(text: str, region: str, out: _Collector) -> None:
    try:
        matches = list(PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE))
    except Exception:  # noqa: BLE001 - phonenumbers must never break a validator
        return
    for m in matches:
        if _DATE_LIKE.fullmatch(m.raw_string):
            continue
        before = text[max(0, m.start - 25) : m.start].lower()
        kind = "fax" if "fax" in before else "phone"
        out.add(kind, m.start, m.end, _contact_severity(text, m.start, m.end))


def _urls(text: str, out: _Collector, organisation_domain: str, official_domains) -> None:
    for link in find_links(text):
        host = link.host
        if is_official(host, organisation_domain, official_domains):
            continue
        path = link.path.split("?")[0].rstrip("/")
        personal_host = any(host_matches(host, h) for h in _PERSONAL_HOSTS) or "/~" in path
        social = any(host_matches(host, h) for h in _SOCIAL_HOSTS)
        profile_path = (
            "profile.php" in link.path
            or path.lower().startswith(("/in/", "/@", "/people/", "/u/", "/user/"))
            or re.fullmatch(r"/[A-Za-z]+[._-][A-Za-z]+\d*", path) is not None
            or (path.count("/") == 1 and len(path) > 1 and not _ORG_PATH.match(path))
        )
        if not (personal_host or (social and profile_path)):
            continue
        # The organisation's own social page usually carries its name.
        org_name = organisation_domain.lower().split(".")[0] if organisation_domain else ""
        if org_name and org_name in path.lower().replace(".", "").replace("-", ""):
            continue
        out.add("url", link.start, link.end)


def find_phi(
    text: str,
    *,
    region: str = "US",
    organisation_domain: str = "",
    official_domains=OFFICIAL_DOMAINS,
) -> list[PhiFinding]:
    """Things in `text` that look like patient information, in text order.

    `region` is the phonenumbers region for numbers without a country code. Links to
    `organisation_domain` and to `official_domains` are never flagged. Never raises; a
    non-string gives an empty list. See PHI_LIMITS for what it cannot see.
    """
    if not isinstance(text, str) or not text:
        return []
    text = text[:_SCAN_MAX]
    if not isinstance(region, str) or region.upper() not in phonenumbers.SUPPORTED_REGIONS:
        region = "US"
    region = region.upper()
    if not isinstance(organisation_domain, str):
        organisation_domain = ""
    out = _Collector(text)

    for m in _SSN_RE.finditer(text):
        out.add("ssn", m.start(), m.end())
    for kind, rx in _LABELLED_RE:
        for m in rx.finditer(text):
            out.add(kind, m.start(), m.end())
    for m in _PERSON_DATE_RE.finditer(text):
        out.add("date", m.start(), m.end())
    for m in _AGE_RE.finditer(text):
        if _NOT_A_PERSON.search(text[max(0, m.start() - 60) : m.start()]):
            continue
        out.add("age", m.start(), m.end())
    for m in _EMAIL_RE.finditer(text):
        severity = _contact_severity(text, m.start(), m.end())
        local, _, domain = m.group(0).lower().partition("@")
        # A named person's address at a webmail host is never the organisation's contact.
        if not (
            local.split("+")[0] in _SHARED_MAILBOXES
            or is_official(domain, organisation_domain, official_domains)
        ):
            severity = ERROR
        out.add("email", m.start(), m.end(), severity)
    for m in STREET_ADDRESS_RE.finditer(text):
        out.add("address", m.start(), m.end(), _contact_severity(text, m.start(), m.end()))
    for m in _ZIP_RE.finditer(text):
        out.add("zip", m.start("id"), m.end("id"), _contact_severity(text, m.start(), m.end()))
    for m in _IPV4_RE.finditer(text):
        if all(0 <= int(p) <= 255 for p in m.group(0).split(".")):
            out.add("ip_address", m.start(), m.end())
    for m in _IPV6_RE.finditer(text):
        try:
            ipaddress.IPv6Address(m.group(0))
        except ValueError:
            continue
        out.add("ip_address", m.start(), m.end())
    _urls(text, out, organisation_domain, official_domains)
    _names(text, out)
    _phones(text, region, out)
    return sorted(out.items, key=lambda f: (f.start, f.end))
