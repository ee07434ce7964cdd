"""The `monitoring_triage` exercise: decide what to do with each mention in a feed.

Monitoring means reading what people say about the organisation and acting on each mention
the right way. The feed is a fixed set of mentions written for the exercise (MENTIONS; a
trainer chooses which, in which order). For each the learner picks one of ACTIONS and may write
a short public reply, which is checked as a post for the platform (length, hashtags), for
patient information, and for phrases that confirm someone is a patient (disclosure.py). Which
actions fit each mention is our teaching content (U), each with the reason shown when the
learner picks another.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from . import limits
from .answers import phi_findings, read_text
from .choices import ACTION_LABELS, ACTIONS, MENTIONS, Mention
from .disclosure import CODES as DISCLOSURE_CODES
from .disclosure import disclosure_findings
from .fields import AnswerField, FieldGroup
from .findings import Finding, error, warning
from .links import OFFICIAL_DOMAINS, find_links, is_official
from .post import check_hashtag_form, check_length

#: Actions whose reply is published: it must be written.
_NEEDS_REPLY = {"reply_public", "correct"}
#: Actions after which nothing is posted in public.
_NO_REPLY = {"escalate", "none"}

DEFAULTS = {
    "organisation_name": "Riverside Health",
    "organisation_domain": "example.org",
    "platform": "x",
    "mentions": list(MENTIONS),
}

CODES = {
    "triage_action_missing": "No action chosen for a mention",
    "triage_wrong_action": "An action that does not fit the mention",
    "triage_reply_missing": "No reply where the action publishes one",
    "triage_reply_unneeded": "A reply written for an action that posts nothing",
    "triage_source_missing": "A correction without a link to an official source",
    **DISCLOSURE_CODES,
}


def handle(name: str) -> str:
    """The organisation's handle made from its name: "Riverside Health" -> RiversideHealth."""
    words = "".join(w[:1].upper() + w[1:] for w in name.split())
    return re.sub(r"[^A-Za-z0-9_]", "", words) or "OurHospital"


def mention_text(mention: Mention, params: dict) -> str:
    """The mention as the feed shows it, with the organisation's handle filled in."""
    return mention.text.replace("{handle}", handle(params["organisation_name"]))


def _mentions(params: dict) -> list[Mention]:
    return [MENTIONS[key] for key in params["mentions"]]


def fields(params: dict) -> tuple[AnswerField, ...]:
    """One group per mention: the mention quoted, an action to choose, a reply box."""
    mentions = _mentions(params)
    platform = limits.PLATFORM_LABELS[params["platform"]]
    out = []
    for i, mention in enumerate(mentions):
        group = FieldGroup(
            f"mentions[{i}]",
            f"Mention {i + 1} of {len(mentions)}",
            quote=mention_text(mention, params),
            quote_by=mention.author,
            quote_meta=f"on {platform}",
            columns=True,
            about=mention.about,
        )
        out += [
            AnswerField(
                f"mentions[{i}].action", "What do you do?", "radio", "", ACTIONS, group=group
            ),
            AnswerField(
                f"mentions[{i}].reply",
                "Your public reply, if any",
                "textarea",
                "To reply or correct; optional when you go private.",
                rows=3,
                group=group,
            ),
        ]
    return tuple(out)


def describe(params: dict) -> list[str]:
    """The task's rules, as shown before the learner answers."""
    limit = limits.POST_MAX_LENGTH[params["platform"]]
    return [
        f"For each of the {len(params['mentions'])} mentions of "
        f"{params['organisation_name']}, choose what to do: "
        + "; ".join(label.lower() for _, label in ACTIONS)
        + ".",
        "A public reply or a correction needs its text. A correction links an official "
        f"source: a health authority or your site ({params['organisation_domain']}).",
        f"Each reply is checked as a post for {limits.PLATFORM_LABELS[params['platform']]} "
        f"(at most {limit:,} characters).",
        "A public reply never confirms that someone is a patient, never mentions their visit "
        "or care, and never contains patient information.",
    ]


def _item(answer, index: int) -> Mapping:
    items = answer.get("mentions") if isinstance(answer, Mapping) else None
    if not isinstance(items, list | tuple) or index >= len(items):
        return {}
    item = items[index]
    return item if isinstance(item, Mapping) else {}


def _at(findings: list[Finding], field: str) -> list[Finding]:
    return [replace(f, field=field) for f in findings]


def _reply(text: str, action: str, field: str, params: dict) -> list[Finding]:
    org = params["organisation_domain"]
    if not text.strip():
        if action in _NEEDS_REPLY:
            return [
                error(
                    "triage_reply_missing",
                    field,
                    "Write the reply you would post: "
                    + (
                        "a short answer to the question."
                        if action == "reply_public"
                        else "the facts, with a link to your official update page."
                    ),
                )
            ]
        return []
    if action in _NO_REPLY:
        # Nothing is posted, but patient details typed anywhere are still pointed out.
        return [
            warning(
                "triage_reply_unneeded",
                field,
                f"You chose '{ACTION_LABELS[action].lower()}', so nothing is posted: leave the "
                "reply empty. A public reply here would draw attention to the post.",
            ),
            *phi_findings(text, field, "your reply", organisation_domain=org),
        ]
    out = check_length(text, field, params["platform"], "Your reply")
    out += check_hashtag_form(text, field)
    if action == "correct" and not any(
        is_official(link.host, org, OFFICIAL_DOMAINS) for link in find_links(text)
    ):
        out.append(
            error(
                "triage_source_missing",
                field,
                f"Link your official update page (e.g. https://{org}/updates) or a health "
                "authority, so people can check the facts for themselves.",
            )
        )
    out += disclosure_findings(text, field)
    out += phi_findings(text, field, "your reply", organisation_domain=org)
    return out


def validate(answer, params: dict) -> list[Finding]:
    """Check the action and reply chosen for each mention of the feed.

    Answer: `{"mentions": [{"action": str, "reply": str}, ...]}`, one item per mention of
    `params["mentions"]`, in order; actions are ACTIONS values. Findings point at
    `mentions[i].action` or `mentions[i].reply`. Errors: triage_action_missing,
    triage_wrong_action, triage_reply_missing, triage_source_missing, the length and hashtag
    codes of post.py, disclosure_<kind>, phi_<kind>. Warning: triage_reply_unneeded.
    """
    out: list[Finding] = []
    for i, mention in enumerate(_mentions(params)):
        item = _item(answer, i)
        action_field, reply_field = f"mentions[{i}].action", f"mentions[{i}].reply"
        action, problems = read_text(item, "action", "The action")
        out += _at(problems, action_field)
        reply, problems = read_text(item, "reply", "Your reply")
        out += _at(problems, reply_field)
        action = action.strip()
        if action not in ACTION_LABELS:
            out.append(
                error("triage_action_missing", action_field, "Choose what to do with this one.")
            )
            continue
        if action not in mention.accepted:
            out.append(
                error(
                    "triage_wrong_action",
                    action_field,
                    f"'{ACTION_LABELS[action]}' does not fit here. {mention.why}",
                )
            )
        out += _reply(reply, action, reply_field, params)
    return out
