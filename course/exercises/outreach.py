"""The `outreach` exercise: reach out to an expert or to peers, for a clear purpose, safely.

Two channels (the `channel` setting): a LinkedIn invitation note (300 characters, S) or a post
to a professional group asking peers a practice question (a LinkedIn post's 3,000 characters,
S). A clear purpose and no patient case are our teaching rules (U): word-pattern heuristics,
English only. A case told "anonymously" still identifies someone when it carries an age, a date,
a place, a job or a rare condition, so a single patient's story with any of these fails, and
without them draws a warning.
"""

from __future__ import annotations

import re

from . import limits
from .answers import phi_findings, read_text
from .fields import AnswerField
from .findings import Finding, error, warning

DEFAULTS = {"channel": "invitation"}

CODES = {
    "outreach_empty": "No message",
    "outreach_too_long": "The message was over the platform's length limit",
    "outreach_no_context": "Did not say how they know the person or why them",
    "outreach_no_purpose": "Did not say why they were reaching out",
    "outreach_no_question": "Did not ask peers a question",
    "outreach_too_vague": "The question lacked the context peers need",
    "outreach_patient_case": "Described a patient's case with identifying details",
    "outreach_patient_story": "Told a single patient's story",
}

_I = re.IGNORECASE
_CONTEXT = re.compile(
    r"\b(?:met|heard|saw|enjoyed|attended|read|watched|listened|followed|following|admire"
    r"|liked|your\s+(?:talk|session|workshop|lecture|presentation|article|post|paper|webinar"
    r"|course|keynote|work|research|book|podcast|panel)|we\s+both|mutual|recommended"
    r"|introduc\w*|suggested|conference|training|event|workshop|course|seminar|meeting"
    r"|summit|forum|group|colleague)\b",
    _I,
)
_PURPOSE = re.compile(
    r"\b(?:I'?d\s+(?:like|love|value|welcome|appreciate|be\s+glad)|I\s+would\s+(?:like|love"
    r"|value|welcome|appreciate|be\s+glad)|I\s+hope|I'?m\s+(?:keen|hoping|interested|looking)"
    r"|(?:would|could)\s+you|(?:may|can)\s+I|to\s+(?:learn|ask|discuss|exchange|share"
    r"|stay\s+in\s+touch|keep\s+in\s+touch|connect|follow|hear|compare|swap)|looking\s+forward"
    r"|interested\s+in|keen\s+to|let'?s|grateful\s+for|any\s+(?:advice|tips|pointers))\b",
    _I,
)
_SETTING = re.compile(
    r"\b(?:we|we're|we've|our|I|I'm|I've|my)\b",
    _I,
)

_PATIENT_WORD = (
    r"(?:patient|client|resident|lady|gentleman|man|woman|boy|girl|child|baby|toddler"
    r"|teen(?:ager)?|newborn|infant)"
)
_ADJECTIVE = r"(?:(?:young|elderly|older|new|local|frequent|regular|pregnant|male|female)\s+)?"
_NOT_A_PERSON = (
    r"(?!\s+(?:portal|experience|survey|safety|education|leaflets?|information|groups?"
    r"|feedback|journeys?|pathways?|care|records?|relations|advocates?|engagement|voices?))"
)
_ONE_PERSON = re.compile(
    # "our patient", "this lady", "the man in ...": a particular person
    rf"\b(?:my|our|this|that|the)\s+{_ADJECTIVE}{_PATIENT_WORD}\b{_NOT_A_PERSON}"
    # "a patient who came in", "a woman posted": a story, not "when a patient asks"
    rf"|\ba\s+{_ADJECTIVE}{_PATIENT_WORD}\s+(?:who\s+|that\s+)?(?:was|had|came|posted"
    r"|told|said|asked|wanted|tagged|filmed|shared|complained|arrived|presented|died|called"
    r"|wrote|left|got|recently|last)\b"
    r"|\bone\s+of\s+(?:my|our)\s+patients\b|\ba\s+case\s+(?:of|where|in\s+which)\b"
    r"|\bpresented\s+with\b|\bcame\s+in\s+with\b",
    _I,
)
# "When a patient asks ..." is a general situation, not someone's story.
_HYPOTHETICAL = re.compile(
    r"\b(?:when|whenever|if|once|should|where|after|before|every\s+time|each\s+time)"
    r"(?:\s+\S+){0,2}\s*$",
    _I,
)
_SPECIFICS = (
    (
        "an age",
        re.compile(
            r"\b\d{1,3}[- ]?(?:year|yr)s?[- ]?old\b|\baged\s+\d{1,3}\b"
            r"|\bin\s+(?:his|her|their)\s+(?:early\s+|late\s+|mid-?)?\d0s\b"
            r"|\b\d{1,3}\s?(?:yo|y/o|y\.o\.)(?!\w)|\b\d{1,3}\s?[MF]\b",
            _I,
        ),
    ),
    (
        "a time",
        re.compile(
            r"\b(?:yesterday|today|tonight|this\s+(?:morning|afternoon|evening|week)"
            r"|last\s+(?:night|week|month|shift|weekend|monday|tuesday|wednesday|thursday"
            r"|friday|saturday|sunday)|on\s+(?:monday|tuesday|wednesday|thursday|friday"
            r"|saturday|sunday)|\d{1,2}/\d{1,2}(?:/\d{2,4})?)\b",
            _I,
        ),
    ),
    (
        "a place",
        re.compile(
            r"\b(?:bed|bay|room|cubicle|side\s+room|ward|unit|floor)\s+\d+[A-Za-z]?\b"
            r"|\bfrom\s+(?:the\s+)?[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]{2,})?\b"
            r"|\b(?:lives|living)\s+(?:in|on|near)\b",
        ),
    ),
    (
        "a job",
        re.compile(
            r"\b(?:a|an)\s+(?:local\s+|retired\s+|well-known\s+)?(?:teacher|firefighter"
            r"|police\s+officer|farmer|pilot|priest|vicar|councillor|footballer|athlete|mayor"
            r"|professor|celebrity|lawyer|judge|journalist|surgeon|MP|senator|coach)\b",
            _I,
        ),
    ),
    (
        "a rare condition",
        re.compile(
            r"\b(?:rare|unusual|one\s+in\s+a\s+million|first\s+case|only\s+case|never\s+seen"
            r"|textbook\s+case|weirdest|strangest)\b",
            _I,
        ),
    ),
)

_EXAMPLE_INVITATION = (
    "'Hi Dr Okafor, I enjoyed your session on patient privacy at the Riverside training day. "
    "I'd like to stay in touch and learn from your work on safe social media.'"
)


def fields(params: dict) -> tuple[AnswerField, ...]:
    """One box, named for the channel."""
    if params["channel"] == "group_post":
        return (
            AnswerField(
                "message",
                "Your post to the group",
                "textarea",
                "Your setting, what you have tried, and one clear question for your peers.",
                rows=7,
            ),
        )
    return (
        AnswerField(
            "message",
            "Your invitation note",
            "textarea",
            "Sent with your connection request: how you know them and why you want to connect.",
            rows=4,
        ),
    )


def describe(params: dict) -> list[str]:
    """The rules for the exercise's channel, as shown before the learner answers."""
    privacy = (
        "Never describe a patient's case, even without a name: an age, a date, a place, a job "
        "or a rare condition can identify someone. Ask in general terms."
    )
    if params["channel"] == "group_post":
        return [
            f"Write a post of at most {limits.LINKEDIN_POST_MAX:,} characters for a "
            "professional group.",
            "Give your setting and what you have tried, then ask one clear question, "
            "ending with '?'.",
            privacy,
            "Leave out anything that could identify a patient.",
        ]
    return [
        f"Write the note LinkedIn sends with an invitation: at most "
        f"{limits.LINKEDIN_INVITATION_NOTE_MAX} characters.",
        "Say how you know the person or why you are writing to them.",
        "Say what you hope for, e.g. to stay in touch or to ask about their work.",
        privacy,
    ]


def _one_person(text: str) -> re.Match | None:
    for m in _ONE_PERSON.finditer(text):
        if not _HYPOTHETICAL.search(text[max(0, m.start() - 30) : m.start()]):
            return m
    return None


def _case(text: str) -> list[Finding]:
    person = _one_person(text)
    age = _SPECIFICS[0][1].search(text)
    if not person and not age:
        return []
    found = [(what, m) for what, rx in _SPECIFICS if (m := rx.search(text))]
    if found:
        what = " and ".join(dict.fromkeys(w for w, _ in found))
        phrase = " ".join(found[0][1].group(0).split())
        return [
            error(
                "outreach_patient_case",
                "message",
                f"You describe one patient's case with {what} ('{phrase}'). Even without a name, "
                "such details can identify someone to the people who know them. Ask in general "
                "terms instead, e.g. 'How do other wards handle relatives who film on the "
                "ward?'",
            )
        ]
    return [
        warning(
            "outreach_patient_story",
            "message",
            "You tell one patient's story. Keep it general (what kind of situation, not whose), "
            "so that nothing in it points to a person.",
        )
    ]


def validate(answer, params: dict) -> list[Finding]:
    """Check an invitation note or a post to a professional group.

    Answer: `{"message": str}`. Errors: outreach_empty, outreach_too_long,
    outreach_no_context, outreach_no_purpose (invitation), outreach_no_question,
    outreach_too_vague (group post), outreach_patient_case, phi_<kind>. Warning:
    outreach_patient_story, and outreach_no_context for a group post.
    """
    text, out = read_text(answer, "message", "Your message")
    s = text.strip()
    if not s:
        return [*out, error("outreach_empty", "message", "Write your message first.")]
    invitation = params["channel"] != "group_post"
    limit = limits.LINKEDIN_INVITATION_NOTE_MAX if invitation else limits.LINKEDIN_POST_MAX
    if len(s) > limit:
        what = "An invitation note" if invitation else "A LinkedIn post"
        out.append(
            error(
                "outreach_too_long",
                "message",
                f"Your message is {len(s):,} characters. {what} may have {limit:,}: shorten it "
                f"by {len(s) - limit:,}.",
            )
        )
    if invitation:
        if not _CONTEXT.search(s):
            out.append(
                error(
                    "outreach_no_context",
                    "message",
                    "Say how you know them or why you are writing to them: a note without it "
                    f"reads like spam. For example: {_EXAMPLE_INVITATION}",
                )
            )
        if not _PURPOSE.search(s):
            out.append(
                error(
                    "outreach_no_purpose",
                    "message",
                    "Say what you hope for, e.g. 'I'd like to stay in touch and learn from "
                    "your work on ...'.",
                )
            )
    else:
        if "?" not in s:
            out.append(
                error(
                    "outreach_no_question",
                    "message",
                    "Ask your peers one clear question, ending with '?', e.g. 'How do your "
                    "wards answer relatives who ask for updates on Facebook?'",
                )
            )
        if len(s.split()) < limits.OUTREACH_GROUP_POST_MIN_WORDS:
            out.append(
                error(
                    "outreach_too_vague",
                    "message",
                    "Give peers the context they need to answer: your setting and what you "
                    "have tried so far, in a sentence or two before the question.",
                )
            )
        elif not _SETTING.search(s):
            out.append(
                warning(
                    "outreach_no_context",
                    "message",
                    "Say where you work or what you have tried, so peers can answer for your "
                    "setting.",
                )
            )
    out += _case(s)
    out += phi_findings(text, "message", "your message")
    return out
