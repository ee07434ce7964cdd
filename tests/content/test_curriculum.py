"""The shipped curriculum: structure, faithful figures, idempotent loading."""

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import Choice, Lesson, LessonRead, Module, ModuleRevision, Question, QuizAttempt
from course.services import content_io, progress, quiz

FILES = sorted(content_io.CURRICULUM_DIR.glob("*.md"))
SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def test_ten_modules_ship():
    assert len(FILES) == 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_module_has_the_required_structure(path):
    spec = content_io.parse_module(path.read_text(encoding="utf-8"), path.name)
    assert 2 <= len(spec.lessons) <= 4
    assert len(spec.questions) >= 5
    assert spec.source
    assert 1 <= spec.pass_mark <= 100
    assert all(q.explanation for q in spec.questions)
    assert path.name.endswith(f"{spec.slug}.md")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_figure_is_quoted_from_the_articles(path):
    if not SEEDS.is_dir():
        pytest.skip(f"the seed articles are not at {SEEDS}")
    articles = " ".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt"))
    figures = set(re.findall(r"\d[\d,.]*\d%?|\d+%", articles))
    spec = content_io.parse_module(path.read_text(encoding="utf-8"), path.name)
    text = " ".join(
        [lesson.markdown for lesson in spec.lessons]
        + [q.prompt + " " + q.explanation for q in spec.questions]
        + [c.text for q in spec.questions for c in q.choices]
        + [e.instructions for e in spec.exercises]
    )
    for figure in re.findall(r"(?<![\w.-])\d[\d,]*%|(?<![\w.-])\d{2,}(?![\w-])", text):
        if figure.isdigit() and int(figure) <= 12:
            continue  # small counts in our own prose ("two lessons", "10 modules")
        assert figure in figures or figure.rstrip("%") in figures, (
            f"{figure} is not in the articles"
        )


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Module, ModuleRevision, Lesson, Question, Choice)
    )


def test_loading_twice_gives_the_same_database(app):
    first = content_io.load_curriculum()
    before = _counts()
    stamps = db.session.execute(select(ModuleRevision.id, ModuleRevision.updated_at)).all()
    second = content_io.load_curriculum()
    assert len(first.created) == 10
    assert (second.created, second.updated, len(second.unchanged)) == ([], [], 10)
    assert _counts() == before
    assert db.session.execute(select(ModuleRevision.id, ModuleRevision.updated_at)).all() == stamps


def test_a_changed_file_updates_in_place_and_keeps_results(app, tmp_path, learner):
    source = FILES[0]
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    content_io.load_curriculum(folder)
    module = db.session.scalar(select(Module))
    lesson = module.published.lessons[0]
    progress.record_lesson_read(learner.id, module, lesson)
    attempt = quiz.start_attempt(learner.id, module)
    first_question = attempt.questions[0]
    right = [c["id"] for c in first_question["choices"] if c["correct"]]
    quiz.submit_attempt(attempt, {first_question["key"]: right})

    text = (folder / source.name).read_text(encoding="utf-8")
    changed = text.replace(first_question["prompt"], "A reworded question?", 1)
    assert changed != text
    (folder / source.name).write_text(changed, encoding="utf-8")
    report = content_io.load_curriculum(folder)

    assert report.updated == [module.slug]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ModuleRevision)) == 1
    assert db.session.scalar(select(func.count()).select_from(LessonRead)) == 1
    stored = db.session.get(QuizAttempt, attempt.id)
    assert stored.questions[0]["prompt"] == first_question["prompt"]
    assert stored.correct_count == 1


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("no front matter", 1, "must start with"),
        ("---\nslug: x\n", 1, "no closing"),
        ("---\nslug: [\n---\n# L\n\nx\n", 2, "not valid YAML"),
        ("---\nslug: ok\ntitle: T\n---\nstray text\n# L\n\nbody\n", 5, "before the first"),
        (
            "---\nslug: ok\ntitle: T\nquestions:\n  - prompt: Q?\n    choices:\n"
            "      - text: a\n      - text: b\n---\n# L\n\nbody\n",
            5,
            "mark at least one choice",
        ),
    ],
)
def test_parse_errors_name_the_file_and_line(text, line, message):
    with pytest.raises(content_io.ContentError) as caught:
        content_io.parse_module(text, "broken.md")
    assert any(found == line and message in msg for found, msg in caught.value.problems), str(
        caught.value
    )
    assert str(caught.value).startswith(f"broken.md:{line}:") or "broken.md:" in str(caught.value)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_write_then_parse_gives_the_same_module(path):
    spec = content_io.parse_module(path.read_text(encoding="utf-8"), path.name)
    again = content_io.parse_module(content_io.write_module(spec), path.name)
    assert again == spec
