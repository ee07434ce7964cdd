"""The PHI check on labelled practice posts: at least 90% of leaks flagged, at most 10% of
clean posts failed, and no finding repeating what leaked.

The posts are in phi_posts*.yaml beside this file: contrasting pairs (a post that leaks and a
twin that does not), written for this test; sets 2 and 3 were written after the checker had
been tuned on the sets before them (their first measurements are in the README).
`bench/phi.py --misses` prints the same figures per kind, with every miss.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from course.exercises import check, find_phi
from course.exercises.findings import ERROR

HERE = Path(__file__).parent
SETS = sorted(HERE.glob("phi_posts*.yaml"))
PAIRS = {path.name: yaml.safe_load(path.read_text(encoding="utf-8")) for path in SETS}
ALL = [pair for pairs in PAIRS.values() for pair in pairs]


def fails(text: str) -> bool:
    return any(f.severity == ERROR for f in find_phi(text, organisation_domain="example.org"))


def test_the_labelled_set_is_large_and_in_pairs():
    assert len(ALL) >= 60  # 60 leaks and 60 clean posts at least
    for pair in ALL:
        assert set(pair) == {"kind", "leak", "clean"}
        assert pair["leak"] != pair["clean"]
    kinds = {pair["kind"] for pair in ALL}
    # Every kind of leak the corpus is for: patients named in clinical context, ages over 89, dates
    # tied to a person, identifiers in other phrasings, contacts of patients.
    assert {
        "name", "age", "date", "licence_number", "health_plan_number", "account_number",
        "username", "handle", "record_link", "device_id", "phone", "email",
    } <= kinds  # fmt: skip
    assert sum(pair["kind"] == "name" for pair in ALL) >= 30


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_recall_and_false_failures_per_set(name):
    pairs = PAIRS[name]
    missed = [p["leak"] for p in pairs if not fails(p["leak"])]
    failed = [p["clean"] for p in pairs if fails(p["clean"])]
    assert len(missed) <= 0.10 * len(pairs), missed
    assert len(failed) <= 0.10 * len(pairs), failed


def test_recall_and_false_failures_overall():
    flagged = sum(fails(p["leak"]) for p in ALL) / len(ALL)
    failed = sum(fails(p["clean"]) for p in ALL) / len(ALL)
    assert flagged >= 0.90
    assert failed <= 0.10


@pytest.mark.parametrize(
    "pair", [p for p in ALL if p["kind"] == "name"], ids=lambda p: p["leak"][:40]
)
def test_a_named_patient_is_flagged_as_a_name(pair):
    hits = find_phi(pair["leak"], organisation_domain="example.org")
    assert any(h.kind == "name" and h.severity == ERROR for h in hits), hits


@pytest.mark.parametrize("pair", ALL, ids=lambda p: p["leak"][:40])
def test_findings_never_repeat_what_leaked(pair):
    text = pair["leak"]
    result = check("post", {"text": text}, {"min_hashtags": 0})
    for finding in result.findings:
        if not finding.code.startswith("phi_"):
            continue
        start, end = finding.span
        leaked = text[start:end]
        assert leaked.strip()
        assert leaked not in finding.message
        # Nor any part of it that identifies: a number, or a capitalised word (a name).
        for word in leaked.split():
            if any(c.isdigit() for c in word) or (word[:1].isupper() and len(word) > 3):
                assert word not in finding.message, (word, finding.message)
