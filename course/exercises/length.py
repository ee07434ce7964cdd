"""Post length as each platform counts it."""

from __future__ import annotations

import unicodedata

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


def parse_x(text: str, version: int = 3):
    """twitter-text's parse result (weightedLength, valid, ...) with our limits.

    `version=2` turns off emoji-sequence weighting; X's conformance suite uses it for its
    `WeightedTweetsCounterTest` section.
    """
    return parse_tweet(without_lone_surrogates(text), _x_options(version))


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
