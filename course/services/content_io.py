"""The module file format: parse, validate, write, and load into the database.

A module file is YAML front matter (settings, questions, exercises) between two `---` lines,
then the lessons in Markdown, each starting with a `# Title` line, optionally `# Title {#key}`.
The same format is what the curriculum ships in and what trainers export and import.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..exercises import KINDS, validate_params
from ..models import (
    Choice,
    Exercise,
    Lesson,
    Module,
    ModuleRevision,
    Question,
    QuestionType,
)
from . import content_limits as limits
from .rendering import render_markdown

CURRICULUM_DIR = Path(__file__).resolve().parent.parent / "content"
_LESSON_HEADING = re.compile(r"^# (?P<title>.+?)(?:\s*\{#(?P<key>[a-z0-9][a-z0-9-]*)\})?\s*$")
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


@dataclass
class ContentError(Exception):
    """Every problem found in one file, each as (line, message)."""

    filename: str
    problems: list[tuple[int | None, str]]

    def __str__(self) -> str:
        return "\n".join(
            f"{self.filename}:{line or '?'}: {message}" for line, message in self.problems
        )


@dataclass
class ChoiceSpec:
    """A question's choice as a module file states it."""

    text: str
    correct: bool = False
    feedback: str = ""


@dataclass
class QuestionSpec:
    """A question as a module file states it, with its choices."""

    key: str
    type: QuestionType
    prompt: str
    choices: list[ChoiceSpec]
    explanation: str = ""


@dataclass
class LessonSpec:
    """A lesson as a module file states it: its key, title and Markdown."""

    key: str
    title: str
    markdown: str


@dataclass
class ExerciseSpec:
    """An exercise as a module file states it: its kind, title, instructions and settings."""

    key: str
    kind: str
    title: str
    instructions: str = ""
    params: dict = field(default_factory=dict)


@dataclass
class ModuleSpec:
    """A whole module file, parsed: settings, lessons, questions and exercises."""

    slug: str
    title: str
    summary: str = ""
    source: str = ""
    order: int = 0
    pass_mark: int = 80
    quiz_size: int | None = None
    estimated_minutes: int = 15
    lessons: list[LessonSpec] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)
    exercises: list[ExerciseSpec] = field(default_factory=list)


class _LineDict(dict):
    line: int = 0


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line each mapping starts on.

    It refuses what could make a small file large: anchors and aliases (one alias can repeat a
    whole subtree, so a few hundred bytes expand to gigabytes), nesting deeper than the format
    needs, and more nodes than the largest module has.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None,
                None,
                "anchors and aliases (&name and *name) are not allowed: write each value out",
                event.start_mark,
            )
        self._nodes += 1
        if self._nodes > limits.YAML_NODES:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"the front matter has more than {limits.YAML_NODES:,} values",
                event.start_mark,
            )
        self._depth += 1
        if self._depth > limits.YAML_DEPTH:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"the front matter is nested more than {limits.YAML_DEPTH} levels deep",
                event.start_mark,
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        mapping = _LineDict(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        return mapping


# SafeLoader builds mappings through construct_yaml_map, which copies into a plain dict and
# loses the line: route mappings through construct_mapping so every one keeps it.
_LineLoader.add_constructor(
    "tag:yaml.org,2002:map", lambda loader, node: loader.construct_mapping(node, deep=True)
)


def _yaml_problem(error: yaml.YAMLError) -> tuple[int | None, str]:
    """(file line, message) for a YAML error; front matter line 1 is file line 2."""
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 2 if mark else None
    if isinstance(error, yaml.composer.ComposerError) and error.problem:
        return line, error.problem
    problem = getattr(error, "problem", None) or str(error)
    return line, f"the front matter is not valid YAML: {problem}"


class _Fields:
    """Reads typed values out of one YAML mapping.

    Each value of the wrong type or size adds a problem (with the mapping's line) instead of
    being stored.
    """

    def __init__(self, mapping, line: int | None, problems: list, label: str = ""):
        self.mapping, self.line, self.problems = mapping, line, problems
        self.label = f"{label}: " if label else ""

    def problem(self, message: str) -> None:
        self.problems.append((self.line, self.label + message))

    def text(self, name: str, limit: int, required: bool = False, default: str = "") -> str:
        """A text value, stripped; wrong types and lengths are problems, never converted."""
        value = self.mapping.get(name)
        if value is None:
            if required:
                self.problem(f"'{name}' is required")
            return default
        if not isinstance(value, str):
            self.problem(
                f"'{name}' must be text, not {_type_name(value)} (put it in quotes if it is)"
            )
            return default
        value = value.strip()
        if required and not value:
            self.problem(f"'{name}' is required")
        elif message := limits.too_long(value, limit):
            self.problem(f"'{name}' {message}")
            return default
        return value

    def flag(self, name: str) -> bool:
        value = self.mapping.get(name, False)
        if not isinstance(value, bool):
            self.problem(f"'{name}' must be true or false")
            return False
        return value

    def items(self, name: str, limit: int, noun: str) -> list:
        """A list value of at most `limit` entries (missing: empty)."""
        value = self.mapping.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(f"'{name}' must be a list")
            return []
        if len(value) > limit:
            self.problem(f"'{name}' has {len(value):,} {noun}; at most {limit:,} are allowed")
            return []
        return value


def _type_name(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def parse_module(text: str, filename: str = "module.md") -> ModuleSpec:
    """Parse and check one module file; raises ContentError listing every problem.

    Pure: no database. Every text is checked for type and length (content_limits), every
    list for its count, and the YAML for aliases, depth and size before anything is built.
    """
    problems: list[tuple[int | None, str]] = []
    if message := limits.too_long(text, limits.FILE_CHARS):
        raise ContentError(filename, [(None, f"the file {message}")])
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentError(filename, [(1, "the file must start with a '---' line")])
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ContentError(filename, [(1, "the front matter has no closing '---' line")]) from None
    try:
        meta = yaml.load("\n".join(lines[1:end]), Loader=_LineLoader)  # noqa: S506 (safe subclass)
    except yaml.YAMLError as error:
        raise ContentError(filename, [_yaml_problem(error)]) from None
    if not isinstance(meta, dict):
        raise ContentError(filename, [(2, "the front matter must be a mapping of settings")])

    def offset(mapping) -> int | None:
        return mapping.line + 1 if isinstance(mapping, _LineDict) else None

    fields = _Fields(meta, offset(meta), problems)
    spec = ModuleSpec(slug="", title="")
    spec.slug = fields.text("slug", 80, required=True)
    if spec.slug and not _KEY.match(spec.slug):
        fields.problem("'slug' must be lower-case letters, digits and hyphens")
    spec.title = fields.text("title", limits.TITLE, required=True)
    spec.summary = fields.text("summary", limits.SUMMARY)
    spec.source = fields.text("source", limits.SOURCE)
    for name, low, high in (
        ("order", 0, 10_000),
        ("pass_mark", 1, 100),
        ("estimated_minutes", 1, 600),
        ("quiz_size", 1, limits.QUESTIONS),
    ):
        if name not in meta or (name == "quiz_size" and meta[name] is None):
            continue
        value = meta[name]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            problems.append((offset(meta), f"'{name}' must be a whole number from {low} to {high}"))
        else:
            setattr(spec, name, value)

    spec.lessons = _parse_lessons(lines[end + 1 :], end + 2, problems)
    spec.questions = _parse_questions(
        fields.items("questions", limits.QUESTIONS, "questions"), offset, problems
    )
    spec.exercises = _parse_exercises(
        fields.items("exercises", limits.EXERCISES, "exercises"), offset, problems
    )
    if spec.quiz_size and spec.quiz_size > len(spec.questions):
        problems.append(
            (
                offset(meta),
                f"'quiz_size' is {spec.quiz_size} but there are only "
                f"{len(spec.questions)} questions",
            )
        )
    if problems:
        raise ContentError(filename, problems)
    return spec


def _parse_lessons(body: list[str], first_line: int, problems) -> list[LessonSpec]:
    lessons: list[LessonSpec] = []
    current: tuple[int, str, str] | None = None
    text: list[str] = []
    seen: set[str] = set()

    def close():
        if current is None:
            return
        line, title, key = current
        if key in seen:
            problems.append((line, f"lesson key '{key}' is used twice"))
        seen.add(key)
        markdown = "\n".join(text).strip()
        if not markdown:
            problems.append((line, f"lesson '{title[:80]}' has no text"))
        for name, value, limit in (("title", title, limits.TITLE),
                                   ("text", markdown, limits.LESSON_TEXT)):  # fmt: skip
            if message := limits.too_long(value, limit):
                problems.append((line, f"lesson {len(lessons) + 1}: the {name} {message}"))
        lessons.append(LessonSpec(key=key, title=title, markdown=markdown))

    for index, raw in enumerate(body):
        match = _LESSON_HEADING.match(raw)
        if match:
            close()
            if len(lessons) == limits.LESSONS:
                problems.append(
                    (first_line + index, f"a module has at most {limits.LESSONS} lessons")
                )
                current = None
                break
            key = match["key"] or f"lesson-{len(lessons) + 1}"
            current, text = (first_line + index, match["title"].strip(), key), []
        elif current is not None:
            text.append(raw)
        elif raw.strip():
            problems.append((first_line + index, "text before the first '# Lesson title' line"))
    close()
    if not lessons:
        problems.append((first_line, "the module has no lessons ('# Lesson title' lines)"))
    return lessons


def _parse_questions(items: list, offset, problems) -> list[QuestionSpec]:
    questions: list[QuestionSpec] = []
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        line = offset(item)
        if not isinstance(item, dict):
            problems.append((line, f"question {number} must be a mapping"))
            continue
        fields = _Fields(item, line, problems, f"question {number}")
        key = fields.text("key", 80, default=f"q{number}")
        if not _KEY.match(key) or key in seen:
            fields.problem(f"key '{key}' is invalid or used twice")
        seen.add(key)
        try:
            kind = QuestionType(fields.text("type", 20, default="single"))
        except ValueError:
            fields.problem("type must be single, multiple or true_false")
            continue
        prompt = fields.text("prompt", limits.PROMPT, required=True)
        choices = []
        for choice in fields.items("choices", limits.CHOICES, "choices"):
            if not isinstance(choice, dict):
                fields.problem("each choice must be a mapping with 'text'")
                continue
            read = _Fields(choice, offset(choice) or line, problems, f"question {number}")
            choices.append(
                ChoiceSpec(
                    text=read.text("text", limits.CHOICE_TEXT),
                    correct=read.flag("correct"),
                    feedback=read.text("feedback", limits.FEEDBACK),
                )
            )
        for message in choice_problems(kind, choices):
            fields.problem(message)
        questions.append(
            QuestionSpec(
                key=key,
                type=kind,
                prompt=prompt,
                choices=choices,
                explanation=fields.text("explanation", limits.EXPLANATION),
            )
        )
    return questions


def choice_problems(kind: QuestionType, choices: list[ChoiceSpec]) -> list[str]:
    """The rules every question's choices must meet, as messages (empty when fine)."""
    problems = []
    correct = sum(c.correct for c in choices)
    if len(choices) < 2:
        problems.append("give at least two choices")
    if len(choices) > limits.CHOICES:
        problems.append(f"give at most {limits.CHOICES} choices")
    if any(not c.text for c in choices):
        problems.append("every choice needs a text")
    for label, limit, texts in (
        ("choice", limits.CHOICE_TEXT, [c.text for c in choices]),
        ("feedback", limits.FEEDBACK, [c.feedback for c in choices]),
    ):
        if any(len(text) > limit for text in texts):
            problems.append(f"a {label} has more than {limit:,} characters")
    if correct == 0:
        problems.append("mark at least one choice as correct")
    elif kind is not QuestionType.MULTIPLE and correct > 1:
        problems.append("a single-answer question has exactly one correct choice")
    if kind is QuestionType.TRUE_FALSE and [c.text for c in choices] != ["True", "False"]:
        problems.append("a true/false question has exactly the choices True and False")
    return problems


def question_problems(spec: QuestionSpec) -> list[str]:
    """Every rule a question must meet (text, sizes, choices), as messages."""
    problems = []
    if not spec.prompt:
        problems.append("the question has no text")
    for name, value, limit in (("question", spec.prompt, limits.PROMPT),
                               ("explanation", spec.explanation, limits.EXPLANATION)):  # fmt: skip
        if message := limits.too_long(value, limit):
            problems.append(f"the {name} {message}")
    return problems + choice_problems(spec.type, spec.choices)


def _parse_exercises(items: list, offset, problems) -> list[ExerciseSpec]:
    exercises: list[ExerciseSpec] = []
    for number, item in enumerate(items, start=1):
        line = offset(item)
        if not isinstance(item, dict):
            problems.append((line, f"exercise {number} must be a mapping"))
            continue
        fields = _Fields(item, line, problems, f"exercise {number}")
        kind = fields.text("kind", 40)
        if kind not in KINDS:
            fields.problem(f"kind must be one of {', '.join(KINDS)}")
            continue
        params = item.get("params") or {}
        if not isinstance(params, dict):
            fields.problem("'params' must be a mapping")
            continue
        for finding in validate_params(kind, params):
            fields.problem(finding.message)
        key = fields.text("key", 80, default=f"exercise-{number}")
        if not _KEY.match(key):
            fields.problem(f"key '{key}' is invalid")
        exercises.append(
            ExerciseSpec(
                key=key,
                kind=kind,
                title=fields.text("title", limits.TITLE) or KINDS[kind].label,
                instructions=fields.text("instructions", limits.INSTRUCTIONS),
                params=dict(params),
            )
        )
    return exercises


def write_module(spec: ModuleSpec) -> str:
    """The file text for a module; parse_module(write_module(s)) == s."""
    meta: dict = {
        "slug": spec.slug,
        "title": spec.title,
        "summary": spec.summary,
        "source": spec.source,
        "order": spec.order,
        "pass_mark": spec.pass_mark,
        "quiz_size": spec.quiz_size,
        "estimated_minutes": spec.estimated_minutes,
        "questions": [
            {
                "key": q.key,
                "type": q.type.value,
                "prompt": q.prompt,
                "choices": [
                    {"text": c.text}
                    | ({"correct": True} if c.correct else {})
                    | ({"feedback": c.feedback} if c.feedback else {})
                    for c in q.choices
                ],
                "explanation": q.explanation,
            }
            for q in spec.questions
        ],
    }
    if spec.exercises:
        meta["exercises"] = [
            {
                "key": e.key,
                "kind": e.kind,
                "title": e.title,
                "instructions": e.instructions,
                "params": e.params,
            }
            for e in spec.exercises
        ]
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    lessons = "\n".join(
        f"# {lesson.title} {{#{lesson.key}}}\n\n{lesson.markdown}\n" for lesson in spec.lessons
    )
    return f"---\n{front}---\n{lessons}"


def spec_from_revision(module: Module, revision: ModuleRevision) -> ModuleSpec:
    """The file-format view of a stored revision, for export."""
    return ModuleSpec(
        slug=module.slug,
        title=revision.title,
        summary=revision.summary,
        source=module.source,
        order=revision.position,
        pass_mark=revision.pass_mark,
        quiz_size=revision.quiz_size,
        estimated_minutes=revision.estimated_minutes,
        lessons=[LessonSpec(x.key, x.title, x.body_markdown) for x in revision.lessons],
        questions=[
            QuestionSpec(
                key=q.key,
                type=q.type,
                prompt=q.prompt,
                explanation=q.explanation,
                choices=[ChoiceSpec(c.text, c.is_correct, c.feedback) for c in q.choices],
            )
            for q in revision.questions
        ],
        exercises=[
            ExerciseSpec(e.key, e.kind, e.title, e.instructions_markdown, dict(e.params))
            for e in revision.exercises
        ],
    )


def apply_spec(revision: ModuleRevision, spec: ModuleSpec) -> None:
    """Make a revision say what the spec says, changing only what differs.

    Children are matched by key, so an unchanged file changes nothing, and learners'
    evidence (keyed by lesson, question and exercise keys) stays attached.
    """
    _assign(
        revision,
        title=spec.title,
        summary=spec.summary,
        pass_mark=spec.pass_mark,
        quiz_size=spec.quiz_size,
        estimated_minutes=spec.estimated_minutes,
        position=spec.order,
    )
    _sync(
        revision.lessons,
        spec.lessons,
        lambda s: Lesson(key=s.key),
        lambda row, s, i: _assign(
            row,
            position=i,
            title=s.title,
            body_markdown=s.markdown,
            body_html=_html_for(row.body_markdown, row.body_html, s.markdown),
        ),
    )
    _sync(revision.questions, spec.questions, lambda s: Question(key=s.key), _apply_question)
    _sync(
        revision.exercises,
        spec.exercises,
        lambda s: Exercise(key=s.key),
        lambda row, s, i: _assign(
            row,
            position=i,
            kind=s.kind,
            title=s.title,
            instructions_markdown=s.instructions,
            instructions_html=_html_for(
                row.instructions_markdown, row.instructions_html, s.instructions
            ),
            params=s.params,
        ),
    )


def _html_for(old_markdown: str | None, old_html: str | None, markdown: str) -> str:
    """Sanitized HTML for `markdown`, rendering again only when the Markdown changed."""
    return (
        old_html if old_markdown == markdown and old_html is not None else render_markdown(markdown)
    )


def _apply_question(row: Question, spec: QuestionSpec, position: int) -> None:
    _assign(
        row, position=position, type=spec.type, prompt=spec.prompt, explanation=spec.explanation
    )
    wanted = [(c.text, c.correct, c.feedback) for c in spec.choices]
    if [(c.text, c.is_correct, c.feedback) for c in row.choices] != wanted:
        row.choices = [
            Choice(position=i, text=t, is_correct=ok, feedback=fb)
            for i, (t, ok, fb) in enumerate(wanted)
        ]


def _assign(row, **values) -> None:
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def _sync(rows: list, specs: list, make, update) -> None:
    by_key = {row.key: row for row in rows}
    wanted = []
    for position, spec in enumerate(specs):
        row = by_key.get(spec.key) or make(spec)
        update(row, spec, position)
        wanted.append(row)
    if [r.key for r in rows] != [r.key for r in wanted] or len(rows) != len(wanted):
        rows[:] = wanted
