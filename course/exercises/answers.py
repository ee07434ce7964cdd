"""Reading learner answers defensively, and turning PHI hits into findings.

Answers come straight from a web form or an import: any field may be missing, None, bytes,
a number or megabytes long. Validators read them only through these helpers, which never
raise and report what they could not use.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from . import limits
from .findings import Finding, error
from .phi import find_phi
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
    """One finding per PHI hit, code `phi_<kind>`, naming what leaked and where."""
    out = []
    for hit in find_phi(text, region=region, organisation_domain=organisation_domain):
        out.append(Finding(f"phi_{hit.kind}", field, f"In {label}: {hit.message}", hit.severity))
    return out
