"""Hashtags and post length, table-driven from twitter-text's rules (see hashtags.py)."""

from __future__ import annotations

import pytest

from course.exercises import extract_hashtags, post_length
from course.exercises.hashtags import hashtag_problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Get your #FluShot today", ["FluShot"], id="simple"),
        pytest.param("#covid-19 update", ["covid"], id="hyphen-ends-hashtag"),
        pytest.param("#flu shot", ["flu"], id="space-ends-hashtag"),
        pytest.param("#2024", [], id="digits-only"),
        pytest.param("#1st day", ["1st"], id="digit-then-letter"),
        pytest.param("#_ #1_2", [], id="no-letter"),
        pytest.param("flu#shot", [], id="inside-a-word"),
        pytest.param("&#tag", [], id="after-ampersand"),
        pytest.param("see https://example.org/#section", [], id="inside-url"),
        pytest.param("＃ｈａｓｈ", ["ｈａｓｈ"], id="full-width-sign"),
        pytest.param("#café #mañana", ["café", "mañana"], id="accents"),
        pytest.param("#Nurses_Week", ["Nurses_Week"], id="underscore"),
        pytest.param("#a#b", [], id="followed-by-hash"),
        pytest.param("#http://x.com", [], id="followed-by-scheme"),
        pytest.param("#️⃣", [], id="keycap"),
        pytest.param("(#tag)", ["tag"], id="in-brackets"),
        pytest.param("", [], id="empty"),
    ],
)
def test_extract_hashtags(text, expected):
    assert extract_hashtags(text) == expected


@pytest.mark.parametrize("junk", [None, 42, b"#tag", ["#tag"], {"t": 1}])
def test_extract_hashtags_junk_gives_nothing(junk):
    assert extract_hashtags(junk) == []


@pytest.mark.parametrize(
    ("text", "code", "written", "suggestion"),
    [
        pytest.param("Get your #flu-shot", "hashtag_truncated", "flu-shot", "FluShot", id="hyphen"),
        pytest.param("#COVID-19 facts", "hashtag_truncated", "COVID-19", "COVID19", id="covid"),
        pytest.param("# flu season", "hashtag_space", "# flu", "flu", id="space"),
        pytest.param("Happy #2024", "hashtag_no_letter", "2024", "", id="digits"),
        pytest.param("flu#shot", "hashtag_in_word", "shot", "shot", id="in-word"),
    ],
)
def test_hashtag_problems(text, code, written, suggestion):
    (problem,) = hashtag_problems(text)
    assert (problem.code, problem.written, problem.suggestion) == (code, written, suggestion)


@pytest.mark.parametrize(
    "text",
    [
        "Get your #FluShot at https://example.org/#book",
        "#nurse's day",
        "We are #1.",
        "Email info@example.org",
        "",
    ],
)
def test_no_hashtag_problems(text):
    assert [p for p in hashtag_problems(text) if p.code != "hashtag_no_letter"] == []


@pytest.mark.parametrize(
    ("text", "platform", "expected"),
    [
        pytest.param("hello", "x", 5, id="x-ascii"),
        pytest.param("Read https://www.cdc.gov/flu/prevent/index.html", "x", 28, id="x-url-23"),
        pytest.param("cdc.gov", "x", 23, id="x-url-without-scheme"),
        pytest.param("日本語", "x", 6, id="x-cjk-2"),
        pytest.param("😷", "x", 2, id="x-emoji-2"),
        pytest.param("👨‍👩‍👧", "x", 2, id="x-emoji-sequence-2"),
        pytest.param("e\u0301", "x", 1, id="x-nfc"),
        pytest.param("😷 日本", "linkedin", 4, id="linkedin-code-points"),
        pytest.param("e\u0301", "facebook", 1, id="facebook-nfc"),
        pytest.param("", "x", 0, id="empty"),
    ],
)
def test_post_length(text, platform, expected):
    assert post_length(text, platform) == expected


def test_post_length_unknown_platform():
    with pytest.raises(ValueError, match="unknown platform"):
        post_length("hi", "myspace")
