"""Property tests: no input makes a validator raise, and results are deterministic."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.exercises import KINDS, check, extract_hashtags, find_phi, validate_params
from course.exercises.choices import ACTIONS, MENTIONS
from course.exercises.fields import build_answer, path_steps
from course.exercises.hashtags import hashtag_problems

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that exercises the parsers: hashes, digits, URLs, names, joiners and odd code points.
_pieces = st.sampled_from(
    [
        "#",
        "＃",
        "# ",
        "#flu-shot",
        "#2024",
        "https://",
        "cdc.gov",
        "/",
        ".",
        "@",
        "-",
        "&",
        "\u200d",
        "\ufe0f",
        "\u20e3",
        "\ufeff",
        "\x00",
        "\ud800",
        "MRN ",
        "DOB ",
        "patient ",
        "Mr ",
        "Smith",
        "555-0142",
        "1/3 ",
        "\n\n",
        "日本",
        "😷",
        "e\u0301",
        " ",
        "admitted on ",
    ]
)
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(_pieces, st.text(max_size=5)), max_size=40).map("".join),
)
junk_values = st.one_of(
    st.none(),
    texts,
    st.binary(max_size=50),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.lists(st.one_of(texts, st.none(), st.integers()), max_size=12),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def _answers(kind):
    """Junk, and answers shaped like the kind's: its field names, nested lists of items for
    paths such as mentions[2].reply, and the values its choices take."""
    fields = KINDS[kind].fields_for()
    steps = [path_steps(f.name) for f in fields]
    tops = sorted({s[0] for s in steps})
    leaves = sorted({s[-1] for s in steps if len(s) > 2}) or ["x"]
    choice_values = sorted({v for f in fields for v, _ in f.choices}) or ["yes"]
    values = st.one_of(junk_values, st.sampled_from(choice_values))
    items = st.lists(
        st.one_of(
            st.dictionaries(st.one_of(st.sampled_from(leaves), st.text(max_size=5)), values),
            junk_values,
        ),
        max_size=10,
    )
    keys = st.one_of(st.sampled_from(tops), st.text(max_size=8))
    return st.one_of(
        st.dictionaries(keys, st.one_of(values, items), max_size=10),
        st.none(),
        texts,
        st.lists(texts, max_size=3),
    )


any_kind_answer = st.sampled_from(sorted(KINDS)).flatmap(
    lambda kind: st.tuples(st.just(kind), _answers(kind))
)


@FAST
@given(any_kind_answer)
def test_no_answer_makes_a_validator_raise(kind_answer):
    kind, answer = kind_answer
    first = check(kind, answer, {})
    assert first.passed == (not any(f.severity == "error" for f in first.findings))
    paths = KINDS[kind].field_paths({})
    for finding in first.findings:
        assert finding.code
        assert finding.message
        assert finding.severity in {"error", "warning"}
        assert finding.field is None or finding.field in paths, finding
    assert check(kind, answer, {}) == first


@FAST
@given(st.sampled_from(sorted(KINDS)), st.dictionaries(st.text(max_size=20), junk_values))
def test_no_params_make_validate_params_raise(kind, params):
    for finding in validate_params(kind, params):
        assert finding.field is not None or finding.code == "params_invalid"


@FAST
@given(texts)
def test_hashtags_have_no_whitespace_or_sign(text):
    tags = extract_hashtags(text)
    for tag in tags:
        assert tag
        assert "#" not in tag
        assert "＃" not in tag
        assert not any(ch.isspace() for ch in tag)
    assert extract_hashtags(text) == tags
    hashtag_problems(text)


@FAST
@given(texts)
def test_find_phi_never_raises_and_is_deterministic(text):
    hits = find_phi(text)
    for hit in hits:
        assert 0 <= hit.start < hit.end <= len(text)
        assert hit.message
    assert find_phi(text) == hits


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_huge_answers_give_findings(kind):
    huge = "MRN 123456 #flu " * 20_000
    answer = build_answer({f.name: huge for f in KINDS[kind].fields_for()})
    result = check(kind, answer, {})
    assert not result.passed


@FAST
@given(
    st.lists(st.sampled_from(sorted(MENTIONS)), min_size=3, max_size=8, unique=True),
    st.lists(
        st.fixed_dictionaries(
            {"action": st.sampled_from([a for a, _ in ACTIONS] + ["", "junk"]), "reply": texts}
        ),
        max_size=10,
    ),
)
def test_a_feed_of_any_mentions_gives_findings_on_its_own_fields(mentions, items):
    params = {"mentions": mentions}
    result = check("monitoring_triage", {"mentions": items}, params)
    paths = KINDS["monitoring_triage"].field_paths(params)
    assert all(f.field in paths for f in result.findings), result.findings
    answered = {f.field for f in result.findings if f.code == "triage_action_missing"}
    assert len(answered) == sum(
        1 for i in range(len(mentions)) if i >= len(items) or items[i]["action"] in ("", "junk")
    )


@FAST
@given(st.sampled_from(["invitation", "group_post"]), texts)
def test_outreach_on_either_channel_points_at_its_one_box(channel, message):
    result = check("outreach", {"message": message}, {"channel": channel})
    assert {f.field for f in result.findings} <= {"message"}
