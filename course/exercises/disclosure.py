"""Public replies that confirm someone is a patient: the trap of answering reviews.

A provider's public reply must not disclose patient information, and merely confirming that the
reviewer is a patient, or mentioning their visit, treatment, dates or insurance, is a
disclosure. HHS's Office for Civil Rights settled with Elite Dental Associates ($10,000,
October 2019) and New Vision Dental ($23,000, 14 December 2022) over replies to online reviews
(HHS press releases: V).

These are word-pattern heuristics over the reply alone: they look for the phrasings that tie
the reader to care ("your visit", "as we discussed", "our records show", "your surgery on
Tuesday"), not for truth, and they read English only. A reply that speaks of the practice's
policies in general ("we aim to see everyone on time") has nothing for them to find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .findings import ERROR, Finding

_I = re.IGNORECASE

#: kind -> what the reply gave away, as a learner would say it.
KINDS = {
    "relationship": "that the person is your patient",
    "visit": "that the person visited you",
    "treatment": "something about the person's care",
    "records": "that you looked at the person's records",
    "insurance": "something about the person's insurance or bill",
    "relative": "that the person's relative was in your care",
    "date": "when the person was with you",
}

_ADJ = r"(?:(?:recent|last|latest|first|next|follow-?up|initial|routine|annual|scheduled|"
_ADJ += r"missed|previous|emergency|dental|medical|hospital|clinic|surgical)\s+)?"

_PATTERNS = [
    (
        "relationship",
        r"\b(?:as|being)\s+(?:a|our)\s+(?:valued\s+|long-?time\s+|regular\s+)?patient\b"
        r"|\byou(?:'re|\s+are|\s+were|'ve\s+been|\s+have\s+been)\s+(?:a|one\s+of\s+our|our)"
        r"\s+(?:valued\s+|long-?time\s+|regular\s+|new\s+)?patients?\b"
        r"|\bour\s+patient\b(?!s|\s+(?:relations|experience|services?|liaison|advice|advocacy"
        r"|advocates?|portal|support|line|helpline|feedback|safety|information|team)\b)"
        r"|\bpatient\s+of\s+ours\b"
        r"|\byour\s+(?:own\s+)?(?:doctor|dentist|nurse|surgeon|physician|therapist|provider"
        r"|care\s+team|GP|consultant|midwife|hygienist|clinician|specialist|oncologist)\b",
    ),
    (
        "visit",
        rf"\byour\s+{_ADJ}(?:visit|appointment|appt|stay|admission|consultation|check-?up"
        r"|session|exam(?:ination)?|wait(?:ing)?(?:\s+time)?|time\s+(?:with|at)\s+us|discharge)\b"
        r"|\bwhen\s+you\s+(?:came|visited|were\s+(?:here|in|with\s+us|seen)|arrived|checked\s+in"
        r"|called\s+(?:us|in)|stayed|were\s+admitted)\b"
        r"|\byou\s+(?:waited|were\s+kept\s+waiting|had\s+to\s+wait|were\s+(?:seen|late|admitted"
        r"|discharged|here|in\s+(?:our|the)\s+\w+)|arrived(?:\s+late)?|came\s+in|missed\s+your)\b"
        r"|\bwhile\s+you\s+were\s+(?:here|with\s+us|in\s+our|in\s+the)\b"
        r"|\bas\s+(?:we\s+)?(?:discussed|mentioned|explained|agreed)\s+(?:at|during|on|in|when"
        r"|with\s+you)\b|\bas\s+we\s+(?:discussed|agreed)\b"
        r"|\bwe\s+(?:spoke|talked|met)\s+(?:on|at|during|last|yesterday|earlier|in\s+person)\b"
        r"|\b(?:saw|seen|examined)\s+you\b",
    ),
    (
        "treatment",
        r"\byour\s+(?:\w+\s+)?(?:treatment|surgery|operation|procedure|care\s+plan|diagnosis"
        r"|condition|prescription|medications?|meds|test\s+results?|results|scan|x-?ray|mri"
        r"|bloodwork|blood\s+tests?|biopsy|filling|crown|implant|root\s+canal|therapy"
        r"|stitches|delivery|pregnancy|recovery|symptoms|injury|illness)\b"
        r"|\byour\s+care\b|\b(?:care|treatment)\s+(?:that\s+)?you\s+(?:received|got|had)\b"
        r"|\b(?:treated|cared\s+for|looked\s+after|operated\s+on)\s+you\b"
        r"|\byou\s+were\s+(?:treated|operated\s+on|prescribed|diagnosed)\b",
    ),
    (
        "records",
        r"\b(?:we|I)\s+(?:have\s+)?(?:checked|reviewed|looked\s+(?:at|into|up)|pulled|went"
        r"\s+through|examined|read)\s+(?:your|the)\s+(?:file|chart|records?|notes|account"
        r"|history|case)\b"
        r"|\b(?:our|your)\s+(?:records?|files?|chart|notes|system)\s+(?:show|shows|indicate"
        r"|indicates|say|says|state|states)\b"
        r"|\baccording\s+to\s+(?:our|your)\s+(?:records?|files?|chart|notes|system)\b"
        r"|\byour\s+(?:file|chart|records?|medical\s+history|account|bill|invoice|balance)\b",
    ),
    (
        "insurance",
        r"\byour\s+(?:insurance|insurer|coverage|claim|co-?pay|deductible|benefits|medicaid"
        r"|medicare|health\s+plan|policy)\b"
        r"|\b(?:insurance|claim)\s+(?:was|has\s+been|is)\s+(?:denied|declined|rejected|approved"
        r"|processed|pending)\b",
    ),
    (
        "relative",
        r"\byour\s+(?:dad|father|mum|mom|mother|son|daughter|wife|husband|partner|child"
        r"|children|kids?|baby|grandmother|grandfather|grandma|grandpa|gran|nan|parents?"
        r"|brother|sister|aunt|uncle|family\s+member|loved\s+one|relative)\b"
        r"(?=[^.!?\n]{0,60}\b(?:care|stay|treatment|recovery|recover\w*|better|well|doing"
        r"|visit|ward|surgery|looked\s+after|treated|nurses?|team|doctors?|discharge\w*|seen"
        r"|admitted|wait\w*|appointment|operation|results?)\b)",
    ),
]
_COMPILED = [(kind, re.compile(rx, _I)) for kind, rx in _PATTERNS]

_DAY = (
    r"\b(?:(?:on|last|this|that)\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday"
    r"|sunday)s?\b|\byesterday\b|\blast\s+(?:night|week|month|weekend)\b"
    r"|\bthis\s+(?:morning|afternoon)\b|\bearlier\s+(?:today|this\s+week)\b"
    r"|\bthe\s+other\s+day\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov"
    r"|dec)[a-z]*\b"
)
_DAY_RE = re.compile(_DAY, _I)
_SECOND_PERSON = re.compile(r"\byou(?:r|rs|'re|'ve|'d)?\b", _I)
# A sentence about opening hours or how to get in touch names days without tying them to
# anyone's visit ("call us Monday to Friday", "open Saturdays 9-12").
_HOURS_OR_CONTACT = re.compile(
    r"\b(?:open|opening|hours|closed|available|every|weekdays|weekends|daily|am|pm)\b"
    r"|\d{1,2}[:.]\d{2}|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\s*(?:to|-|–|through|thru"
    r"|and)\s*\w+day\b|\b(?:call|ring|phone|reach|contact|email|e-mail|message|write\s+to"
    r"|text)\s+(?:us|our|the)\b",
    _I,
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


@dataclass(frozen=True)
class Disclosure:
    """A phrase that ties the reader to care: `kind` is one of KINDS; offsets into the text."""

    kind: str
    start: int
    end: int
    excerpt: str


def find_disclosures(text: str) -> list[Disclosure]:
    """Phrases in a public reply that confirm the reader is a patient, in text order.

    Never raises; a non-string gives an empty list. One disclosure per overlapping span.
    """
    if not isinstance(text, str) or not text:
        return []
    found: list[Disclosure] = []

    def add(kind: str, start: int, end: int) -> None:
        if any(d.start < end and start < d.end for d in found):
            return
        excerpt = " ".join(text[start:end].split())
        found.append(Disclosure(kind, start, end, excerpt[:60]))

    for kind, rx in _COMPILED:
        for m in rx.finditer(text):
            add(kind, m.start(), m.end())
    for sentence in _SENTENCE.finditer(text):
        words = sentence.group(0)
        if not _SECOND_PERSON.search(words) or _HOURS_OR_CONTACT.search(words):
            continue
        for m in _DAY_RE.finditer(words):
            add("date", sentence.start() + m.start(), sentence.start() + m.end())
    return sorted(found, key=lambda d: d.start)


#: Finding codes of `disclosure_findings`, one per kind of disclosure.
CODES = {f"disclosure_{kind}": f"The reply revealed {what}" for kind, what in KINDS.items()}


def disclosure_findings(text: str, field: str, label: str = "Your reply") -> list[Finding]:
    """One error per phrase that confirms the reader is a patient (code `disclosure_<kind>`).

    The message says what the phrase gives away and what to write instead; `span` marks the
    phrase in the field's text, which the learner's page quotes back to them.
    """
    out = []
    for hit in find_disclosures(text):
        out.append(
            Finding(
                f"disclosure_{hit.kind}",
                field,
                f"{label} tells everyone {KINDS[hit.kind]}. A public reply must never confirm "
                "that someone is a patient or mention their visit, care, dates or insurance: HHS "
                "fined two dental practices for replies that did. Speak of your practice in "
                "general instead, e.g. 'We aim to see everyone on time.'",
                ERROR,
                (hit.start, hit.end),
            )
        )
    return out
