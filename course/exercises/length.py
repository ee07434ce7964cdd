"""Post length as each platform counts it.

X counts a whole emoji sequence (a ZWJ sequence, a skin tone, a flag, a keycap) as 2. The
pinned twitter-text parser's emoji list predates Unicode emoji 12.1, so its count of a newer
sequence is its code points' (5 for the health worker 🧑‍⚕️). The sequences therefore come from
the `emoji` package's data (kept current with each Unicode emoji release: its EMOJI_DATA lists
every sequence of emoji-test.txt with its status and emoji version): each is replaced by one
emoji twitter-text knows before it counts.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import emoji
from twitter_text import parse_tweet

from . import limits
from .text import without_lone_surrogates


def _x_options(version: int = 3) -> dict:
    return {
        "max_weighted_tweet_length": limits.X_MAX_WEIGHTED_LENGTH,
        "scale": limits.X_WEIGHT_SCALE,
        "default_weight": limits.X_DEFAULT_WEIGHT,
        "emoji_parsing_enabled": version >= 3 and limits.X_EMOJI_WEIGHT_AS_ONE_SEQUENCE,
        "transformed_url_length": limits.X_URL_WEIGHT,
        "ranges": [{"start": a, "end": b, "weight": w} for a, b, w in limits.X_LIGHT_RANGES],
    }


# An emoji every twitter-text version counts as one emoji of weight 2 (U+1F600).
_ONE_EMOJI = "\U0001f600"


@cache
def _emoji_sequences() -> tuple[frozenset[str], frozenset[str], frozenset[str], int]:
    """Every emoji sequence of two or more code points, with facts that make the scan fast.

    Returns the sequences, their first and their second code points, and the longest one's
    length. Fully-qualified, minimally-qualified and unqualified forms alike: X's parser (like
    twemoji, which it follows) takes U+FE0F as optional, so a sequence typed without it still
    shows as one emoji.
    """
    sequences = frozenset(e for e in emoji.EMOJI_DATA if len(e) > 1)
    return (
        sequences,
        frozenset(e[0] for e in sequences),
        frozenset(e[1] for e in sequences),
        max(len(e) for e in sequences),
    )


def _one_per_emoji_sequence(text: str) -> str:
    """`text` with each emoji sequence (longest first) replaced by one emoji of weight 2."""
    sequences, first, second, longest = _emoji_sequences()
    if second.isdisjoint(text):
        return text
    out = []
    i, n = 0, len(text)
    while i < n:
        if text[i] in first:
            for size in range(min(longest, n - i), 1, -1):
                if text[i : i + size] in sequences:
                    out.append(_ONE_EMOJI)
                    i += size
                    break
            else:
                out.append(text[i])
                i += 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def x_counter_config() -> dict:
    """The options of `parse_x`, named as twitter-text's JavaScript `parseTweet` names them.

    A live counter in the browser passes them to the vendored twitter-text, so it counts as
    this module does.
    """
    options = _x_options()
    return {
        "version": 3,
        "maxWeightedTweetLength": options["max_weighted_tweet_length"],
        "scale": options["scale"],
        "defaultWeight": options["default_weight"],
        "emojiParsingEnabled": options["emoji_parsing_enabled"],
        "transformedURLLength": options["transformed_url_length"],
        "ranges": options["ranges"],
        # parse_x first rewrites each emoji sequence as one emoji; the counter does the same.
        "oneEmojiPerSequence": limits.X_EMOJI_WEIGHT_AS_ONE_SEQUENCE,
    }


def parse_x(text: str, version: int = 3):
    """twitter-text's parse result (weightedLength, valid, ...) with our limits.

    With `version=3` (X's configuration today) every emoji sequence of current Unicode weighs
    2 (see the module's docstring); `version=2` turns off emoji-sequence weighting, as X's
    conformance suite does for its `WeightedTweetsCounterTest` section. Only the counts of the
    result are meaningful: with version 3 its offsets are those of the rewritten text.
    """
    text = without_lone_surrogates(text)
    if version >= 3 and limits.X_EMOJI_WEIGHT_AS_ONE_SEQUENCE:
        text = _one_per_emoji_sequence(unicodedata.normalize("NFC", text))
    return parse_tweet(text, _x_options(version))


def _check_platform(platform: str) -> None:
    if platform not in limits.POST_MAX_LENGTH:
        raise ValueError(f"unknown platform {platform!r}; expected one of {limits.PLATFORMS}")


def post_length(text: str, platform: str = "x") -> int:
    """The length the platform counts for `text`.

    X: twitter-text's weighted length (NFC first; each URL 23; CJK and emoji weigh 2).
    LinkedIn and Facebook: Unicode code points after NFC. Raises ValueError for an unknown
    platform; a non-string `text` counts as 0.
    """
    _check_platform(platform)
    if not isinstance(text, str) or not text:
        return 0
    if platform == "x":
        return parse_x(text).weightedLength
    return len(unicodedata.normalize("NFC", without_lone_surrogates(text)))


def max_length(platform: str = "x") -> int:
    """The platform's post limit (see limits.py). Raises ValueError for an unknown platform."""
    _check_platform(platform)
    return limits.POST_MAX_LENGTH[platform]


def is_valid_x_post(text: str) -> bool:
    """twitter-text's validity: not empty, within 280, no U+FFFE/U+FEFF/U+FFFF."""
    return isinstance(text, str) and bool(text) and parse_x(text).valid
