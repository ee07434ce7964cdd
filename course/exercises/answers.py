"""Reading learner answers defensively, and turning PHI hits into findings.

Answers come straight from a web form or an import: any field may be missing, None, bytes,
a number or megabytes long. Validators read them only through these helpers, which never
raise and report what they could not use.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from . import limits
from .fields import path_steps
from .findings import ERROR, Finding, FindingRecord, error
from .phi import find_phi, message_for
from .text import without_lone_surrogates


def read_text(answer, name: str, label: str) -> tuple[str, list[Finding]]:
    """The text of field `name` ("" when missing), plus findings about an unusable value."""
    value = answer.get(name) if isinstance(answer, Mapping) else None
    if value is None:
        return "", []
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return "", [error("field_invalid", name, f"{label} must be text. Type it in again.")]
    value = without_lone_surrogates(value)
    if len(value) > limits.ANSWER_MAX_CHARS:
        return value[: limits.ANSWER_MAX_CHARS], [
            error(
                "field_too_long_to_check",
                name,
                f"{label} is far too long to check ({len(value):,} characters). "
                "Shorten it to what the task asks for.",
            )
        ]
    return value, []


_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def read_posts(answer, name: str = "posts") -> tuple[list[str], list[Finding]]:
    """A list of posts: a list of strings, or one string split on blank lines."""
    value = answer.get(name) if isinstance(answer, Mapping) else None
    if value is None:
        return [], []
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, str):
        value = value[: limits.ANSWER_MAX_CHARS]
        return [p.strip() for p in _BLANK_LINES.split(value.strip()) if p.strip()], []
    if not isinstance(value, list | tuple):
        return [], [error("field_invalid", name, "The posts must be text. Type them in again.")]
    posts, findings = [], []
    for i, item in enumerate(value[:100]):
        text, problems = read_text({name: item}, name, f"Post {i + 1}")
        posts.append(text)
        findings += [Finding(f.code, f"{name}[{i}]", f.message, f.severity) for f in problems]
    return posts, findings


def phi_findings(
    text: str, field: str, label: str, *, region: str = "US", organisation_domain: str = ""
) -> list[Finding]:
    """One finding per PHI hit, code `phi_<kind>`, saying what kind of identifier and where.

    The message never repeats what leaked; the finding's span points to it in `text` (the
    field's text as read by `read_text` or `read_posts`), so only the learner's own page shows
    it (`quote_for_learner`).
    """
    out = []
    for hit in find_phi(text, region=region, organisation_domain=organisation_domain):
        out.append(
            Finding(
                f"phi_{hit.kind}",
                field,
                f"In {label}: {hit.message[:1].lower()}{hit.message[1:]}",
                hit.severity,
                span=(hit.start, hit.end),
            )
        )
    return out


def field_text(answer, field: str | None) -> str:
    """The text at a field path of an answer, as the validators read it.

    `posts[2]` is the third post (of a list, or of one text split at blank lines, as
    `read_posts` splits it); `mentions[1].reply` the reply of the second mention.
    """
    steps = path_steps(field) if field else []
    value = answer
    for position, step in enumerate(steps):
        if isinstance(step, int):
            if isinstance(value, str | bytes | bytearray) and position == len(steps) - 1:
                posts, _ = read_posts({"posts": value})
                value = posts[step] if step < len(posts) else None
            elif isinstance(value, list | tuple) and step < len(value):
                value = value[step]
            else:
                return ""
        elif isinstance(value, Mapping):
            value = value.get(step)
        else:
            return ""
    return read_text({"value": value}, "value", "")[0]


def quote_for_learner(finding: FindingRecord, answer) -> str:
    """What a stored finding points to in the learner's own answer, or "" (for their page only).

    Managers and trainers read `message_for_others` instead.
    """
    start, end = finding.get("start"), finding.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
        return ""
    found = " ".join(field_text(answer, finding.get("field"))[start:end].split())
    return found if len(found) <= 80 else found[:77] + "..."


def message_for_others(finding: FindingRecord) -> str:
    """A stored finding's message as anyone but the learner may read it.

    A patient-information finding is worded from its code alone, so what leaked is never
    repeated, including in findings stored before messages stopped quoting it.
    """
    code = str(finding.get("code") or "")
    if code.startswith("phi_"):
        return message_for(code[4:], str(finding.get("severity") or ERROR))
    return str(finding.get("message") or "")
