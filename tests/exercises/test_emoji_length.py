"""X's length with today's emoji: every emoji sequence of current Unicode weighs 2.

The table below is written by hand (code points spelled out), one or more sequences from each
Unicode emoji version, of every shape: ZWJ sequences, skin tones, flags, tag sequences and
keycaps. The data-driven test then checks every sequence the `emoji` package knows, version by
version, so a newer package brings newer sequences into the test by itself.
"""

from __future__ import annotations

import emoji
import pytest

from course.exercises import check, post_length
from course.exercises.length import is_valid_x_post


def cp(*points: int) -> str:
    return "".join(map(chr, points))


# (emoji version, what it is, the sequence)
TABLE = [
    ("0.6", "keycap digit one", cp(0x31, 0xFE0F, 0x20E3)),
    ("0.6", "keycap number sign", cp(0x23, 0xFE0F, 0x20E3)),
    ("0.6", "flag: United Kingdom", cp(0x1F1EC, 0x1F1E7)),
    ("0.6", "red heart", cp(0x2764, 0xFE0F)),
    ("0.7", "admission tickets", cp(0x1F39F, 0xFE0F)),
    ("1.0", "thumbs up: medium skin tone", cp(0x1F44D, 0x1F3FD)),
    ("1.0", "alembic", cp(0x2697, 0xFE0F)),
    ("2.0", "flag: Afghanistan", cp(0x1F1E6, 0x1F1EB)),
    (
        "2.0",
        "family: man, woman, girl, boy",
        cp(0x1F468, 0x200D, 0x1F469, 0x200D, 0x1F467, 0x200D, 0x1F466),
    ),  # fmt: skip
    ("3.0", "pregnant woman: light skin tone", cp(0x1F930, 0x1F3FB)),
    ("4.0", "woman health worker", cp(0x1F469, 0x200D, 0x2695, 0xFE0F)),
    ("4.0", "man health worker: dark skin tone", cp(0x1F468, 0x1F3FF, 0x200D, 0x2695, 0xFE0F)),
    ("4.0", "rainbow flag", cp(0x1F3F3, 0xFE0F, 0x200D, 0x1F308)),
    (
        "5.0",
        "flag: Scotland",
        cp(0x1F3F4, 0xE0067, 0xE0062, 0xE0073, 0xE0063, 0xE0074, 0xE007F),
    ),  # fmt: skip
    ("5.0", "breast-feeding: medium-dark skin tone", cp(0x1F931, 0x1F3FE)),
    ("11.0", "woman: red hair", cp(0x1F469, 0x200D, 0x1F9B0)),
    ("12.0", "deaf man", cp(0x1F9CF, 0x200D, 0x2642, 0xFE0F)),
    ("12.1", "person in motorized wheelchair", cp(0x1F9D1, 0x200D, 0x1F9BC)),
    ("12.1", "health worker", cp(0x1F9D1, 0x200D, 0x2695, 0xFE0F)),
    ("12.1", "health worker: medium skin tone", cp(0x1F9D1, 0x1F3FD, 0x200D, 0x2695, 0xFE0F)),
    ("13.0", "transgender flag", cp(0x1F3F3, 0xFE0F, 0x200D, 0x26A7, 0xFE0F)),
    ("13.0", "person feeding baby", cp(0x1F9D1, 0x200D, 0x1F37C)),
    ("13.1", "heart on fire", cp(0x2764, 0xFE0F, 0x200D, 0x1F525)),
    ("13.1", "mending heart", cp(0x2764, 0xFE0F, 0x200D, 0x1FA79)),
    ("13.1", "kiss: dark skin tone", cp(0x1F48F, 0x1F3FF)),
    (
        "14.0",
        "handshake: dark skin tone, light skin tone",
        cp(0x1FAF1, 0x1F3FF, 0x200D, 0x1FAF2, 0x1F3FB),
    ),  # fmt: skip
    ("14.0", "pregnant man: medium skin tone", cp(0x1FAC3, 0x1F3FD)),
    ("15.0", "black bird", cp(0x1F426, 0x200D, 0x2B1B)),
    ("15.0", "pushing hand: dark skin tone", cp(0x1FAF7, 0x1F3FF)),
    ("15.1", "phoenix", cp(0x1F426, 0x200D, 0x1F525)),
    (
        "15.1",
        "person with white cane facing right",
        cp(0x1F9D1, 0x200D, 0x1F9AF, 0x200D, 0x27A1, 0xFE0F),
    ),  # fmt: skip
    ("15.1", "family: adult, child", cp(0x1F9D1, 0x200D, 0x1F9D2)),
    ("16.0", "flag: Sark", cp(0x1F1E8, 0x1F1F6)),
    ("17.0", "ballet dancer", cp(0x1F9D1, 0x200D, 0x1FA70)),
    ("17.0", "people with bunny ears: dark skin tone", cp(0x1F46F, 0x1F3FF)),
]


@pytest.mark.parametrize(
    ("version", "sequence"),
    [pytest.param(v, s, id=f"E{v} {name}") for v, name, s in TABLE],
)
def test_each_sequence_weighs_two_as_x_counts_it(version, sequence):
    data = emoji.EMOJI_DATA[sequence]
    assert data["status"] == emoji.STATUS["fully_qualified"]
    assert f"{float(data['E']):.1f}" == version
    assert post_length(sequence) == 2
    # A post at the edge: 276 letters, a space and the sequence is 279, within X's 280.
    assert post_length("a" * 276 + " " + sequence) == 279
    assert is_valid_x_post("a" * 277 + " " + sequence)
    assert not is_valid_x_post("a" * 278 + " " + sequence)


def test_the_health_worker_case_from_the_issue():
    health_worker = "\U0001f9d1\u200d\u2695\ufe0f"
    assert post_length(health_worker) == 2
    text = "a" * 276 + " " + health_worker
    assert post_length(text) == 279
    assert check("post", {"text": text}, {"min_hashtags": 0}).passed


def test_sequences_in_running_text_and_next_to_each_other():
    nurse, flag, keycap = (
        cp(0x1F469, 0x1F3FD, 0x200D, 0x2695, 0xFE0F),
        cp(0x1F1EC, 0x1F1E7),
        cp(0x33, 0xFE0F, 0x20E3),
    )
    assert post_length(nurse + nurse + flag + keycap) == 8
    # 28 letters, spaces and signs, and three emoji of 2
    assert post_length(f"Thank you {nurse}! Clinic {keycap} is open {flag}") == 28 + 6
    # A sequence typed without its U+FE0F still shows (and counts) as one emoji.
    assert post_length(cp(0x1F9D1, 0x200D, 0x2695)) == 2
    # Lone parts of a sequence count as themselves: a ZWJ weighs 1, a skin tone 2.
    assert post_length("a\u200db") == 3
    assert post_length("\U0001f3fd") == 2


VERSIONS = sorted({data["E"] for data in emoji.EMOJI_DATA.values()})


@pytest.mark.parametrize("version", VERSIONS, ids=[f"E{v}" for v in VERSIONS])
def test_every_sequence_of_every_version_weighs_two(version):
    sequences = [e for e, data in emoji.EMOJI_DATA.items() if data["E"] == version]
    assert sequences
    wrong = {e: post_length(e) for e in sequences if post_length(e) != 2}
    assert wrong == {}


def test_the_emoji_data_is_current():
    # Unicode emoji 16.0 (2024) and 17.0 (2025) must be there: an older package would bring
    # back the undercount this fixes.
    assert max(VERSIONS) >= 17
    assert TABLE[-1][2] in emoji.EMOJI_DATA
