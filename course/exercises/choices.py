"""What trainers choose from in an exercise's settings: fixed lists with their meaning.

Kept apart from the kinds that use them so that params.py can offer them in the studio
without importing a validator.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The outreach exercise's channels: value -> what people call it.
CHANNELS = {
    "invitation": "LinkedIn invitation note",
    "group_post": "Post to a professional group",
}

#: What the learner may do with a mention: (value, label).
ACTIONS = (
    ("reply_public", "Reply publicly"),
    ("private", "Move it to a private channel"),
    ("escalate", "Escalate to the privacy officer or communications team"),
    ("correct", "Correct it publicly with an official source"),
    ("none", "No action"),
)
ACTION_LABELS = dict(ACTIONS)


@dataclass(frozen=True)
class Mention:
    """One post in the feed. `text` may hold {handle}, the organisation's handle.

    `accepted` are the right actions; `why` says what to do and why, shown when the learner
    picks another; `about` says what kind of mention it is, for trainers.
    """

    key: str
    about: str
    author: str
    text: str
    accepted: frozenset[str]
    why: str


MENTIONS = {
    m.key: m
    for m in (
        Mention(
            "question",
            "A question about a service",
            "@sam_k_runs",
            "@{handle} do you do walk-in flu shots on Saturdays, or do I need to book?",
            frozenset({"reply_public"}),
            "It is a general question about a service: answer it publicly, so that everyone "
            "who wonders the same sees the answer.",
        ),
        Mention(
            "complaint",
            "A complaint about a visit",
            "@mara_t",
            "Sat 3 hours in @{handle} A&E last night with my daughter and nobody told us "
            "anything. Disgraceful.",
            frozenset({"private"}),
            "It is a complaint about someone's care: acknowledge it briefly and move it to a "
            "private channel (a message, a phone line). Discussing the visit in public would "
            "confirm that they were a patient.",
        ),
        Mention(
            "own_diagnosis",
            "A patient sharing their own diagnosis",
            "@lucy_writes",
            "Diagnosed with breast cancer at @{handle} this week. Scared, but the team were "
            "so kind 💗",
            frozenset({"none"}),
            "They chose to share their own diagnosis; the organisation must not add to it or "
            "confirm it in public. Leave it be, and pass the kind words on to the team.",
        ),
        Mention(
            "rumour",
            "A rumour during a power outage",
            "@local_news_fan",
            "Heard @{handle} hospital has lost all power and is turning everyone away, even "
            "ambulances!! Share this!!",
            frozenset({"correct"}),
            "A false rumour in an emergency spreads fast and keeps people from care: correct "
            "it publicly with the facts and a link to your official update page.",
        ),
        Mention(
            "praise",
            "Praise from a relative",
            "@dev_p",
            "Shout-out to the nurses on the 3rd floor at @{handle}, they looked after my dad "
            "so well last week 🙏",
            frozenset({"reply_public", "none"}),
            "A thank-you can be answered in general words ('Thank you, we will pass this on to "
            "the team'), without mentioning their dad, the ward or the stay; or left as it is.",
        ),
        Mention(
            "staff_leak",
            "A colleague's post about a patient",
            "@nurse_jo_rn",
            "Wild night in ED 😂 guy in bay 4 swallowed his earbuds, x-ray to prove it "
            "#nightshift @{handle}",
            frozenset({"escalate"}),
            "A colleague's post reveals a patient's care: escalate it to your privacy officer "
            "at once so that it is taken down. A public reply draws more eyes to it.",
        ),
        Mention(
            "spam",
            "Spam",
            "@growth_hax_4u",
            "🔥 Get 10K real followers for $5!!! DM us now @{handle} 🔥",
            frozenset({"none"}),
            "It is spam: do not reply (report or hide it if the platform lets you).",
        ),
        Mention(
            "competitor_idea",
            "Another organisation's good idea",
            "@LakesideClinic",
            "Our new text reminders cut missed appointments this year. Ask us how! "
            "#PatientExperience",
            frozenset({"none", "escalate"}),
            "It is another organisation's idea, not a conversation with you: no public reply. "
            "Note the idea and pass it to your team.",
        ),
    )
}
