"""The report, its CSV and the API read the same progress as the learner's pages, and keep
leavers: deactivated learners stay in the record, marked, behind a filter."""

import csv
import io

from model_answers import MODEL_ANSWERS

from course.extensions import db
from course.services import accounts, practice, progress, tokens
from course.services.steps import percent

from .helpers import assign, complete, module

SLUG = "hands-on-training"


def _csv(client, query="") -> list[dict]:
    text = client.get(f"/reports/export.csv{query}").get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def _api(client, raw, query="") -> dict:
    return client.get(
        f"/api/v1/report{query}", headers={"Authorization": f"Bearer {raw}"}
    ).get_json()


def test_progress_reads_the_same_on_every_page_export_and_the_api(ward, client, auth):
    manager, learner = ward["manager"], ward["learner"]
    assign(manager, SLUG)
    mod = module(SLUG)
    for lesson in mod.published.lessons:
        progress.record_lesson_read(learner.id, mod, lesson)
    for exercise in mod.published.exercises:
        practice.submit(learner.id, mod, exercise, MODEL_ANSWERS[exercise.key])
    db.session.commit()
    lessons, exercises = len(mod.published.lessons), len(mod.published.exercises)
    expected = percent(lessons, lessons, exercises, exercises, False, False)
    assert expected == 100 * (lessons + exercises) // (lessons + exercises + 1)

    auth.sign_in(manager)
    page = client.get("/reports/?q=sofia").get_data(as_text=True)
    assert f"{expected}%" in page
    [row] = [r for r in _csv(client) if r["Learner"] == "Sofía Álvarez"]
    assert row["Progress (%)"] == str(expected)
    raw, _ = tokens.create(manager, "HR")
    db.session.commit()
    [item] = [i for i in _api(client, raw)["items"] if i["learner"] == "Sofía Álvarez"]
    assert item["progress"] == expected
    auth.sign_out()
    auth.sign_in(learner)
    assert f'value="{expected}"' in client.get(f"/modules/{SLUG}").get_data(as_text=True)


def test_a_leaver_stays_in_the_record_marked_and_filtered(ward, client, auth):
    manager, learner = ward["manager"], ward["learner"]
    assign(manager)
    complete(learner.id)
    admin = accounts.create_user("root@example.org", "Ada Admin", "a-long-passphrase", {"admin"})
    accounts.update_user(
        learner.id,
        name=learner.name,
        email=learner.email,
        department="Ward A",
        roles=learner.roles,
        active=False,
        actor_id=admin.id,
    )
    db.session.commit()
    auth.sign_in(manager)

    active = client.get("/reports/").get_data(as_text=True)
    assert "Sofía Álvarez" not in active
    assert "(active staff)" in active
    everyone = client.get("/reports/?people=all").get_data(as_text=True)
    assert "Sofía Álvarez" in everyone
    assert "Deactivated</span>" in everyone
    assert "(everyone)" in everyone
    leavers = client.get("/reports/?people=deactivated").get_data(as_text=True)
    assert "Sofía Álvarez" in leavers
    assert "Jonas Berg" not in leavers
    assert "100%" in leavers  # one leaver, one completion: the rate is over leavers

    [row] = [r for r in _csv(client, "?people=all") if r["Learner"] == "Sofía Álvarez"]
    assert row["Account"] == "Deactivated"
    assert row["Status"] == "Completed"
    assert not [r for r in _csv(client) if r["Learner"] == "Sofía Álvarez"]

    raw, _ = tokens.create(manager, "HR")
    db.session.commit()
    names = {i["learner"]: i for i in _api(client, raw, "?people=all")["items"]}
    assert names["Sofía Álvarez"]["active"] is False
    assert "Sofía Álvarez" not in {i["learner"] for i in _api(client, raw)["items"]}
    assert client.get("/reports/?people=gone").status_code == 400
