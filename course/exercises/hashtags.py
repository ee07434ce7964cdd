"""Hashtags exactly as X parses them.

Written from twitter-text's rules (its `validHashtag` regex and `extractHashtagsWithIndices`): a
hashtag starts with `#` or full-width `＃`; the character before it is the start of the text,
U+FE0E/U+FE0F, or a character that is neither hashtag-alphanumeric nor `&`; the body is the
longest run of Unicode letters, marks, decimal digits, `_` and a few joiners, and must contain a
letter or mark; it is dropped when followed by `#` or `://`, when the sign is followed by U+FE0F
or U+20E3 (a keycap), or when it overlaps a URL.

Python's `re` has no Unicode property classes, so this is a small scanner over
`unicodedata` categories that reproduces the regex's left-to-right, non-overlapping search.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .links import find_links

HASH_SIGNS = "#\uff03"
# twitter-text's hashtagSpecialChars: count as part of a hashtag, but are not letters.
_SPECIAL = frozenset(
    "_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7"
)
_VARIATION_SELECTORS = "\ufe0e\ufe0f"
_BLOCKED_AFTER_SIGN = "\ufe0f\u20e3"


@dataclass(frozen=True)
class Hashtag:
    """A hashtag found in a text: `tag` without the sign; `start`/`end` span the sign too."""

    tag: str
    start: int
    end: int


def is_hashtag_letter(ch: str) -> bool:
    """True for a character that makes a hashtag a hashtag: a Unicode letter or mark."""
    return unicodedata.category(ch)[0] in "LM"


def is_hashtag_char(ch: str) -> bool:
    """True for a character a hashtag's body may hold: letters, marks, digits, `_`, joiners."""
    if ch in _SPECIAL:
        return True
    cat = unicodedata.category(ch)
    return cat[0] in "LM" or cat == "Nd"


def _run_end(text: str, i: int) -> int:
    n = len(text)
    while i < n and is_hashtag_char(text[i]):
        i += 1
    return i


def _raw_hashtags(text: str) -> list[Hashtag]:
    """The regex pass: candidates before the URL-overlap check."""
    found: list[Hashtag] = []
    pos = 0  # where the regex's next search starts (matches consume the "before" char)
    n = len(text)
    p = 0
    while p < n:
        if text[p] not in HASH_SIGNS:
            p += 1
            continue
        if p > 0:
            before = text[p - 1]
            if p - 1 < pos:
                p += 1
                continue
            if before not in _VARIATION_SELECTORS and (before == "&" or is_hashtag_char(before)):
                p += 1
                continue
        if p + 1 < n and text[p + 1] in _BLOCKED_AFTER_SIGN:
            p += 1
            continue
        end = _run_end(text, p + 1)
        body = text[p + 1 : end]
        if not any(is_hashtag_letter(ch) for ch in body):
            p += 1
            continue
        pos = end
        # twitter-text's endHashtagMatch: a hashtag followed by a sign or "://" is dropped.
        if not text.startswith(("#", "\uff03", "://"), end):
            found.append(Hashtag(body, p, end))
        p = end
    return found


def find_hashtags(text: str) -> list[Hashtag]:
    """Hashtags with their code point offsets, in order, as X extracts them."""
    if not isinstance(text, str) or not any(s in text for s in HASH_SIGNS):
        return []
    tags = _raw_hashtags(text)
    if not tags:
        return []
    links = find_links(text)
    if not links:
        return tags
    # twitter-text's removeOverlappingEntities: sort by start (hashtags first on a tie) and
    # drop any entity that starts before the previous kept one ends.
    entities = sorted(
        [(t.start, 0, t.end, t) for t in tags] + [(u.start, 1, u.end, None) for u in links],
        key=lambda e: (e[0], e[1]),
    )
    kept = []
    prev_end = -1
    for start, _, end, tag in entities:
        if start < prev_end:
            continue
        prev_end = end
        if tag is not None:
            kept.append(tag)
    return kept


def extract_hashtags(text: str) -> list[str]:
    """The hashtags in a post, in order, without the sign, exactly as X parses them.

    `#covid-19` gives `covid`; `#2024`, `#_` and `a#b` give nothing; `＃タグ` gives `タグ`.
    Anything that is not a string gives an empty list.
    """
    return [t.tag for t in find_hashtags(text)]


def is_valid_hashtag(hashtag: str) -> bool:
    """True when `hashtag` (with its sign) is exactly one hashtag.

    As twitter-text's `isValidHashtag`.
    """
    if not isinstance(hashtag, str) or not hashtag:
        return False
    tags = extract_hashtags(hashtag)
    return len(tags) == 1 and tags[0] == hashtag[1:]


# Characters that silently end a hashtag although the writer meant to go on ("#flu-shot").
_JOINERS = "-\u2010\u2011&+/"


@dataclass(frozen=True)
class HashtagProblem:
    """A would-be hashtag X will not read as the writer meant.

    `code`: hashtag_space ("# flu"), hashtag_truncated ("#flu-shot" read as "#flu"),
    hashtag_no_letter ("#2024"), hashtag_in_word ("flu#shot").
    """

    code: str
    written: str
    read_as: str
    suggestion: str
    start: int


def _camel(parts: list[str]) -> str:
    return "".join(p[:1].upper() + p[1:] for p in parts if p)


def hashtag_problems(text: str) -> list[HashtagProblem]:
    """Would-be hashtags that X reads differently from what the writer meant, in order."""
    if not isinstance(text, str) or not any(s in text for s in HASH_SIGNS):
        return []
    tags = {t.start: t for t in find_hashtags(text)}
    links = find_links(text)
    problems = []
    n = len(text)
    for p, ch in enumerate(text):
        if ch not in HASH_SIGNS or any(u.start <= p < u.end for u in links):
            continue
        tag = tags.get(p)
        if tag is not None:
            end = tag.end
            if end + 1 < n and text[end] in _JOINERS and is_hashtag_char(text[end + 1]):
                stop = end
                while stop < n and (is_hashtag_char(text[stop]) or text[stop] in _JOINERS):
                    stop += 1
                written = text[p + 1 : stop].rstrip(_JOINERS)
                parts = re.split(f"[{re.escape(_JOINERS)}]", written)
                problems.append(
                    HashtagProblem("hashtag_truncated", written, tag.tag, _camel(parts), p)
                )
            continue
        nxt = text[p + 1] if p + 1 < n else ""
        if nxt in (" ", "\t", "\u00a0", "\u3000") and p + 2 < n and is_hashtag_letter(text[p + 2]):
            word_end = _run_end(text, p + 2)
            word = text[p + 2 : word_end]
            problems.append(HashtagProblem("hashtag_space", "# " + word, "", word, p))
        elif nxt and is_hashtag_char(nxt):
            run_end = _run_end(text, p + 1)
            body = text[p + 1 : run_end]
            before_ok = p == 0 or not (text[p - 1] == "&" or is_hashtag_char(text[p - 1]))
            if not any(is_hashtag_letter(c) for c in body):
                problems.append(HashtagProblem("hashtag_no_letter", body, "", "", p))
            elif not before_ok:
                problems.append(HashtagProblem("hashtag_in_word", body, "", body, p))
    return problems
