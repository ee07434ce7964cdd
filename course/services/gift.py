r"""Moodle's GIFT quiz format, read into question specs: pure Python, no Flask, no database.

Supported: multiple choice (`=right ~wrong`), multiple answers with weights (`~%50%a ~%-100%b`),
true/false (`{T}`, `{F}`, `{TRUE}`, `{FALSE}`, with `#wrong#right` feedback), per-answer feedback
(`#`), general feedback (`####`), comments (`//`), titles (`::title::`), escapes
(`\~ \= \# \{ \} \: \n`) and `$CATEGORY:` lines (skipped; the question on the next line
is read). Other GIFT types (essay, numeric, matching, short answer, description) are reported by
line, never silently dropped. See https://docs.moodle.org/en/GIFT_format.

Format markers (`[moodle]`, `[html]`, `[plain]`, `[markdown]`) are read where Moodle reads them:
at the start of the question text, of each answer (after its `%weight%`), of each feedback and
of the general feedback; an unmarked answer or feedback takes the question text's format, as in
Moodle's own importer. Prompts, answers and feedback are stored as plain text and escaped when
shown, so HTML (the `[html]` format, and the `[moodle]` format, which allows HTML) is reduced to
its words everywhere: learners never see tags. `[plain]` and `[markdown]` text is kept as written.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_ESCAPES = {"\\~": "\ue000", "\\=": "\ue001", "\\#": "\ue002", "\\{": "\ue003", "\\}": "\ue004"}
_ESCAPES |= {"\\:": "\ue005", "\\\\": "\ue006"}
_RESTORE = {v: k[1] for k, v in _ESCAPES.items()}
_TITLE = re.compile(r"^::(?P<title>.*?)::", re.S)
_FORMAT = re.compile(r"^\[(?P<format>markdown|html|plain|moodle)\]", re.I)
_WEIGHT = re.compile(r"^%(?P<weight>-?\d+(?:\.\d+)?)%")
CATEGORY = "$CATEGORY:"
_TRUE = {"T", "TRUE"}
_FALSE = {"F", "FALSE"}
_KEY_CHARS = re.compile(r"[^a-z0-9]+")


@dataclass
class GiftChoice:
    """One answer of a GIFT question: its text, whether it is right, its feedback."""

    text: str
    correct: bool = False
    feedback: str = ""


@dataclass
class GiftQuestion:
    """One question read from a GIFT file; `type` is single, multiple or true_false."""

    line: int
    title: str
    type: str
    prompt: str
    choices: list[GiftChoice]
    explanation: str = ""

    @property
    def key_hint(self) -> str:
        """A key to start from (the caller makes it unique): the title, or the prompt."""
        base = _KEY_CHARS.sub("-", (self.title or self.prompt).lower()).strip("-")[:40]
        return base.strip("-") or "gift-question"


@dataclass
class GiftResult:
    """What a GIFT file held: the questions read and a problem for each that was not."""

    questions: list[GiftQuestion] = field(default_factory=list)
    #: (line, message) for every question that could not be read.
    problems: list[tuple[int, str]] = field(default_factory=list)


class _TextOnly(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def _html_to_text(value: str) -> str:
    # Prompts are plain text (escaped on output), so [html] questions keep their words only.
    parser = _TextOnly()
    parser.feed(value)
    parser.close()
    return " ".join("".join(parser.parts).split())


# A tag or a character reference: what makes [moodle] text (HTML allowed) read as HTML.
_LOOKS_LIKE_HTML = re.compile(
    r"<[A-Za-z/!][^>]*>|&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#[xX][0-9A-Fa-f]+);"
)


def _formatted(raw: str, default_format: str) -> tuple[str, str]:
    """`raw` (escapes still protected) as shown text, and its format.

    A leading `[format]` marker sets the format, as Moodle's `parse_text_with_format` reads it;
    without one the text has `default_format`. HTML and Moodle-format text keep their words only,
    as the question text does, since everything is stored as plain text and escaped when shown.
    """
    text = raw.strip()
    text_format = default_format
    match = _FORMAT.match(text)
    if match:
        text_format, text = match["format"].lower(), text[match.end() :]
    text = _restore(text)
    if text_format == "html" or (text_format == "moodle" and _LOOKS_LIKE_HTML.search(text)):
        text = _html_to_text(text)
    return text, text_format


def _protect(text: str) -> str:
    for escape, placeholder in _ESCAPES.items():
        text = text.replace(escape, placeholder)
    return text.replace("\\n", "\n")


def _restore(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text.strip()


def _chunks(text: str):
    """Yield (first line number, text) for each question: blank lines separate them."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    current: list[str] = []
    start = 0
    depth = 0
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if stripped.startswith("//"):
            continue
        if depth == 0 and (not stripped or stripped.startswith(CATEGORY)):
            # A blank line ends a question; so does a category line, which is its own chunk
            # even when a question follows it directly (Moodle itself would swallow that one).
            if current:
                yield start, "\n".join(current)
            current = []
            if stripped:
                yield number, stripped
            continue
        if not current:
            start = number
        current.append(raw)
        protected = _protect(raw)
        depth = max(0, depth + protected.count("{") - protected.count("}"))
    if current:
        yield start, "\n".join(current)


def _split_answers(block: str) -> list[tuple[str, str]]:
    """The answer block as (marker, text) pairs, marker '=' or '~'."""
    parts = re.split(r"([=~])", block)
    answers = []
    if parts[0].strip():
        answers.append(("", parts[0]))
    for index in range(1, len(parts), 2):
        answers.append((parts[index], parts[index + 1]))
    return answers


def parse(text: str, limit: int | None = None) -> GiftResult:
    """Read every question of a GIFT file; problems carry the line each question starts on.

    With a `limit`, reading stops at the first question past it, with a problem saying so,
    so an oversized file costs no more than the largest one allowed.
    """
    result = GiftResult()
    for line, chunk in _chunks(text):
        protected = _protect(chunk).strip()
        if protected.startswith(CATEGORY):
            continue
        if limit is not None and len(result.questions) + len(result.problems) >= limit:
            result.problems.append(
                (line, f"the file has more than {limit:,} questions: split it into smaller files")
            )
            break
        try:
            result.questions.append(_question(line, protected))
        except ValueError as problem:
            result.problems.append((line, str(problem)))
    return result


def _question(line: int, text: str) -> GiftQuestion:
    title = ""
    match = _TITLE.match(text)
    if match:
        title, text = _restore(match["title"]), text[match.end() :].lstrip()
    # Moodle's default format for GIFT text is its own "moodle" format, which allows HTML.
    text_format = "moodle"
    match = _FORMAT.match(text)
    if match:
        text_format, text = match["format"].lower(), text[match.end() :]
    opening = text.find("{")
    if opening == -1:
        raise ValueError("a description without answers (no '{...}' block) is not a question")
    closing = text.find("}", opening)
    if closing == -1:
        raise ValueError("the answer block has no closing '}'")
    prompt = text[:opening].strip()
    tail = text[closing + 1 :].strip()
    if tail:
        # Missing-word format: the blank sits where the answers were.
        prompt = f"{prompt} _____ {tail}".strip()
    prompt, _ = _formatted(f"[{text_format}]{prompt}", text_format)
    if not prompt:
        raise ValueError("the question has no text")
    block = text[opening + 1 : closing].strip()
    # Moodle takes the last "####" as the start of the general feedback.
    block, _, general = block.rpartition("####") if "####" in block else (block, "", "")
    block = block.strip()
    explanation, _ = _formatted(general, text_format)
    label = f"'{title}'" if title else "this question"
    if not block:
        raise ValueError(f"{label} is an essay question, which is not supported")
    if block.startswith("#"):
        raise ValueError(f"{label} is a numeric question, which is not supported")
    head, *feedback = block.split("#", 2)
    if head.strip().upper() in _TRUE | _FALSE:
        feedback = [_formatted(part, text_format)[0] for part in feedback]
        return _true_false(
            line, title, prompt, head.strip().upper() in _TRUE, feedback, explanation
        )
    answers = _split_answers(block)
    if answers and answers[0][0] == "":
        raise ValueError(f"{label}: answers must start with '=' (right) or '~' (wrong)")
    if any("->" in text for _, text in answers):
        raise ValueError(f"{label} is a matching question, which is not supported")
    if all(marker == "=" for marker, _ in answers):
        raise ValueError(f"{label} is a short-answer question, which is not supported")
    return _choice_question(line, title, prompt, answers, explanation, label, text_format)


def _true_false(line, title, prompt, answer_true, feedback, explanation) -> GiftQuestion:
    # GIFT: the first feedback is shown for a wrong answer, the second for a right one.
    wrong = feedback[0] if feedback else ""
    right = feedback[1] if len(feedback) > 1 else ""
    choices = [
        GiftChoice("True", answer_true, right if answer_true else wrong),
        GiftChoice("False", not answer_true, wrong if answer_true else right),
    ]
    return GiftQuestion(line, title, "true_false", prompt, choices, explanation)


def _choice_question(line, title, prompt, answers, explanation, label, text_format) -> GiftQuestion:
    choices = []
    weighted = False
    # With an '=' answer the question is single-answer and partial weights are not right.
    has_equals = any(marker == "=" for marker, _ in answers)
    for marker, raw in answers:
        body, _, feedback = raw.partition("#")
        body = body.strip()
        weight = None
        match = _WEIGHT.match(body)
        if match:
            weighted = True
            weight, body = float(match["weight"]), body[match.end() :]
        correct = marker == "=" if has_equals else weight is not None and weight > 0
        text, _ = _formatted(body, text_format)
        choices.append(GiftChoice(text, correct, _formatted(feedback, text_format)[0]))
    right = sum(c.correct for c in choices)
    kind = "multiple" if (weighted and not has_equals and right > 1) else "single"
    if has_equals and right > 1:
        raise ValueError(
            f"{label} has more than one right answer: "
            "use ~%50% weights for a multiple-answer question"
        )
    if right == 0:
        raise ValueError(f"{label} has no right answer: mark one with '=' or a positive weight")
    if len(choices) < 2:
        raise ValueError(f"{label} needs at least two answers")
    if any(not c.text for c in choices):
        raise ValueError(f"{label} has an empty answer")
    return GiftQuestion(line, title, kind, prompt, choices, explanation)
