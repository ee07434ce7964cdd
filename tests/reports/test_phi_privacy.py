"""What a PHI finding points to is shown to the learner who typed it, and to nobody else.

Findings are evidence: managers read them on the learner's page and in the evidence CSV,
trainers in item analysis. None of these repeats the patient's details, including findings
stored before messages stopped quoting them (evidence is never rewritten). The answer itself
stays part of the evidence.
"""

import csv
import io
import re

from sqlalchemy import select

from course.extensions import db
from course.models import ExerciseSubmission, Role
from course.services import item_analysis, practice

from .helpers import assign, catalog

LEAK = "Prayers for Kevin Mbeki in ICU after his heart attack #FluShot"
PATH = "/modules/hands-on-training/exercises/hashtag-post"
#: A finding as stored before this change, quoting what leaked.
LEGACY = {
    "code": "phi_name",
    "field": "text",
    "message": "In your post: This looks like a patient's name: 'Kevin Mbeki'. Remove the name.",
    "severity": "error",
}


def _post_exercise():
    module = catalog.published_module("hands-on-training")
    exercise = next(e for e in module.published.exercises if e.key == "hashtag-post")
    return module, exercise


def _findings_html(page: str) -> str:
    return " ".join(re.findall(r'<ul class="findings"[^>]*>.*?</ul>', page, re.S))


def test_the_learner_sees_what_leaked_next_to_the_finding(ward, client, auth):
    auth.sign_in(ward["learner"])
    page = client.post(PATH, data={"text": LEAK}).get_data(as_text=True)
    findings = _findings_html(page)
    assert "a patient&#39;s name" in findings
    assert "Found: <q>Kevin Mbeki</q>" in findings
    stored = db.session.scalar(select(ExerciseSubmission))
    name = next(f for f in stored.findings if f["code"] == "phi_name")
    assert "Kevin" not in name["message"]
    assert LEAK[name["start"] : name["end"]] == "Kevin Mbeki"


def test_managers_read_findings_without_patient_details(ward, client, auth):
    learner = ward["learner"]
    assign(ward["manager"], slug="hands-on-training")
    module, exercise = _post_exercise()
    practice.submit(learner.id, module, exercise, {"text": LEAK})
    db.session.add(
        ExerciseSubmission(
            user_id=learner.id,
            module_id=module.id,
            exercise_key=exercise.key,
            revision_number=module.published.number,
            kind="post",
            exercise={"title": exercise.title, "params": {}},
            answer={"text": LEAK},
            findings=[LEGACY],
            passed=False,
        )
    )
    db.session.commit()
    auth.sign_in(ward["manager"])

    page = client.get(f"/reports/learners/{learner.id}").get_data(as_text=True)
    findings = _findings_html(page)
    assert "a patient&#39;s name" in findings
    assert "Kevin" not in findings
    assert "Mbeki" not in findings

    text = client.get(f"/reports/evidence.csv?learner={learner.id}").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text[1:])))
    header = rows[0]
    exercise_rows = [r for r in rows if r[header.index("Kind")].startswith("exercise")]
    assert len(exercise_rows) == 2
    for row in exercise_rows:
        assert "a patient's name" in row[header.index("Findings")]
        assert "Kevin" not in row[header.index("Findings")]
        assert "Kevin Mbeki" in row[header.index("Answer")]  # the answer is the evidence


def test_trainers_read_item_analysis_without_patient_details(ward, client, auth, make_user):
    trainer = make_user(email="tara@example.org", name="Tara Trainer", roles={Role.TRAINER})
    module, exercise = _post_exercise()
    db.session.add(
        ExerciseSubmission(
            user_id=ward["colleague"].id,
            module_id=module.id,
            exercise_key=exercise.key,
            revision_number=module.published.number,
            kind="post",
            exercise={},
            answer={"text": LEAK},
            findings=[LEGACY],
            passed=False,
        )
    )
    db.session.commit()
    analysis = item_analysis.analyse(module.id)
    messages = [f.description for ex in analysis.exercises for f in ex.findings]
    assert any("a patient's name" in m for m in messages), messages
    assert not any("Kevin" in m for m in messages)
    auth.sign_in(trainer)
    page = client.get("/studio/modules/hands-on-training/analysis").get_data(as_text=True)
    assert "a patient&#39;s name" in page
    assert "Kevin" not in page
