"""Spot patient information (PHI) in a practice post: a teaching aid, not a guarantee.

Looks for the HIPAA Safe Harbor identifiers (45 CFR 164.514(b)(2)) that text can reveal:
patient names in a clinical context, dates tied to a person (birth, admission, discharge,
procedure, death), ages over 89, phone and fax numbers, email addresses, street addresses and
ZIP codes, medical record / account / health-plan / licence / vehicle / device numbers, social
security numbers, portal usernames and social media handles of patients, links to a patient's
record or profile, and IP addresses.

Context decides. A name is flagged when the post is about care (diagnoses, procedures, wards,
beds, births, ...) and nothing makes the person a colleague or a guest (phi_names.py). A date is
flagged when a birth, admission, procedure, discharge or death is told next to it; event dates,
years and opening hours are not. Contact details (phone, fax, email, street address, ZIP) are
errors, except when they are the organisation's own: introduced as such ("call us on", "our
helpline", "the clinic at 1 Main Street"), a toll-free line, a shared mailbox such as
appointments@ or an address at the organisation's domain, with nothing in the sentence pointing
to a patient; those are a warning asking the learner to make sure it is a public contact.

Findings never repeat what leaked in their message: the learner who typed it is shown it from
the offsets (`start`, `end`); everyone else (managers reading evidence, trainers reading item
analysis) reads the message alone. What it cannot see is listed in PHI_LIMITS (shown on the
exercise page).
"""

from __future__ import annotations

import ipaddress
import re
from bisect import bisect_right
from dataclasses import dataclass

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher, PhoneNumberType

from .findings import ERROR, WARNING
from .links import OFFICIAL_DOMAINS, find_links, host_matches, is_official
from .phi_names import find_patient_names, sentence_spans

PHI_LIMITS = [
    "It cannot see photos, videos or anything in an image, such as a face, a wristband or a "
    "screen in the background.",
    "It cannot tell that a rare condition, a small town or an unusual event points to one person.",
    "It misses indirect descriptions, such as 'the patient in bed 7 after this morning's crash'.",
    "It only flags a name when the post is about care (a diagnosis, a ward, a bed, a birth...); "
    "a nickname, initials or a name with no such words near it are not caught, and a patient "
    "introduced as a colleague is taken for one.",
    "It only flags a date when a birth, admission, procedure, discharge or death is told next "
    "to it.",
    "It reads English only, and can be fooled by unusual spelling or formatting.",
    "It does not know who is a patient and who is a colleague: a clean result is not proof "
    "that a post is safe to publish. When in doubt, leave it out and ask your privacy officer.",
]

# Texts longer than this are only partly scanned: keeps the checker fast on junk input.
_SCAN_MAX = 50_000


@dataclass(frozen=True)
class PhiFinding:
    """Something that looks like patient information.

    `kind` is one of KINDS; `start`/`end` are offsets into the text; `message` says what kind
    of identifier it is and what to do, without repeating it; `excerpt` is what was found (for
    the person who typed it only); `severity` is "error" or, for contact details that look
    like the organisation's own, "warning".
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
    "username": "a username or login",
    "handle": "a person's social media handle",
    "record_link": "a link to a patient's record",
    "url": "a personal web address",
    "ip_address": "an IP address",
}

_FIXES = {
    "name": "Remove the name, or describe the person without identifying them.",
    "date": "Remove the date, or keep only the year if it is needed.",
    "age": "Say 'over 89' instead of the exact age.",
    "url": "Remove the link to a person's profile or site.",
    "record_link": "Remove the link: it leads to a patient's record.",
    "handle": "Remove the handle: it leads to a person's account.",
    "username": "Remove it: a login identifies the person who uses it.",
}


def message_for(kind: str, severity: str = ERROR) -> str:
    """What a finding of `kind` says: what it looks like and what to do, never the text."""
    what = KINDS.get(kind, "patient information")
    if severity == WARNING:
        return (
            f"This looks like {what}. That is fine only if it is your organisation's public "
            "contact; never post a patient's or a colleague's own."
        )
    return f"This looks like {what}. {_FIXES.get(kind, 'Remove it from the post.')}"


_I = re.IGNORECASE

# --- numbers with a label -----------------------------------------------------------------
# An identifier: letters, digits and hyphens with at least one digit, or groups of digits
# separated by single spaces ("943 476 5919").
_ID = (
    r"(?P<id>(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9-]{2,}[A-Za-z0-9](?:\s\d{3,}){0,3}"
    r"|\d{2,}(?:\s\d{2,}){1,4})"
)
_NO = r"(?:number|num|no\.?|nr\.?|#|id|ID)"
_SEP = r"[\s:#.=-]*(?:(?:is|was|of|:)\s+)?"
_LABELLED = [
    (
        "vehicle_id",
        rf"\b(?:licen[cs]e\s+plate|number\s+plate|plate\s+{_NO}?|registration\s+{_NO}|VIN)",
    ),
    (
        "device_id",
        rf"\b(?:serial\s+{_NO}|serial|S/N|SN|device\s+{_NO}|IMEI|UDI|(?:pacemaker|defibrillator"
        rf"|ICD|implant|insulin\s+pump|pump|hearing\s+aid|cochlear\s+implant|CPAP|BiPAP|CGM"
        rf"|glucose\s+monitor|monitor|stent|prosthesis|wheelchair|ventilator|valve)"
        rf"(?:\s+(?:serial|model|SN|S/N|{_NO}))?)",
    ),
    (
        "health_plan_number",
        rf"\b(?:member(?:ship)?\s*{_NO}?|policy\s*{_NO}?|(?:health\s+)?plan\s+{_NO}"
        rf"|insurance\s*(?:card\s*)?{_NO}?|subscriber\s*{_NO}?|beneficiary\s*{_NO}?"
        rf"|group\s+{_NO}|medicaid\s*{_NO}?|medicare\s*{_NO}?|NHS\s+{_NO}|CHI\s+{_NO})",
    ),
    (
        "account_number",
        rf"\b(?:account\s*{_NO}?|acct\.?\s*{_NO}?|billing\s+{_NO}|invoice\s*{_NO}?)",
    ),
    (
        "licence_number",
        rf"\b(?:(?:driver'?s?\s+|driving\s+)?licen[cs]e\s*{_NO}?|DL\s*{_NO}?|certificate\s+{_NO}"
        rf"|DEA\s+{_NO}?|passport\s*{_NO}?)",
    ),
    (
        "record_number",
        rf"\b(?:MRN|medical\s+record\s+{_NO}?|record\s+{_NO}|chart\s+{_NO}|patient\s+{_NO}"
        rf"|hospital\s+{_NO}|case\s+{_NO}|file\s+{_NO}|encounter\s+{_NO})",
    ),
    ("ssn", rf"\b(?:SSN|social\s+security\s+{_NO}?)"),
]
_LABELLED_RE = [(kind, re.compile(label + _SEP + _ID, _I)) for kind, label in _LABELLED]
# Every label holds one of these: a text without any needs no labelled search at all.
_LABEL_WORDS = re.compile(
    r"licen[cs]e|plate|registration|vin|serial|s/n|sn|device|imei|udi|pacemaker|defibrillator"
    r"|icd|implant|pump|hearing|cpap|bipap|cgm|monitor|stent|prosthesis|wheelchair|ventilator"
    r"|valve|member|policy|plan|insurance|subscriber|beneficiary|group|medicaid|medicare|nhs"
    r"|chi|account|acct|billing|invoice|certificate|dea|passport|dl|mrn|record|chart|patient"
    r"|hospital|case|file|encounter|ssn|social",
    _I,
)
_SSN_RE = re.compile(r"(?<![\d-])\d{3}[- ]\d{2}[- ]\d{4}(?![\d-])")
# Years ("insurance 2025"), money, percentages, times and counts are no identifiers.
_NOT_AN_ID = re.compile(r"(?:19|20)\d\d(?:[-/](?:19|20)?\d\d)?|\d{1,3}")

# --- usernames and handles ------------------------------------------------------------------
_USERNAME_RE = re.compile(
    r"\b(?:user\s*name|user\s*id|login|log-?in(?:\s+name)?|sign-?in\s+name|screen\s*name"
    r"|portal\s+(?:id|name|login|account))\s*(?:is|was|:|=|-)?\s*@?"
    r"(?P<id>[A-Za-z0-9][\w.@-]{2,}[A-Za-z0-9])",
    _I,
)
_HANDLE_RE = re.compile(r"(?<![\w@.])@(?P<id>[A-Za-z0-9_]{2,30})\b(?![.@]\w)")
_HANDLE_PERSON = re.compile(
    r"\b(?:his|her|their|him|them|patient'?s?|son|daughter|wife|husband|partner|mum|mom|dad"
    r"|father|mother|family|grandson|granddaughter|recovery|journey|fight|battle|story"
    r"|updates?\s+on)\b",
    _I,
)
_HANDLE_ORG = re.compile(r"\b(?:our|us|we|we're|we've)\b", _I)

# --- links to a record ------------------------------------------------------------------------
_RECORD_PATH = re.compile(
    r"(?:^|[/?&#=_-])(?:patients?|pt|pid|mrn|records?|charts?|ehr|emr|encounters?|cases?"
    r"|admissions?|persons?|subjects?|episodes?|nhs[-_]?(?:no|number)|patient[-_]?id"
    r"|record[-_]?id|chart[-_]?id)(?:[/=_-]|id=|%2F)+[A-Za-z]{0,3}\d{3,}",
    _I,
)

# --- dates -----------------------------------------------------------------------------------
# A month's name, or its abbreviation with or without its dot ("Jan.", not "March.").
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b\.?)"
)
_ORD = r"(?:st|nd|rd|th)?"
_DATE_RES = (
    re.compile(
        r"(?<![\d.])\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?(?![\d%])|\b\d{4}-\d{1,2}-\d{1,2}\b"
    ),
    re.compile(rf"\b{_MONTH}\s+\d{{1,2}}{_ORD}\b(?:,?\s+\d{{4}})?", _I),
    re.compile(rf"\b\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?(?!\w)", _I),
)
_PERSON_EVENT = re.compile(
    r"\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth|birth\s*date|birthday|born|gave\s+birth|delivered"
    r"|arrived|admitted|admission|admit(?:ted)?\s+date|readmitted|(?:came|brought|rushed|went)"
    r"\s+in(?:to)?|presented|attended|discharged?|discharge\s+date|sent\s+home|op"
    r"|went\s+home|died|death|date\s+of\s+death|DOD|passed\s+away|passed|deceased|expired|RIP"
    r"|funeral|surgery|operated|operation|procedure|transplant|diagnosed|biopsy|scan"
    r"|miscarried|stillborn)\b",
    _I,
)
# Words after an event word that make it an organisation's event: "surgery open evening".
_EVENT_NOUN = re.compile(
    r"^\W{0,3}(?:\w+\s+){0,1}(?:open|evening|day|days|week|centre|center|clinic|clinics|tours?"
    r"|services?|hours|times|team|department|unit|ward|lounge|gym|appointments|drop-in"
    r"|sessions?|classes|talk|event|awareness|checks?|audit|policy|form|forms|desk|office"
    r"|lists?)\b",
    _I,
)
_ADMISSIONS_OPEN = re.compile(r"^s\b|^\s+(?:open|are|is\s+open)", _I)
# A date an organisation gives for itself: "opens on 19 October", "starts March 3rd".
_ORGANISATION_DATE = re.compile(
    r"\b(?:opens?|opening|reopens?|reopening|closes?|closing|closed|starts?|starting|begins?"
    r"|launch\w*|held|runs?|available|bookable|until|deadline|due|finish(?:es)?|ends?|from)"
    r"\s+(?:on\s+|from\s+|by\s+)?(?:the\s+)?$",
    _I,
)

# --- ages over 89 ----------------------------------------------------------------------------
_UNITS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_AGE_WORDS = (
    rf"(?:ninety(?:[- ]{_UNITS})?|(?:one|a)\s+hundred(?:\s+and)?(?:[- ](?:{_UNITS}|ten"
    r"|eleven|twelve|thirteen|fourteen|fifteen))?)"
)
_AGE = rf"(?:9\d|1[01]\d|{_AGE_WORDS})"
_AGGREGATE = (
    r"(?!\s*(?:\+|plus\b|and\s+(?:over|older|above|up)|or\s+(?:over|older|more|above)|s\b))"
)
_AGE_RE = re.compile(
    rf"\b(?:{_AGE}[- ](?:years?|yrs?)[- ](?:old|young|of\s+age)\b"
    rf"|{_AGE}\s?(?:yo|y/o|y\.o\.|yrs?)(?!\w)"
    rf"|(?:aged?|age\s+of|age:)\s+{_AGE}\b{_AGGREGATE}"
    rf"|(?:turn(?:s|ed|ing)?|reach(?:es|ed)?|celebrat\w+\s+(?:his|her|their))\s+{_AGE}\b{_AGGREGATE}"
    rf"|(?:9\d|1[01]\d)(?:st|nd|rd|th)\s+birthday|(?:ninetieth|hundredth|one\s+hundredth)\s+"
    rf"birthday|(?:9\d|1[01]\d)\s+today\b|at\s+{_AGE}\s*,\s*(?=[A-Z]|he\b|she\b)"
    rf"|(?:who|she|he|they)\s+(?:is|was|turned|turns)\s+{_AGE}\b"
    r"(?!\s*(?:%|per\s*cent|percent|beds?\b|[a-z]+s\b))"
    rf"|(?:who's|she's|he's|is\s+now)\s+{_AGE}\b(?!\s*(?:%|per\s*cent|percent|beds?\b|[a-z]+s\b))"
    rf"|\bis\s+{_AGE}(?=\s*(?:$|[,.!;]|and\b|today\b|now\b|this\b))"
    rf"|in\s+(?:his|her|their)\s+(?:late\s+|early\s+|mid[- ])?nineties|nonagenarian|centenarian)",
    _I,
)
# "Doris, 92," / "Fred Wilson (93)" / "Edith, 94 today".
_AGE_APPOSITION = re.compile(r"[A-Z][\w'’-]+\s*(?:,\s*|\(\s*)(?P<age>9\d|1[01]\d)\s*(?:\)|,)")
_NOT_A_PERSON = re.compile(
    r"\b(?:hospital|clinic|building|organi[sz]ation|cent(?:er|re)|practice|foundation|wing"
    r"|department|tree|church|school|company|tradition|charity|ward|unit|trust|service"
    r"|society|club|home|hospice)s?\b[^.!?]{0,30}$",
    _I,
)

# --- contact details -------------------------------------------------------------------------
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_SHARED_MAILBOXES = {
    "info", "contact", "hello", "appointments", "appointment", "bookings", "booking", "office",
    "reception", "enquiries", "inquiries", "help", "helpdesk", "support", "press", "media",
    "team", "news", "admin", "frontdesk", "front.desk", "clinic", "pharmacy", "feedback",
    "pals", "communications", "comms", "referrals", "records", "billing", "accounts", "hr",
    "jobs", "careers", "volunteers", "volunteering", "fundraising", "donations", "events",
    "privacy", "dpo", "complaints", "patientexperience", "patient.experience", "switchboard",
    "noreply", "no-reply", "webmaster", "marketing", "social", "socialmedia", "outreach",
}  # fmt: skip
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
# A national number written with its trunk 0 ("07700 900461", "0113 496 0000"): the phone
# matcher only reads the exercise's region, so a foreign national number needs this.
_NATIONAL_NUMBER_RE = re.compile(r"(?<![\w+/.-])0\d{2,4}(?:[ -]?\d{2,4}){2,3}(?![\w/.-])")

_ORG_CUE = re.compile(
    r"\b(?:call\s+us|call|text\s+us|contact\s+us|contact|reach\s+us|our|the\s+clinic'?s?"
    r"|clinic|hospital|office|reception|front\s+desk|switchboard|helpline|hotline|help\s+line"
    r"|crisis\s+line|information\s+line|info\s+line|appointments?|booking|book|main\s+(?:number"
    r"|line)|line|phone|tel|telephone|email\s+us|write\s+to|e-?mail|visit|located|find\s+us"
    r"|campus|entrance|department|centre|center|pharmacy|go\s+to|site|building|practice"
    r"|services?|ward|press|media|enquiries|inquiries|questions)\b",
    _I,
)
# "Our patient relations team" names a public service, not a patient.
_PATIENT_CUE = re.compile(
    r"\b(?:patients?(?!\s+(?:relations|experience|services?|liaison|advice|advocacy|advocates?"
    r"|portal|support|line|helpline|feedback|safety|information)\b)|patient's|pt|lives|living|home\s+address|resides|his|her|hers|their|family"
    r"|relatives?|daughter|son|wife|husband|sister|brother|mother|father|mum|mom|dad|admitted"
    r"|discharged|mr|mrs|ms|miss|DOB|personal|cell|mobile|results?|he|she|him)\b",
    _I,
)
_TOLL_FREE = {PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST, PhoneNumberType.UAN}
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
    "gofundme.com",
    "justgiving.com",
    "caringbridge.org",
)
_ORG_PATH = re.compile(
    r"^/(?:company|school|showcase|groups?|pages?|events?|hashtag|watch|results|search|share|sharer)\b",
    _I,
)


class _Sentences:
    """The sentences of one text, found once, and the one around any offset."""

    def __init__(self, text: str) -> None:
        self.spans = sentence_spans(text)
        self.starts = [s for s, _ in self.spans]
        self.length = len(text)

    def around(self, start: int, end: int) -> tuple[int, int]:
        """The start of the sentence holding `start` and the end of the one holding `end`."""
        if not self.spans:
            return 0, self.length
        first = self.spans[max(0, bisect_right(self.starts, start) - 1)][0]
        last = self.spans[max(0, bisect_right(self.starts, max(start, end - 1)) - 1)][1]
        return first, last


def _quote(s: str) -> str:
    s = " ".join(s.split())
    return s if len(s) <= 60 else s[:57] + "..."


class _Collector:
    def __init__(self, text: str) -> None:
        self.text = text
        self.sentences = _Sentences(text)
        self.items: list[PhiFinding] = []

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """The sentence around a span of the text."""
        return self.sentences.around(start, end)

    def contact_severity(self, start: int, end: int) -> str:
        """Error, or warning when introduced as the organisation's own and no patient is near."""
        s, e = self.sentence(start, end)
        before = self.text[max(s, start - 60) : start]
        sentence = self.text[s:start] + " " + self.text[end:e]
        if _ORG_CUE.search(before) and not _PATIENT_CUE.search(sentence):
            return WARNING
        return ERROR

    def public_unless_patient(self, start: int, end: int) -> str:
        """Warning for a contact that is public by its nature, unless a patient is near."""
        s, e = self.sentence(start, end)
        near = self.text[s:start] + " " + self.text[end:e]
        return ERROR if _PATIENT_CUE.search(near) else WARNING

    def overlaps(self, start: int, end: int) -> bool:
        return any(f.start < end and start < f.end for f in self.items)

    def add(self, kind: str, start: int, end: int, severity: str = ERROR) -> None:
        if start >= end or self.overlaps(start, end):
            return
        excerpt = _quote(self.text[start:end])
        self.items.append(
            PhiFinding(kind, start, end, message_for(kind, severity), excerpt, severity)
        )


def _labelled(text: str, out: _Collector) -> None:
    if not _LABEL_WORDS.search(text) or not any(ch.isdigit() for ch in text):
        return
    for kind, rx in _LABELLED_RE:
        for m in rx.finditer(text):
            value = m.group("id")
            if _NOT_AN_ID.fullmatch(value) or text[m.end() : m.end() + 1] in ("%", "£", "$"):
                continue
            out.add(kind, m.start(), m.end())


def _usernames_and_handles(text: str, out: _Collector) -> None:
    for m in _USERNAME_RE.finditer(text):
        value = m.group("id")
        if value.isalpha() and value.islower() and len(value) < 5:
            continue  # "login or password", "username and ..."
        if value.lower() in {"password", "details", "required", "please", "reset", "below"}:
            continue
        out.add("username", m.start(), m.end())
    for m in _HANDLE_RE.finditer(text):
        s, e = out.sentence(m.start(), m.end())
        before = text[s : m.start()]
        if _HANDLE_PERSON.search(text[s:e]) and not _HANDLE_ORG.search(before):
            out.add("handle", m.start(), m.end())


def _dates(text: str, out: _Collector) -> None:
    if not any(ch.isdigit() for ch in text):
        return
    matches = sorted((m for rx in _DATE_RES for m in rx.finditer(text)), key=lambda m: m.start())
    for m in matches:
        s, e = out.sentence(m.start(), m.end())
        window_before = text[max(s, m.start() - 45) : m.start()]
        window_after = text[m.end() : min(e, m.end() + 35)]
        if _ORGANISATION_DATE.search(window_before):
            continue
        for event in _PERSON_EVENT.finditer(window_before + " \x00 " + window_after):
            after_event = (window_before + " \x00 " + window_after)[event.end() :]
            if _EVENT_NOUN.match(after_event.replace("\x00", " ")) or (
                event.group(0).lower() == "admission" and _ADMISSIONS_OPEN.match(after_event)
            ):
                continue
            out.add("date", m.start(), m.end())
            break


_TO_AN_INSTITUTION = re.compile(
    r"^\s+(?:to|for|of)\s+(?:our|the|this)\s+(?:\w+\s+){0,2}?(?:hospital|clinic|building|chapel"
    r"|cent(?:er|re)|practice|foundation|wing|department|church|school|charity|ward|unit|trust"
    r"|service|society|club|hospice)s?\b",
    _I,
)


def _ages(text: str, out: _Collector) -> None:
    for m in _AGE_RE.finditer(text):
        if _NOT_A_PERSON.search(text[max(0, m.start() - 60) : m.start()]):
            continue
        if _TO_AN_INSTITUTION.match(text[m.end() : m.end() + 60]):
            continue  # "Happy 96th birthday to our hospital chapel"
        if re.match(r"\d", m.group(0)) and text[m.end() : m.end() + 1] == "%":
            continue
        out.add("age", m.start(), m.end())
    for m in _AGE_APPOSITION.finditer(text):
        if _NOT_A_PERSON.search(text[max(0, m.start() - 60) : m.end()]):
            continue
        out.add("age", m.start("age"), m.end("age"))


_DATE_LIKE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")


def _phones(text: str, region: str, out: _Collector) -> None:
    try:
        matches = [
            (m.start, m.end, m.raw_string, m.number)
            for m in PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE)
        ]
    except Exception:  # phonenumbers must never break a validator
        matches = []
    for m in _NATIONAL_NUMBER_RE.finditer(text):
        digits = sum(ch.isdigit() for ch in m.group(0))
        if 10 <= digits <= 11 and not any(a < m.end() and m.start() < b for a, b, _, _ in matches):
            matches.append((m.start(), m.end(), m.group(0), None))
    for start, end, raw, number in sorted(matches, key=lambda item: item[0]):
        if _DATE_LIKE.fullmatch(raw):
            continue
        before = text[max(0, start - 25) : start].lower()
        kind = "fax" if "fax" in before else "phone"
        severity = out.contact_severity(start, end)
        try:
            toll_free = number is not None and phonenumbers.number_type(number) in _TOLL_FREE
        except Exception:
            toll_free = False
        if toll_free:
            severity = min(severity, out.public_unless_patient(start, end), key=_rank)
        out.add(kind, start, end, severity)


def _rank(severity: str) -> int:
    return 0 if severity == WARNING else 1


def _urls(text: str, out: _Collector, organisation_domain: str, official_domains) -> None:
    for link in find_links(text):
        # A link into a patient's record is a leak on any site, the organisation's included.
        if _RECORD_PATH.search(link.path):
            out.add("record_link", link.start, link.end)
            continue
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


def _emails(text: str, out: _Collector, organisation_domain: str, official_domains) -> None:
    for m in _EMAIL_RE.finditer(text):
        local, _, domain = m.group(0).lower().partition("@")
        shared = local.split("+")[0] in _SHARED_MAILBOXES
        if shared or is_official(domain, organisation_domain, official_domains):
            # A shared mailbox or the organisation's own domain: public unless a patient is
            # named next to it.
            severity = out.public_unless_patient(m.start(), m.end())
            if severity == ERROR and shared:
                severity = out.contact_severity(m.start(), m.end())
        else:
            # A named person's address at a webmail host is never the organisation's contact.
            severity = ERROR
        out.add("email", m.start(), m.end(), severity)


def find_phi(
    text: str,
    *,
    region: str = "US",
    organisation_domain: str = "",
    official_domains=OFFICIAL_DOMAINS,
) -> list[PhiFinding]:
    """Things in `text` that look like patient information, in text order.

    `region` is the phonenumbers region for numbers without a country code. Links to
    `organisation_domain` and to `official_domains` are not flagged unless they lead to a
    patient's record. Never raises; a non-string gives an empty list. See PHI_LIMITS for what
    it cannot see.
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
    _urls(text, out, organisation_domain, official_domains)
    _labelled(text, out)
    _usernames_and_handles(text, out)
    _dates(text, out)
    _ages(text, out)
    _emails(text, out, organisation_domain, official_domains)
    for m in STREET_ADDRESS_RE.finditer(text):
        out.add("address", m.start(), m.end(), out.contact_severity(m.start(), m.end()))
    for m in _ZIP_RE.finditer(text):
        out.add("zip", m.start("id"), m.end("id"), out.public_unless_patient(m.start(), m.end()))
    for m in _IPV4_RE.finditer(text):
        if all(0 <= int(p) <= 255 for p in m.group(0).split(".")):
            out.add("ip_address", m.start(), m.end())
    for m in _IPV6_RE.finditer(text):
        try:
            ipaddress.IPv6Address(m.group(0))
        except ValueError:
            continue
        out.add("ip_address", m.start(), m.end())
    for start, end in find_patient_names(text):
        out.add("name", start, end)
    _phones(text, region, out)
    return sorted(out.items, key=lambda f: (f.start, f.end))
