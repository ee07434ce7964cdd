"""The `live_thread` exercise: a short numbered thread from a procedure or event."""

from __future__ import annotations

import re

from . import limits
from .answers import phi_findings, read_posts, read_text
from .findings import Finding, error
from .post import check_length

DEFAULTS = {
    "platform": "x",
    "min_posts": limits.THREAD_MIN_POSTS,
    "max_posts": limits.THREAD_MAX_POSTS,
}

# "1/5", "1/", "(1)", "1." or "[1]" at the start or end of a post.
_NUMBER_PATTERNS = (
    re.compile(r"^\W{0,3}?(\d{1,2})\s*/\s*(\d{1,2})?(?!\d)"),
    re.compile(r"(?<!\d)(\d{1,2})\s*/\s*(\d{1,2})?\W{0,3}$"),
    re.compile(r"^\(?\[?(\d{1,2})[)\].](?!\d)()"),
    re.compile(r"[(\[](\d{1,2})[)\]]()\W{0,3}$"),
)
_THREAD_EMOJI = "\U0001f9f5"


def _number(post: str) -> tuple[int, int | None] | None:
    post = post.strip()
    for rx in _NUMBER_PATTERNS:
        m = rx.search(post)
        if m:
            return int(m.group(1)), int(m.group(2)) if m.group(2) else None
    return None


def describe(params: dict) -> list[str]:
    """The rules of a live thread: how many posts, each within the limit, numbered, no PHI."""
    return [
        f"Write {params['min_posts']} to {params['max_posts']} posts, one per box or separated "
        "by a blank line.",
        f"Keep each post within {limits.POST_MAX_LENGTH[params['platform']]:,} characters.",
        "Number the posts (1/5, 2/5, ...) or mark the thread with 🧵, so readers can follow it.",
        "Leave out anything that could identify a patient, in every post.",
    ]


def _numbering(posts: list[str]) -> list[Finding]:
    numbers = [_number(p) for p in posts]
    if all(n is None for n in numbers):
        if _THREAD_EMOJI in posts[0]:
            return []
        return [
            error(
                "thread_not_numbered",
                "posts",
                "Number your posts (e.g. '1/4' at the start of each) or start the first one "
                "with 🧵, so readers see it is a thread.",
            )
        ]
    out = []
    totals = {n[1] for n in numbers if n and n[1] is not None}
    for i, n in enumerate(numbers):
        if n is None or n[0] != i + 1:
            out.append(
                error(
                    "thread_numbering_inconsistent",
                    f"posts[{i}]",
                    f"Post {i + 1} should be numbered {i + 1} like the others "
                    f"(e.g. '{i + 1}/{len(posts)}').",
                )
            )
    if totals and totals != {len(posts)}:
        out.append(
            error(
                "thread_total_wrong",
                "posts",
                f"Your numbering gives a total of {', '.join(map(str, sorted(totals)))}, but the "
                f"thread has {len(posts)} posts; make them match.",
            )
        )
    return out


def validate(answer, params: dict) -> list[Finding]:
    """Findings for a thread: `answer` has "posts" and "threaded" ("yes" or "no").

    "posts" is a list of texts, or one text split at blank lines; a finding about one post
    has the field "posts[i]". Errors: thread_too_short, thread_too_long, post_empty,
    post_too_long / post_invalid_character (per post, the platform's limit),
    thread_not_numbered, thread_numbering_inconsistent, thread_total_wrong (skipped when the
    learner says the posts are replies in one thread), field_invalid, and phi_<kind> per post.
    """
    posts, out = read_posts(answer)
    flag, _ = read_text(answer, "threaded", "Threaded")
    lo, hi = params["min_posts"], params["max_posts"]
    non_empty = [p for p in posts if p.strip()]
    if len(posts) < lo:
        out.append(
            error(
                "thread_too_short",
                "posts",
                f"Your thread has {len(posts)} posts; write at least {lo}.",
            )
        )
    elif len(posts) > hi:
        out.append(
            error(
                "thread_too_long", "posts", f"Your thread has {len(posts)} posts; keep it to {hi}."
            )
        )
    for i, post in enumerate(posts):
        field = f"posts[{i}]"
        if not post.strip():
            out.append(error("post_empty", field, f"Post {i + 1} is empty; write it or remove it."))
            continue
        out += check_length(post, field, params["platform"], f"Post {i + 1}")
        out += phi_findings(post, field, f"post {i + 1}")
    if non_empty and flag.strip().lower() not in ("yes", "true", "1", "on"):
        out += _numbering(posts)
    return out
