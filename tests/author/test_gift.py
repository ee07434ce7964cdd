"""The GIFT parser (pure) and the GIFT import into a draft (all or nothing)."""

import io

import pytest

from course.services import authoring, gift
from course.services.content_io import ContentError


def one(text: str) -> gift.GiftQuestion:
    result = gift.parse(text)
    assert result.problems == []
    assert len(result.questions) == 1
    return result.questions[0]


def summary(question: gift.GiftQuestion) -> tuple:
    return (question.type, [(c.text, c.correct) for c in question.choices])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Capital of France? {=Paris ~London ~Rome}",
         ("single", [("Paris", True), ("London", False), ("Rome", False)])),
        ("Pick two {~%50%A ~%50%B ~%-100%C}",
         ("multiple", [("A", True), ("B", True), ("C", False)])),
        ("Pick two {~%50.5%A ~%49.5%B ~C}",
         ("multiple", [("A", True), ("B", True), ("C", False)])),
        ("Only one weighted {~%100%A ~%0%B}", ("single", [("A", True), ("B", False)])),
        ("Partial credit still single {=A ~%50%B ~C}",
         ("single", [("A", True), ("B", False), ("C", False)])),
        ("The sky is blue. {T}", ("true_false", [("True", True), ("False", False)])),
        ("The sky is green. {F}", ("true_false", [("True", False), ("False", True)])),
        ("The sky is blue. {TRUE}", ("true_false", [("True", True), ("False", False)])),
        ("The sky is green. {FALSE}", ("true_false", [("True", False), ("False", True)])),
        ("Multi-line {\n=right\n~wrong\n}", ("single", [("right", True), ("wrong", False)])),
        ("Escapes {=a \\= b ~c \\~ d ~e \\# f ~g \\{h\\} ~i\\:j}",
         ("single", [("a = b", True), ("c ~ d", False), ("e # f", False), ("g {h}", False),
                     ("i:j", False)])),
    ],
)  # fmt: skip
def test_supported_questions(text, expected):
    assert summary(one(text)) == expected


def test_title_feedback_comments_and_general_feedback():
    text = (
        "// a comment line\n"
        "::Privacy 1:: Who may see a chart? {\n"
        "  =The care team #Right: need to know.\n"
        "  ~Anyone on the ward #No: only those who need it.\n"
        "  ####Charts are confidential.\n"
        "}\n"
    )
    question = one(text)
    assert question.title == "Privacy 1"
    assert question.prompt == "Who may see a chart?"
    assert question.line == 2
    assert question.choices[0].feedback == "Right: need to know."
    assert question.choices[1].feedback == "No: only those who need it."
    assert question.explanation == "Charts are confidential."
    assert question.key_hint == "privacy-1"


def test_true_false_feedback_goes_to_the_right_choice():
    question = one("Blurring a face always anonymises. {F#Not always.#Right, it does not.}")
    assert [(c.text, c.feedback) for c in question.choices] == [
        ("True", "Not always."),
        ("False", "Right, it does not."),
    ]


def test_format_markers():
    assert one("[markdown]Is **this** bold? {T}").prompt == "Is **this** bold?"
    assert one("[html]<p>Is <b>this</b> bold?</p> {T}").prompt == "Is this bold?"
    assert one("[plain]Plain {T}").prompt == "Plain"


def test_missing_word_format_keeps_a_blank():
    assert one("Wash your {=hands ~feet} often.").prompt == "Wash your _____ often."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("::E:: Write an essay {}", "essay"),
        ("::N:: What is 2+2? {#4}", "numeric"),
        ("::M:: Match {=cat -> meow =dog -> woof}", "matching"),
        ("::S:: Who? {=Alice =Bob}", "short-answer"),
        ("No answers at all", "description"),
        ("Never closed {=a ~b", "closing"),
        ("Two right {=a =b ~c}", "more than one right"),
        ("No right {~a ~b}", "no right answer"),
    ],
)
def test_unsupported_and_broken_questions_are_reported_by_line(text, message):
    source = "::Good:: Fine {=a ~b}\n\n// comment\n" + text + "\n"
    result = gift.parse(source)
    assert [q.title for q in result.questions] == ["Good"]
    assert len(result.problems) == 1
    line, problem = result.problems[0]
    assert line == 4
    assert message in problem


def test_category_lines_are_skipped_and_crlf_is_fine():
    result = gift.parse("$CATEGORY: $course$/Privacy\r\n\r\nQ {T}\r\n\r\nR {=a ~b}\r\n")
    assert [q.prompt for q in result.questions] == ["Q", "R"]


@pytest.mark.parametrize(
    "source",
    [
        "$CATEGORY: Infection control\n::Hands:: Wash for 20 s? {T}\n",
        "$CATEGORY: Infection control\r\n::Hands:: Wash for 20 s? {T}\r\n",
        "// top\n$CATEGORY: $course$/top/Infection control\n::Hands:: Wash for 20 s?\n{T}\n",
        "::Hands:: Wash for 20 s? {T}\n$CATEGORY: Other\n",
    ],
)
def test_a_question_right_after_a_category_line_is_read(source):
    result = gift.parse(source)
    assert result.problems == []
    assert [(q.title, q.prompt) for q in result.questions] == [("Hands", "Wash for 20 s?")]
    assert result.questions[0].line == (
        1 if source.startswith("::") else source.count("\n", 0, source.index("::")) + 1
    )


# What Moodle 4.x writes for a question whose text is HTML and whose answers and feedback are in
# its own "moodle" format (question/format/gift/format.php: a marker wherever the format differs
# from the question text's).
MOODLE_EXPORT = r"""// question: 1234  name: Photos
::Photos::[html]<p>When may you post a photo of a patient?</p>{
    =[moodle]When the patient's face is hidden.#[moodle]Not enough\: consent is needed.
    ~[moodle]With <b>written</b> consent.#[html]<p>Right\: consent comes first.</p>
    ~[plain]Never <ever>.
    ####<p>Ask for <em>written</em> consent &amp; check the policy.</p>
}
""".replace("\n    ", "\n\t")  # Moodle indents answers with a tab


def test_format_markers_on_answers_and_feedback_as_moodle_exports_them():
    question = one(MOODLE_EXPORT)
    assert question.prompt == "When may you post a photo of a patient?"
    assert [(c.text, c.feedback) for c in question.choices] == [
        ("When the patient's face is hidden.", "Not enough: consent is needed."),
        ("With written consent.", "Right: consent comes first."),
        ("Never <ever>.", ""),
    ]
    assert question.explanation == "Ask for written consent & check the policy."


@pytest.mark.parametrize(
    ("text", "choices", "explanation"),
    [
        # An unmarked answer takes the question text's format (here HTML).
        ("[html]<p>Q</p> {=<b>A</b> ~B#<i>no</i> ####<p>Why</p>}",
         [("A", "", True), ("B", "no", False)], "Why"),
        # Weights come before the marker.
        ("Pick {~%50%[html]<b>A</b> ~%50%[moodle]B ~%-100%[plain]<C>}",
         [("A", "", True), ("B", "", True), ("<C>", "", False)], ""),
        ("[markdown]Is **this** right? {=[markdown]**Yes** ~No ####[html]<p>Bold &gt; plain</p>}",
         [("**Yes**", "", True), ("No", "", False)], "Bold > plain"),
        ("Unmarked <b>HTML</b> text {=A ~B}", [("A", "", True), ("B", "", False)], ""),
    ],
)  # fmt: skip
def test_format_markers_wherever_gift_allows_them(text, choices, explanation):
    question = one(text)
    assert [(c.text, c.feedback, c.correct) for c in question.choices] == choices
    assert question.explanation == explanation
    assert "<" not in question.prompt


def test_true_false_feedback_with_markers():
    question = one(
        "[html]<p>Blur hides a face.</p>{F#[html]<p>Not <b>always</b>.</p>#[plain]Right.}"
    )
    assert question.prompt == "Blur hides a face."
    assert [c.feedback for c in question.choices] == ["Not always.", "Right."]


def test_import_adds_to_a_draft_or_nothing(app, trainer, as_trainer):
    module = authoring.create_module(trainer.id, "bank", "Bank")
    keys, skipped = authoring.import_gift(
        module, trainer.id, "::A:: A? {T}\n\n::A:: Again? {F}\n", "b.txt"
    )
    assert keys == ["a", "a-2"]
    assert skipped == []
    with pytest.raises(ContentError) as error:
        authoring.read_gift("Fine {T}\n\n\nEssay {}\n", "bad.txt")
    assert error.value.problems[0][0] == 4
    assert len(authoring.module_by_slug("bank").draft.questions) == 2

    response = as_trainer.post(
        "/studio/modules/bank/import-gift",
        data={"file": (io.BytesIO(b"Fine {T}\n\nNumber {#3}\n"), "bank.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "bank.txt, line 3" in response.get_data(as_text=True)
    assert len(authoring.module_by_slug("bank").draft.questions) == 2


MIXED = (
    "::Good:: Fine? {T}\n"
    "\n"
    "::Essay:: Tell us {}\n"
    "\n"
    "$CATEGORY: Numbers\n"
    "::Num:: 2+2? {#4}\n"
    "\n"
    "::Also good:: Pick {=a ~b}\n"
    "\n"
    "::No right:: Pick {~a ~b}\n"
)


def test_import_the_supported_questions_and_list_the_skipped_by_line(app, trainer):
    module = authoring.create_module(trainer.id, "mixed", "Mixed")
    with pytest.raises(ContentError) as error:
        authoring.import_gift(module, trainer.id, MIXED, "mixed.txt")
    assert [line for line, _ in error.value.problems] == [3, 6, 10]

    keys, skipped = authoring.import_gift(
        module, trainer.id, MIXED, "mixed.txt", skip_unsupported=True
    )
    assert keys == ["good", "also-good"]
    assert [line for line, _ in skipped] == [3, 6, 10]
    assert "essay" in skipped[0][1]
    assert "numeric" in skipped[1][1]
    assert "no right answer" in skipped[2][1]
    draft = authoring.module_by_slug("mixed").draft
    assert [q.key for q in draft.questions] == ["good", "also-good"]
    # Nothing importable is still refused, whatever the choice.
    with pytest.raises(ContentError):
        authoring.import_gift(module, trainer.id, "Essay {}\n", "e.txt", skip_unsupported=True)


def test_the_import_page_offers_both_choices(app, trainer, as_trainer):
    authoring.create_module(trainer.id, "bank2", "Bank 2")
    page = as_trainer.get("/studio/modules/bank2/import-gift").get_data(as_text=True)
    assert "Import nothing, and list every problem by line" in page
    assert "Import the supported questions, and list the skipped ones by line" in page

    response = as_trainer.post(
        "/studio/modules/bank2/import-gift",
        data={"file": (io.BytesIO(MIXED.encode()), "mixed.txt"), "when_unsupported": "skip"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = as_trainer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported 2 questions into the draft." in page
    assert "Skipped 3 questions of mixed.txt, by line: line 3:" in page
    assert "line 6:" in page
    assert "line 10:" in page
    assert "skipped 3: line 3" in page  # the module's history keeps the whole list
    assert len(authoring.module_by_slug("bank2").draft.questions) == 2

    response = as_trainer.post(
        "/studio/modules/bank2/import-gift",
        data={"file": (io.BytesIO(MIXED.encode()), "mixed.txt"), "when_unsupported": "nothing"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "mixed.txt, line 6" in response.get_data(as_text=True)
    assert len(authoring.module_by_slug("bank2").draft.questions) == 2

    response = as_trainer.post(
        "/studio/modules/bank2/import-gift",
        data={"file": (io.BytesIO(MIXED.encode()), "mixed.txt"), "when_unsupported": "half"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert len(authoring.module_by_slug("bank2").draft.questions) == 2
