"""Imports are bounded: no YAML alias or anchor, no value of the wrong type, no text longer
than its form allows, no more parts than a module holds, no nesting past the format's; each
refusal names the file's line, and nothing is stored."""

import io

import pytest

from course.services import authoring, content_io, content_limits
from course.services.content_io import ContentError

HEAD = "---\nslug: bounded\ntitle: Bounded\n"
LESSON = "---\n# A lesson\n\nSome text.\n"
QUESTION = """questions:
  - key: q1
    prompt: Which?
    choices:
      - text: A
        correct: true
      - text: B
"""


def problems_of(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(ContentError) as error:
        content_io.parse_module(text, "bad.md")
    return error.value.problems


def billion_laughs(levels: int) -> str:
    """A "billion laughs" file: each level a list of ten aliases of the level before."""
    lines = [HEAD.rstrip("\n"), 'l0: &l0 "laugh "']
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 10)}]")
    lines.append(f"summary: *l{levels}")
    return "\n".join(lines) + "\n" + LESSON


def test_an_alias_chain_is_refused_naming_its_line():
    text = billion_laughs(7)
    assert len(text.encode()) < 700
    [(line, message)] = problems_of(text)
    assert line == 4  # the first anchor, l0, on the file's fourth line
    assert "anchors and aliases" in message


@pytest.mark.parametrize(
    ("yaml_line", "field"),
    [
        ("summary: &s Some text", "anchor"),
        ("summary: [a, b]", "summary"),
        ("summary: {a: 1}", "summary"),
        ("summary: 2024-01-01", "summary"),
        ("summary: 12", "summary"),
        ("source: true", "source"),
        ("title: !!binary aGVsbG8=", "title"),
    ],
)
def test_a_value_that_is_not_text_is_refused(yaml_line, field):
    text = "---\nslug: bounded\n" + ("" if field == "title" else "title: Bounded\n")
    text += yaml_line + "\n" + LESSON
    problems = problems_of(text)
    assert problems, problems
    line, message = problems[0]
    assert line is not None
    assert field in message or "anchors" in message


def test_question_values_of_the_wrong_type_are_refused():
    text = (
        HEAD
        + """questions:
  - key: q1
    prompt: [not, text]
    explanation: 3
    choices:
      - text: {a: 1}
        correct: "yes"
      - text: B
"""
        + LESSON
    )
    messages = [m for _, m in problems_of(text)]
    assert any("'prompt' must be text" in m for m in messages)
    assert any("'explanation' must be text" in m for m in messages)
    assert any("'text' must be text" in m for m in messages)
    assert any("'correct' must be true or false" in m for m in messages)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (HEAD + f"summary: {'s' * (content_limits.SUMMARY + 1)}\n" + LESSON, "'summary' has"),
        (
            HEAD + "---\n# Long\n\n" + "word " * (content_limits.LESSON_TEXT // 5 + 1),
            "lesson 1: the text has",
        ),
        (
            HEAD + QUESTION.replace("Which?", "w" * (content_limits.PROMPT + 1)) + LESSON,
            "'prompt' has",
        ),
        (
            HEAD + QUESTION + "".join(f"      - text: C{n}\n" for n in range(11)) + LESSON,
            "'choices' has 13 choices",
        ),
        (
            HEAD
            + "questions:\n"
            + "".join(
                f"  - {{key: q{n}, prompt: P, choices: [{{text: A, correct: true}}, {{text: B}}]}}"
                "\n"
                for n in range(content_limits.QUESTIONS + 1)
            )
            + LESSON,
            f"'questions' has {content_limits.QUESTIONS + 1} questions",
        ),
        (
            HEAD
            + "---\n"
            + "".join(f"# L{n}\n\nText.\n" for n in range(content_limits.LESSONS + 1)),
            f"at most {content_limits.LESSONS} lessons",
        ),
        (
            HEAD
            + "exercises:\n  - kind: post\n    params:\n      required_hashtags: ["
            + ", ".join(f"Tag{n}" for n in range(51))
            + "]\n"
            + LESSON,
            "at most 50 entries",
        ),
    ],
    ids=["summary", "lesson", "prompt", "choices", "questions", "lessons", "params"],
)
def test_every_text_and_count_is_capped_as_in_the_forms(text, expected):
    problems = problems_of(text)
    assert any(expected in message for _, message in problems), problems
    assert all(line is not None for line, _ in problems), problems


def test_deep_nesting_is_refused_not_a_recursion_error():
    text = HEAD + "summary: " + "[" * 500 + "]" * 500 + "\n" + LESSON
    [(line, message)] = problems_of(text)
    assert line == 4
    assert "nested more than" in message


def test_a_file_past_the_size_limit_is_refused_before_it_is_read():
    text = HEAD + "#" * content_limits.FILE_CHARS + LESSON
    [(_line, message)] = problems_of(text)
    assert "at most 1,000,000" in message


def test_the_import_page_refuses_an_alias_bomb_with_422_and_stores_nothing(as_trainer):
    response = as_trainer.post(
        "/studio/import",
        data={"file": (io.BytesIO(billion_laughs(8).encode()), "bomb.md"), "into": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "bomb.md, line 4" in page
    assert "anchors and aliases" in page
    assert authoring.module_by_slug("bounded") is None


def test_the_import_page_answers_deep_nesting_with_422(as_trainer):
    text = HEAD + "summary: " + "[" * 500 + "]" * 500 + "\n" + LESSON
    response = as_trainer.post(
        "/studio/import",
        data={"file": (io.BytesIO(text.encode()), "deep.md"), "into": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422


def gift_file(count: int, prompt: str = "Same question?") -> str:
    return "\n\n".join(f"::Same:: {prompt} {{T}}" for _ in range(count)) + "\n"


def test_a_gift_file_past_the_question_limit_is_refused_early():
    with pytest.raises(ContentError) as error:
        authoring.read_gift(gift_file(10_000), "big.txt")
    [(line, message)] = error.value.problems
    assert line == 2 * content_limits.QUESTIONS + 1
    assert f"more than {content_limits.QUESTIONS} questions" in message


def test_a_gift_question_longer_than_the_form_allows_is_refused():
    with pytest.raises(ContentError) as error:
        authoring.read_gift(gift_file(2, "w" * (content_limits.PROMPT + 1)), "long.txt")
    assert [line for line, _ in error.value.problems] == [1, 3]
    assert "the question has" in error.value.problems[0][1]


def test_a_draft_never_holds_more_questions_than_a_module_may(app, trainer):
    module = authoring.create_module(trainer.id, "bank", "Bank")
    keys, _ = authoring.import_gift(
        module, trainer.id, gift_file(content_limits.QUESTIONS), "full.txt"
    )
    assert keys[:3] == ["same", "same-2", "same-3"]
    assert len(set(keys)) == content_limits.QUESTIONS
    with pytest.raises(ContentError) as error:
        authoring.import_gift(authoring.module_by_slug("bank"), trainer.id, gift_file(1), "1.txt")
    assert "at most 500" in error.value.problems[0][1]


def test_skipping_unsupported_questions_never_skips_past_the_limit():
    with pytest.raises(ContentError):
        authoring.read_gift(gift_file(10_000), "big.txt", skip_unsupported=True)


class CountingSet(set):
    checks = 0

    def __contains__(self, item):
        CountingSet.checks += 1
        return super().__contains__(item)


def test_unique_keys_are_made_in_linear_time():
    taken = CountingSet({"same", "same-2"})
    keys = authoring.KeyMaker(taken)
    made = [keys.make("Same") for _ in range(5_000)]
    assert made[:2] == ["same-3", "same-4"]
    assert len(set(made)) == 5_000
    assert CountingSet.checks <= 2 * 5_000 + 2  # quadratic would be 12.5 million


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        ("lessons/new", {"title": "T", "body": "w" * (content_limits.LESSON_TEXT + 1)}, "body"),
        ("lessons/new", {"title": "t" * (content_limits.TITLE + 1), "body": "B"}, "title"),
        (
            "questions/new",
            {
                "type": "single",
                "prompt": "p" * (content_limits.PROMPT + 1),
                "choices-0-text": "A",
                "choices-0-correct": "y",
                "choices-1-text": "B",
            },
            "prompt",
        ),
        (
            "exercises/new",
            {"kind": "post", "title": "T", "instructions": "i" * (content_limits.INSTRUCTIONS + 1)},
            "instructions",
        ),
    ],
)
def test_the_studio_forms_refuse_what_an_import_would(
    share_information, as_trainer, path, data, field
):
    response = as_trainer.post(f"/studio/modules/share-information/{path}", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
