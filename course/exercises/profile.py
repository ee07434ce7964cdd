"""The `profile` exercise: a LinkedIn headline and About section for a clinician."""

from __future__ import annotations

import re

from . import limits
from .answers import phi_findings, read_text
from .findings import Finding, error, warning

DEFAULTS = {"require_role": True, "require_specialty": True}

_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def describe(params: dict) -> list[str]:
    """The rules of a LinkedIn profile: headline and About limits, role and specialty, no PHI."""
    rules = [
        f"Write a headline of at most {limits.LINKEDIN_HEADLINE_MAX} characters.",
        f"Write an About section of at most {limits.LINKEDIN_ABOUT_MAX:,} characters and at "
        f"least {limits.LINKEDIN_ABOUT_MIN_SENTENCES} sentences; only the first "
        f"{limits.LINKEDIN_ABOUT_PREVIEW_MIN}-{limits.LINKEDIN_ABOUT_PREVIEW_MAX} show before "
        "'see more', so start with what matters.",
    ]
    if params["require_role"]:
        rules.append("Give your role and mention it in the headline.")
    if params["require_specialty"]:
        rules.append("Give your specialty and mention it in the headline.")
    rules.append("Never mention patients in a way that could identify them.")
    return rules


def validate(answer, params: dict) -> list[Finding]:
    """Findings for a profile: `answer` has "headline", "about", "role" and "specialty".

    Errors: headline_empty, headline_too_long, about_too_long, about_too_short (fewer than
    LINKEDIN_ABOUT_MIN_SENTENCES sentences, our teaching rule), role_missing /
    specialty_missing and role_not_in_headline / specialty_not_in_headline (when the settings
    require them), field_invalid / field_too_long_to_check, and phi_<kind> in any field.
    Warnings: about_preview (the About text runs past what shows before "see more").
    Limits: LinkedIn's, from secondary sources only (all S).
    """
    headline, out = read_text(answer, "headline", "Your headline")
    about, more = read_text(answer, "about", "Your About section")
    role, more2 = read_text(answer, "role", "Your role")
    specialty, more3 = read_text(answer, "specialty", "Your specialty")
    out += more + more2 + more3
    headline_s = headline.strip()
    if not headline_s:
        out.append(error("headline_empty", "headline", "Write a headline, e.g. 'ICU Nurse'."))
    elif len(headline_s) > limits.LINKEDIN_HEADLINE_MAX:
        out.append(
            error(
                "headline_too_long",
                "headline",
                f"Your headline is {len(headline_s)} characters; LinkedIn allows "
                f"{limits.LINKEDIN_HEADLINE_MAX}. Shorten it.",
            )
        )
    about_s = about.strip()
    if len(about_s) > limits.LINKEDIN_ABOUT_MAX:
        out.append(
            error(
                "about_too_long",
                "about",
                f"Your About section is {len(about_s):,} characters; LinkedIn allows "
                f"{limits.LINKEDIN_ABOUT_MAX:,}. Shorten it.",
            )
        )
    elif len(about_s) > limits.LINKEDIN_ABOUT_PREVIEW_WARN:
        out.append(
            warning(
                "about_preview",
                "about",
                f"Only the first {limits.LINKEDIN_ABOUT_PREVIEW_MIN}-"
                f"{limits.LINKEDIN_ABOUT_PREVIEW_MAX} characters show before 'see more': put "
                "who you are and what you do in the opening sentence.",
            )
        )
    sentences = len(_SENTENCE_END.findall(about_s + " ")) if about_s else 0
    if sentences < limits.LINKEDIN_ABOUT_MIN_SENTENCES:
        out.append(
            error(
                "about_too_short",
                "about",
                f"Write at least {limits.LINKEDIN_ABOUT_MIN_SENTENCES} sentences in your About "
                "section: what you do, and what you care about in your work.",
            )
        )
    for name, value, label, example, required in (
        ("role", role, "role", "Registered Nurse", params["require_role"]),
        ("specialty", specialty, "specialty", "Cardiology", params["require_specialty"]),
    ):
        if not required:
            continue
        if not value.strip():
            out.append(error(f"{name}_missing", name, f"Give your {label}, e.g. '{example}'."))
        elif headline_s and value.strip().casefold() not in headline.casefold():
            out.append(
                error(
                    f"{name}_not_in_headline",
                    "headline",
                    f"Mention your {label} ('{value.strip()}') in your headline so people "
                    "find you when they search for it.",
                )
            )
    for field, text, label in (
        ("headline", headline, "your headline"),
        ("about", about, "your About section"),
        ("role", role, "your role"),
        ("specialty", specialty, "your specialty"),
    ):
        out += phi_findings(text, field, label)
    return out
