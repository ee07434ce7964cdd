"""The shipped curriculum: structure, faithful figures, idempotent loading."""

import re
from pathlib import Path

import pytest
from model_answers import MODEL_ANSWERS
from sqlalchemy import func, select

from course import exercises
from course.extensions import db
from course.models import (
    AuditEvent,
    Choice,
    Lesson,
    LessonRead,
    Module,
    ModuleRevision,
    Question,
    QuizAttempt,
    RevisionState,
    Role,
)
from course.services import authoring, content_io, curriculum, progress, quiz

FILES = sorted(content_io.CURRICULUM_DIR.glob("*.md"))
#: The two articles the curriculum was written from, in `shared/seeds/` beside the checkout or
#: beside a folder above it.
SEEDS = next(
    (
        folder / "shared" / "seeds"
        for folder in Path(__file__).resolve().parents[2].parents
        if (folder / "shared" / "seeds").is_dir()
    ),
    Path(__file__).resolve().parents[2].parent / "shared" / "seeds",
)


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
    first = curriculum.load_curriculum()
    db.session.commit()
    before = _counts()
    stamps = db.session.execute(select(ModuleRevision.id, ModuleRevision.updated_at)).all()
    second = curriculum.load_curriculum()
    db.session.commit()
    assert len(first.created) == 10
    assert (second.created, second.updated, len(second.unchanged)) == ([], [], 10)
    assert _counts() == before
    assert db.session.execute(select(ModuleRevision.id, ModuleRevision.updated_at)).all() == stamps


def _one_file(tmp_path, source=None):
    source = source or FILES[0]
    folder = tmp_path / "content"
    folder.mkdir(exist_ok=True)
    (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return folder, folder / source.name


def _load(folder):
    report = curriculum.load_curriculum(folder)
    db.session.commit()
    return report


def test_a_changed_file_becomes_a_new_version_and_the_old_one_is_untouched(app, tmp_path, learner):
    folder, path = _one_file(tmp_path)
    _load(folder)
    module = db.session.scalar(select(Module))
    lesson = module.published.lessons[0]
    progress.record_lesson_read(learner.id, module, lesson)
    attempt = quiz.start_attempt(learner.id, module)
    first_question = attempt.questions[0]
    right = [c["id"] for c in first_question["choices"] if c["correct"]]
    quiz.submit_attempt(attempt, {first_question["key"]: right})
    db.session.commit()
    old_id = module.published.id
    old_prompts = [q.prompt for q in module.published.questions]

    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(first_question["prompt"], "A reworded question?", 1), "utf-8")
    report = _load(folder)

    assert report.updated == [module.slug]
    db.session.expire_all()
    old = db.session.get(ModuleRevision, old_id)
    assert old.state is RevisionState.SUPERSEDED
    assert [q.prompt for q in old.questions] == old_prompts  # the evidence's revision as it was
    module = db.session.scalar(select(Module))
    assert module.published.number == 2
    assert "A reworded question?" in [q.prompt for q in module.published.questions]
    line = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "module.publish")
        .order_by(AuditEvent.id.desc())
    )
    assert "published version 2: curriculum update" in line.summary
    assert db.session.scalar(select(func.count()).select_from(LessonRead)) == 1
    stored = db.session.get(QuizAttempt, attempt.id)
    assert stored.questions[0]["prompt"] == first_question["prompt"]
    assert stored.correct_count == 1


def test_a_module_edited_in_the_studio_is_left_alone(app, tmp_path, make_user):
    """A trainer's published edit survives `make run` (load-content) again, file changed or not."""
    trainer = make_user(roles={Role.TRAINER})
    source = next(p for p in FILES if "hands-on-training" in p.name)
    folder, path = _one_file(tmp_path, source)
    _load(folder)
    module = db.session.scalar(select(Module))
    key = module.published.lessons[1].key
    authoring.save_lesson(module, trainer.id, key, "Our own lesson", "Edited by a trainer.")
    authoring.publish(module, trainer.id, "our wording")
    db.session.commit()
    published_id = module.published.id

    for change in (False, True):
        if change:
            path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
        report = _load(folder)
        assert report.updated == []
        assert report.created == []
        assert "edited in the studio" in report.kept[module.slug]
        assert ("has changed since" in report.kept[module.slug]) is change
        db.session.expire_all()
        module = db.session.scalar(select(Module))
        assert module.published.id == published_id
        lesson = next(x for x in module.published.lessons if x.key == key)
        assert lesson.body_markdown == "Edited by a trainer."


def test_an_open_draft_is_left_alone(app, tmp_path, make_user):
    trainer = make_user(roles={Role.TRAINER})
    folder, path = _one_file(tmp_path)
    _load(folder)
    module = db.session.scalar(select(Module))
    authoring.update_settings(module, trainer.id, title="Draft title")
    db.session.commit()
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    report = _load(folder)
    assert "draft" in report.kept[module.slug]
    db.session.expire_all()
    module = db.session.scalar(select(Module))
    assert module.draft.title == "Draft title"
    assert module.published.number == 1


def test_load_content_says_what_it_left_alone(app, runner, make_user):
    trainer = make_user(roles={Role.TRAINER})
    curriculum.load_curriculum()
    db.session.commit()
    module = db.session.scalar(select(Module).where(Module.slug == "hands-on-training"))
    authoring.save_lesson(module, trainer.id, module.published.lessons[1].key, "Ours", "Ours.")
    authoring.publish(module, trainer.id, "ours")
    db.session.commit()
    result = runner.invoke(args=["course", "load-content"])
    assert result.exit_code == 0, result.output
    assert "hands-on-training: left alone, edited in the studio" in result.output
    assert "0 updated" in result.output
    assert "9 unchanged, 1 left alone" in result.output


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


# --- the exercises -----------------------------------------------------------------------------
SPECS = {
    path.name: content_io.parse_module(path.read_text(encoding="utf-8"), path.name)
    for path in FILES
}
SHIPPED_EXERCISES = [
    pytest.param(exercise, id=exercise.key)
    for spec in SPECS.values()
    for exercise in spec.exercises
]


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_module_ends_with_hands_on_practice(name):
    assert SPECS[name].exercises, f"{name} has no exercise"


def test_every_kind_of_exercise_is_practised_somewhere():
    used = {e.kind for spec in SPECS.values() for e in spec.exercises}
    assert used == set(exercises.KINDS)


@pytest.mark.parametrize("exercise", SHIPPED_EXERCISES)
def test_every_shipped_exercise_has_a_model_answer_that_passes(exercise):
    assert exercise.key in MODEL_ANSWERS, f"write a model answer for {exercise.key}"
    result = exercises.check(exercise.kind, MODEL_ANSWERS[exercise.key], exercise.params)
    assert result.passed, result.findings
    assert not [f for f in result.findings if not f.code.startswith("phi_")], result.findings


@pytest.mark.parametrize("exercise", SHIPPED_EXERCISES)
def test_exercise_instructions_are_written_in_our_own_words(exercise):
    """No run of eight words of the instructions, outside quotation marks, is the articles'."""
    if not SEEDS.is_dir():
        pytest.skip(f"the seed articles are not at {SEEDS}")
    articles = " ".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt"))

    def words(text):
        return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))

    theirs = words(articles)
    runs = {tuple(theirs[i : i + 8]) for i in range(len(theirs) - 7)}
    ours = words(re.sub(r'"[^"]*"|\u201c[^\u201d]*\u201d', " ", exercise.instructions))
    copied = [
        " ".join(ours[i : i + 8]) for i in range(len(ours) - 7) if tuple(ours[i : i + 8]) in runs
    ]
    assert not copied, f"copied from the articles: {copied[0]!r}"
