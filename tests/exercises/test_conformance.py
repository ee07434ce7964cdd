"""X's own conformance suite (twitter-text), read in place at test time, never copied.

Set TWITTER_TEXT_CONFORMANCE to point elsewhere; without the folder these tests skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from course.exercises import extract_hashtags, post_length
from course.exercises.hashtags import find_hashtags, is_valid_hashtag
from course.exercises.length import is_valid_x_post, parse_x

SUITE = Path(
    os.environ.get("TWITTER_TEXT_CONFORMANCE")
    or Path(__file__).resolve().parents[2].parent / "shared" / "twitter-text-conformance"
)


def _cases(filename: str, *sections: str) -> list:
    path = SUITE / filename
    if not path.is_file():
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=f"{path} not found"))]
    tests = yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]
    out = []
    for section in sections:
        for i, case in enumerate(tests.get(section) or []):
            out.append(pytest.param(section, case, id=f"{section}-{i}-{case['description']}"))
    return out


def _need(case) -> None:
    if case is None:
        pytest.skip(f"twitter-text conformance suite not found at {SUITE}")


@pytest.mark.parametrize(
    ("section", "case"),
    _cases("extract.yml", "hashtags", "hashtags_from_astral", "hashtags_with_indices"),
)
def test_extract_hashtags(section, case):
    _need(case)
    expected = case["expected"]
    if section == "hashtags_with_indices":
        assert [(t.tag, [t.start, t.end]) for t in find_hashtags(case["text"])] == [
            (e["hashtag"], e["indices"]) for e in expected
        ]
        expected = [e["hashtag"] for e in expected]
    assert extract_hashtags(case["text"]) == expected


@pytest.mark.parametrize(("section", "case"), _cases("validate.yml", "hashtags"))
def test_validate_hashtag(section, case):
    _need(case)
    assert is_valid_hashtag(case["text"]) is case["expected"]


@pytest.mark.parametrize(("section", "case"), _cases("validate.yml", "tweets"))
def test_validate_tweet(section, case):
    _need(case)
    # This legacy section dates from the 140-character limit: twitter-text runs it with its
    # version 1 configuration (every code point weighs 1, limit 140).
    from twitter_text import parse_tweet
    from twitter_text.config import config

    legacy = parse_tweet(case["text"], {**config["version1"], "emoji_parsing_enabled": False})
    assert legacy.valid is case["expected"]
    if case["expected"]:
        assert is_valid_x_post(case["text"])


@pytest.mark.parametrize(
    ("section", "case"),
    _cases(
        "validate.yml",
        "WeightedTweetsCounterTest",
        "WeightedTweetsWithDiscountedEmojiCounterTest",
        "UnicodeDirectionalMarkerCounterTest",
    ),
)
def test_weighted_length(section, case):
    _need(case)
    # twitter-text runs WeightedTweetsCounterTest with config v2 (no emoji sequences) and the
    # other sections with v3, the configuration X uses today and post_length() uses.
    version = 2 if section == "WeightedTweetsCounterTest" else 3
    parsed = parse_x(case["text"], version=version)
    assert parsed.weightedLength == case["expected"]["weightedLength"]
    assert parsed.valid is case["expected"]["valid"]
    if version == 3:
        assert post_length(case["text"], "x") == case["expected"]["weightedLength"]


def test_config_matches_limits():
    path = SUITE / "config-v3.json"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    import json

    from course.exercises import limits

    config = json.loads(path.read_text(encoding="utf-8"))
    assert config["maxWeightedTweetLength"] == limits.X_MAX_WEIGHTED_LENGTH
    assert config["transformedURLLength"] == limits.X_URL_WEIGHT
    assert config["defaultWeight"] == limits.X_DEFAULT_WEIGHT
    assert config["scale"] == limits.X_WEIGHT_SCALE
    assert [(r["start"], r["end"], r["weight"]) for r in config["ranges"]] == list(
        limits.X_LIGHT_RANGES
    )
