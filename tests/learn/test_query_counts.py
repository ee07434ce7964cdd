"""Each learner page issues a fixed number of queries, however much there is to show.

A page whose count grows with modules, lessons or attempts has a query per row somewhere:
fine with ten modules, a slow page with a hundred. We measure each page in a small world,
grow the world (more modules, more lessons, more attempts, reads and submissions), measure
again and require the same counts.
"""

import dataclasses

from course.extensions import db
from course.services import catalog, content_io, curriculum, practice, progress, quiz
from course.services.content_io import CURRICULUM_DIR, LessonSpec

MODULE = "share-information"
GOOD_POST = (
    "Flu season is here. Get your flu vaccine, wash your hands often, cover coughs and "
    "sneezes, and stay home when ill. See a doctor if you have trouble breathing. Find a "
    "vaccine near you: https://www.cdc.gov/flu/ #FluSeason"
)


def _specs():
    return [
        content_io.parse_module(path.read_text(encoding="utf-8"), path.name)
        for path in sorted(CURRICULUM_DIR.glob("*.md"))
    ]


def _pages(user_id: int) -> dict[str, str]:
    module = catalog.published_module(MODULE)
    lesson = module.published.lessons[0].key
    exercise = module.published.exercises[0].key
    return {
        "dashboard": "/",
        "module": f"/modules/{MODULE}",
        "lesson": f"/modules/{MODULE}/lessons/{lesson}",
        "quiz": f"/modules/{MODULE}/quiz",
        "exercise": f"/modules/{MODULE}/exercises/{exercise}",
    }


def _measure(client, count_queries, user_id: int) -> dict[str, int]:
    counts = {}
    for name, path in _pages(user_id).items():
        client.get(path)  # warm: a first read may record progress rows once
        with count_queries() as queries:
            response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(queries)
    return counts


def _activity(user_id: int, attempts: int, slugs: list[str]) -> None:
    """Reads of every lesson, several quiz attempts and exercise submissions; a lesson read
    in each of the other modules, so the dashboard has progress to show everywhere."""
    module = catalog.published_module(MODULE)
    for lesson in module.published.lessons:
        progress.record_lesson_read(user_id, module, lesson)
    for _ in range(attempts):
        attempt = quiz.start_attempt(user_id, module)
        quiz.submit_attempt(attempt, {})
        practice.submit(user_id, module, module.published.exercises[0], {"text": GOOD_POST})
    progress.refresh(user_id, module)
    for slug in slugs:
        other = catalog.published_module(slug)
        progress.record_lesson_read(user_id, other, other.published.lessons[0])
        progress.refresh(user_id, other)
    db.session.commit()


def test_learner_pages_issue_the_same_queries_in_a_bigger_world(
    app, client, auth, learner, count_queries
):
    specs = _specs()
    target = next(s for s in specs if s.slug == MODULE)
    for spec in (target, specs[0]):
        curriculum.load(spec)
    db.session.commit()
    auth.sign_in(learner)
    _activity(learner.id, attempts=1, slugs=[specs[0].slug])
    small = _measure(client, count_queries, learner.id)

    # More modules (the whole curriculum and copies), more lessons, more attempts.
    for spec in specs:
        curriculum.load(spec)
    copies = [
        dataclasses.replace(spec, slug=f"{spec.slug}-copy", order=20 + n)
        for n, spec in enumerate(specs[:6])
    ]
    for spec in copies:
        curriculum.load(spec)
    extra = [
        LessonSpec(key=f"extra-{n}", title=f"Extra lesson {n}", markdown="More to read.")
        for n in range(4)
    ]
    curriculum.load(dataclasses.replace(target, lessons=target.lessons + extra))
    db.session.commit()
    _activity(learner.id, attempts=5, slugs=[s.slug for s in specs + copies if s is not target])
    big = _measure(client, count_queries, learner.id)

    assert big == small, f"queries per page grew: small world {small}, bigger world {big}"


def test_a_lesson_read_again_is_two_selects_and_writes_nothing(
    curriculum, client, auth, learner, count_queries
):
    """The most visited page: the user, then the lesson's place and read state in one query;
    the lesson text comes from the process's cache. Only a first read writes."""
    auth.sign_in(learner)
    path = f"/modules/{MODULE}/lessons/lesson-1"
    with count_queries() as first:
        assert client.get(path).status_code == 200
    with count_queries() as again:
        assert client.get(path).status_code == 200
    assert any(q.lstrip().upper().startswith("INSERT") for q in first)
    assert len(again) == 2, again
    assert all(q.lstrip().upper().startswith("SELECT") for q in again), again
