"""The `crisis_update` exercise: what happened, where, what to do, and an official source.

The what/where/what-to-do checks are word-list heuristics: they look for the kind of words
such an update needs, not for truth. Each missing element gets an example to copy.
"""

from __future__ import annotations

import re

from .answers import phi_findings, read_text
from .findings import Finding, error
from .links import OFFICIAL_DOMAINS, find_links, is_official
from .phi import STREET_ADDRESS_RE
from .post import check_length

DEFAULTS = {
    "platform": "x",
    "organisation_domain": "example.org",
    "official_domains": list(OFFICIAL_DOMAINS),
}

_WHAT = re.compile(
    r"\b(?:clos(?:ed|ing|ure|es)|shut|outage|power\s+cut|blackout|fire|flood\w*|evacuat\w*"
    r"|shortage|outbreak|delay\w*|divert\w*|cancel\w*|suspend\w*|postpone\w*|storm|hurricane"
    r"|tornado|earthquake|snow|ice|heat\s*wave|leak|spill|contaminat\w*|lockdown|incident"
    r"|emergency|accident|crash|explosion|threat|cyber\s*attack|it\s+(?:outage|failure)|down"
    r"|unavailable|out\s+of\s+service|recall\w*|boil\s+water|alert|warning|strike|disrupt\w*"
    r"|reopen\w*|relocat\w*|moved|no\s+(?:power|water|heating))\b",
    re.IGNORECASE,
)
_WHERE = re.compile(
    r"\b(?:hospital|clinic|emergency\s+department|ED|ER|A&E|ward|wing|building|campus|entrance"
    r"|car\s+park|parking|pharmacy|lab|laboratory|unit|centre|center|department|site|office"
    r"|surgery|practice|street|st|road|rd|avenue|ave|lane|boulevard|highway|downtown|county"
    r"|city|town|district|neighbou?rhood|area|floor|level|room|north|south|east|west|main)\b",
    re.IGNORECASE,
)
_ACTION = re.compile(
    r"\b(?:go\s+to|call|use|avoid|visit|stay|do\s+not|don'?t|please|check|follow|bring|keep"
    r"|contact|head\s+to|come\s+to|wait|book|reschedule|boil|evacuate|leave|take|find|see"
    r"|read|dial|text|expect|plan|allow|seek|remain|get|ring|attend)\b",
    re.IGNORECASE,
)


def describe(params: dict) -> list[str]:
    """The rules of a crisis update: what, where, what to do, an official source, no PHI."""
    return [
        "Write one update that says what happened (e.g. 'The emergency department is closed').",
        "Say where (e.g. 'at our Main Street hospital').",
        "Say what people should do (e.g. 'Go to St Mary's ER on 5th Avenue or call 911').",
        "Link an official source: a health authority or your organisation's site "
        f"({params['organisation_domain']}).",
        "Keep it within the platform's limit and leave out anything that identifies a patient.",
    ]


def validate(answer, params: dict) -> list[Finding]:
    """Findings for a crisis update: `answer` is {"text": the update}; `params` DEFAULTS merged.

    Errors: post_empty, post_too_long / post_invalid_character (the platform's limits, as for
    a post), crisis_what_missing, crisis_where_missing, crisis_action_missing (word-list
    heuristics: they look for the kind of words an update needs, not for truth),
    official_source_missing (a link to the organisation's domain or one of
    `official_domains`), field_invalid / field_too_long_to_check, and phi_<kind>.
    """
    text, out = read_text(answer, "text", "Your update")
    if not text.strip():
        return [*out, error("post_empty", "text", "Your update is empty. Write the update first.")]
    out += check_length(text, "text", params["platform"], "Your update")
    if not _WHAT.search(text):
        out.append(
            error(
                "crisis_what_missing",
                "text",
                "Say what happened, e.g. 'Our emergency department is closed because of a "
                "power outage.'",
            )
        )
    if not (_WHERE.search(text) or STREET_ADDRESS_RE.search(text)):
        out.append(
            error(
                "crisis_where_missing",
                "text",
                "Say where it is happening, e.g. 'at our Main Street hospital' or "
                "'in the north wing'.",
            )
        )
    if not _ACTION.search(text):
        out.append(
            error(
                "crisis_action_missing",
                "text",
                "Tell people what to do, e.g. 'Go to St Mary's ER on 5th Avenue or call 911 "
                "in an emergency.'",
            )
        )
    org = params["organisation_domain"]
    if not any(is_official(lk.host, org, params["official_domains"]) for lk in find_links(text)):
        out.append(
            error(
                "official_source_missing",
                "text",
                f"Link an official source people can trust for updates, e.g. https://{org}/updates "
                "or your health authority's page.",
            )
        )
    out += phi_findings(text, "text", "your update", organisation_domain=org)
    return out
