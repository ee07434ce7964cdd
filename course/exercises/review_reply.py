"""The `review_reply` exercise: answer a patient's public review without disclosing anything.

Rules for replying to patients' reviews: a reply must not confirm that the
reviewer is a patient or mention their visit, treatment, dates or insurance (HHS OCR
settlements, 2019 and 2022: V); a safe reply thanks the reviewer, speaks of the practice's
policies in general and offers an offline route (S); Google Business Profile allows 4,096
characters (S). Defensiveness and blame are our teaching rules (U): word-pattern heuristics,
English only.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from . import limits
from .answers import phi_findings, read_text
from .disclosure import CODES as DISCLOSURE_CODES
from .disclosure import disclosure_findings
from .fields import AnswerField, FieldGroup
from .findings import Finding, error, warning
from .links import host_matches

DEFAULT_REVIEW = (
    "Waited over an hour past my appointment time with no explanation, and when I asked how "
    "much longer it would be the receptionist was rude to me. Won't be coming back."
)

DEFAULTS = {
    "review": DEFAULT_REVIEW,
    "reviewer": "Jordan P.",
    "stars": 2,
    "organisation_domain": "example.org",
    "country": "US",
}

CODES = {
    "reply_empty": "No reply",
    "reply_too_long": "The reply was over the platform's length limit",
    "reply_long": "The reply was longer than a public reply should be",
    "reply_no_thanks": "The reply did not thank the reviewer",
    "reply_no_offline_route": "The reply offered no phone number or email to continue offline",
    "reply_contact_not_organisation": "The reply gave an email address outside the organisation",
    "reply_defensive": "The reply argued with or blamed the reviewer",
    "reply_blames_staff": "The reply blamed or disciplined a colleague in public",
    **DISCLOSURE_CODES,
}

_THANKS = re.compile(r"\b(?:thank(?:s|\s+you|ing)?|grateful|appreciate[sd]?)\b", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_DEFENSIVE = re.compile(
    r"\b(?:this|your|the|that)\s+review\s+is\s+(?:false|fake|untrue|a\s+lie|inaccurate|wrong"
    r"|unfair|misleading|dishonest)\b"
    r"|\b(?:false|fake|untrue|inaccurate|misleading|dishonest)\s+(?:review|claims?|accusations?"
    r"|statements?)\b|\b(?:lying|liar|lies)\b"
    r"|\b(?:staff|team|receptionists?|nurses?|doctors?|we|she|he|they)\s+(?:are|is|were|was)"
    r"\s+never\b|\b(?:was|were|is|are)\s+(?:never|not)\s+rude\b"
    r"|\byou\s+(?:were|arrived|came|showed\s+up|turned\s+up)\s+late\b|\byour\s+own\s+fault\b"
    r"|\bnot\s+our\s+(?:fault|problem|responsibility)\b|\bif\s+you\s+had\b"
    r"|\byou\s+should\s+have\b|\byou\s+(?:failed|refused|forgot|neglected)\s+to\b"
    r"|\bcalm\s+down\b|\bwe\s+did\s+nothing\s+wrong\b|\bunreasonable\b|\byou\s+were\s+rude\b"
    r"|\byour\s+(?:attitude|behaviou?r|tone)\b|\bthat'?s\s+(?:just\s+|simply\s+)?not\s+true\b"
    r"|\b(?:remove|delete|take\s+down)\s+(?:this|your)\s+review\b"
    r"|\b(?:legal\s+action|our\s+lawyers?|defamat\w*|libel\w*|sue\s+you)\b",
    re.IGNORECASE,
)
_BLAME_STAFF = re.compile(
    r"\b(?:disciplin\w*|reprimand\w*|written\s+warning|fired|sacked|dismissed|let\s+go"
    r"|suspended|terminated|(?:has|have)\s+been\s+(?:spoken\s+to|dealt\s+with))\b"
    r"|\b(?:she|he|they|the\s+\w+|our\s+\w+)\s+(?:was|is|were)\s+(?:new|having\s+a\s+bad\s+day"
    r"|inexperienced|a\s+temp|agency\s+staff|at\s+fault|to\s+blame|overworked)\b",
    re.IGNORECASE,
)


def _stars(stars: int) -> str:
    return f"Rated {stars} of 5 stars"


def fields(params: dict) -> tuple[AnswerField, ...]:
    """The review, quoted, with one box for the public reply."""
    group = FieldGroup(
        "review",
        "The review to answer",
        quote=params["review"],
        quote_by=params["reviewer"],
        quote_meta=_stars(params["stars"]),
    )
    return (
        AnswerField(
            "reply",
            "Your public reply",
            "textarea",
            "Write it as it would appear under the review, for everyone to read.",
            rows=7,
            group=group,
        ),
    )


def describe(params: dict) -> list[str]:
    """The rules of a safe public reply, as shown before the learner answers."""
    return [
        "Reply in public to the review, in at most "
        f"{limits.GOOGLE_REVIEW_REPLY_MAX:,} characters (Google's limit); a few sentences "
        "read best.",
        "Thank the reviewer for the feedback.",
        "Never confirm that the reviewer is a patient, and never mention a visit, treatment, "
        "date or insurance: HHS fined practices for replies that did.",
        "Offer a way to continue offline: your organisation's phone number, or an email "
        f"address at {params['organisation_domain']}.",
        "Do not argue, deny, or blame or discipline colleagues in public.",
        "Leave out anything that could identify a patient.",
    ]


def _offline_route(text: str, params: dict) -> list[Finding]:
    org = params["organisation_domain"]
    emails = [m.group(1).lower() for m in _EMAIL.finditer(text)]
    out = []
    outside = [d for d in emails if not host_matches(d, org)]
    if outside:
        out.append(
            error(
                "reply_contact_not_organisation",
                "reply",
                f"Give an address at your organisation ({org}), such as "
                f"feedback@{org}, not a personal or outside one.",
            )
        )
    try:
        phones = list(PhoneNumberMatcher(text, params["country"].upper(), leniency=Leniency.VALID))
    except Exception:  # phonenumbers must never break a validator
        phones = []
    if not phones and len(outside) == len(emails):
        country = params["country"].upper()
        example = phonenumbers.example_number(country)
        number = (
            phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
            if example
            else "your main number"
        )
        out.append(
            error(
                "reply_no_offline_route",
                "reply",
                "Offer a way to continue the conversation offline: your organisation's phone "
                f"number or email, e.g. 'Please call our practice manager on {number} or email "
                f"feedback@{org}.'",
            )
        )
    return out


def validate(answer, params: dict) -> list[Finding]:
    """Check a public reply to a review.

    Answer: `{"reply": str}`. Errors: reply_empty, reply_too_long, reply_no_thanks,
    reply_no_offline_route, reply_contact_not_organisation, reply_defensive,
    reply_blames_staff, disclosure_<kind> (disclosure.py), phi_<kind>. Warning: reply_long.
    """
    text, out = read_text(answer, "reply", "Your reply")
    if not text.strip():
        return [*out, error("reply_empty", "reply", "Write your reply to the review first.")]
    length = len(text.strip())
    if length > limits.GOOGLE_REVIEW_REPLY_MAX:
        out.append(
            error(
                "reply_too_long",
                "reply",
                f"Your reply is {length:,} characters; Google allows "
                f"{limits.GOOGLE_REVIEW_REPLY_MAX:,}. A few sentences are enough.",
            )
        )
    elif length > limits.REVIEW_REPLY_ADVISED_MAX:
        out.append(
            warning(
                "reply_long",
                "reply",
                f"Your reply is {length:,} characters. Keep a public reply to a few sentences: "
                "thanks, your general standard, and how to reach you. The rest belongs offline.",
            )
        )
    if not _THANKS.search(text):
        out.append(
            error(
                "reply_no_thanks",
                "reply",
                "Thank the reviewer, e.g. 'Thank you for taking the time to share this.'",
            )
        )
    out += disclosure_findings(text, "reply")
    defensive = _DEFENSIVE.search(text)
    if defensive:
        out.append(
            error(
                "reply_defensive",
                "reply",
                f"'{' '.join(defensive.group(0).split())}' argues with the reviewer. Arguing in "
                "public never wins, and explaining what happened would disclose it. Acknowledge "
                "the feedback and invite them to talk offline.",
            )
        )
    blame = _BLAME_STAFF.search(text)
    if blame:
        out.append(
            error(
                "reply_blames_staff",
                "reply",
                f"'{' '.join(blame.group(0).split())}' blames or disciplines a colleague in "
                "public. Staff matters stay inside the organisation; say that you take the "
                "feedback seriously.",
            )
        )
    out += _offline_route(text, params)
    out += phi_findings(
        text,
        "reply",
        "your reply",
        region=params["country"],
        organisation_domain=params["organisation_domain"],
    )
    return out
