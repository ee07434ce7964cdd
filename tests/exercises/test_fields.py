"""Field paths, answers built from form inputs, and a description for every finding code."""

import ast
from pathlib import Path

import pytest

from course import exercises
from course.exercises import KINDS, build_answer, describe_code, form_name
from course.exercises.codes import PHI_CODES
from course.exercises.fields import AnswerField, FieldGroup, field_label, path_steps

SOURCE = Path(exercises.__file__).parent


@pytest.mark.parametrize(
    ("path", "steps", "name"),
    [
        ("text", ["text"], "text"),
        ("posts[2]", ["posts", 2], "posts-2"),
        ("mentions[3].reply", ["mentions", 3, "reply"], "mentions-3-reply"),
        ("call_to_action", ["call_to_action"], "call_to_action"),
    ],
)
def test_a_path_names_its_form_input(path, steps, name):
    assert path_steps(path) == steps
    assert form_name(path) == name
    assert form_name(None) is None


def test_an_answer_is_built_from_paths_keeping_positions():
    answer = build_answer(
        {
            "caption": "Hi",
            "mentions[0].action": "none",
            "mentions[0].reply": "",
            "mentions[2].action": "escalate",
            "posts": ["a", "b"],
        }
    )
    assert answer == {
        "caption": "Hi",
        "mentions": [{"action": "none", "reply": ""}, {}, {"action": "escalate"}],
        "posts": ["a", "b"],
    }


def test_labels_say_where_a_finding_points():
    group = FieldGroup("mentions[1]", "Mention 2 of 8")
    fields = (
        AnswerField("text", "Your post", "textarea"),
        AnswerField("mentions[1].action", "What do you do?", "radio", group=group),
        AnswerField("posts", "Posts", "posts"),
    )
    assert field_label(fields, "text") == "Your post"
    assert field_label(fields, "mentions[1].action") == "Mention 2 of 8: What do you do?"
    assert field_label(fields, "mentions[1]") == "Mention 2 of 8"
    assert field_label(fields, "posts[4]") == "Post 5"
    assert field_label(fields, None) == "The answer as a whole"


def _literal_codes() -> set[str]:
    """Every code a validator module passes to error(), warning() or Finding() literally."""
    found = set()
    for path in SOURCE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            first = node.args[0]
            if (
                name in {"error", "warning", "make", "Finding"}
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and not first.value.startswith("param")
            ):
                found.add(first.value)
    return found


def test_the_scan_finds_codes():
    assert {"post_empty", "hashtag_repeated", "username_facebook"} <= _literal_codes()


@pytest.mark.parametrize("code", sorted(_literal_codes()))
def test_every_literal_code_is_described(code):
    assert code in exercises.FINDING_CODES, f"{code} has no description (exercises/codes.py)"


def test_codes_built_at_run_time_are_described():
    for name in ("role", "specialty"):
        assert f"{name}_missing" in exercises.FINDING_CODES
        assert f"{name}_not_in_headline" in exercises.FINDING_CODES
    assert describe_code("phi_name") == "Looks like patient information: a patient's name"
    assert set(PHI_CODES) == {f"phi_{k}" for k in exercises.phi.KINDS}


def test_descriptions_are_sentences_without_quotes_of_answers():
    for code, text in exercises.FINDING_CODES.items():
        assert text.lstrip("'")[:1].isupper(), code
        assert "{" not in text, code


def test_an_unknown_code_still_reads_as_words():
    assert describe_code("brand_new_rule") == "Brand new rule"
    assert describe_code(None) == "A finding"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_has_fields_with_known_widgets(kind):
    fields = KINDS[kind].fields_for()
    assert fields
    for spec in fields:
        assert spec.widget in exercises.WIDGETS
        assert spec.label
        if spec.widget in ("select", "radio"):
            assert spec.choices
