"""The policy report over the JSON API: the page's rows, statuses, signatures and filters
(one service, policy_status), paging, bad parameters, and who may read it (per role)."""

import csv
import io
from datetime import timedelta

import pytest
from route_rules import API_ACCESS, rules_of

from course.extensions import db
from course.models import PolicyAssignment, Role
from course.services import accounts, clock, policies, policy_status, tokens
from course.services.scope import Scope

POLICY_TEXT = "## Social media\n\nNever post anything about a patient.\n"


@pytest.fixture
def ward(app, make_user):
    """A published policy asked of Ward A (Ann signed, Bob overdue, Cy pending) and of Dee in
    Ward B; Maya manages Ward A, Otto Ward B."""
    admin = make_user(email="ada@example.org", name="Ada Admin", roles={Role.ADMIN})
    policy = policies.create(admin.id, "Social media policy", POLICY_TEXT, clock.today(), "")
    policies.publish(admin.id, policy)
    maya = make_user(email="maya@example.org", name="Maya Manager", roles={Role.MANAGER})
    otto = make_user(email="otto@example.org", name="Otto Other", roles={Role.MANAGER})
    accounts.set_manager(maya.email, ["Ward A"])
    accounts.set_manager(otto.email, ["Ward B"])
    ann = make_user(email="ann@example.org", name="Ann Signer")
    bob = make_user(email="bob@example.org", name="Bob Late")
    cy = make_user(email="cy@example.org", name="Cy Pending")
    dee = make_user(email="dee@example.org", name="Dee Elsewhere", department="Ward B")
    policies.assign(admin.id, Scope(None), [policy.id], clock.today() + timedelta(days=5),
                    user_ids=[ann.id, cy.id, dee.id])  # fmt: skip
    db.session.add(  # made yesterday, due yesterday (the service refuses past dates now)
        PolicyAssignment(policy_id=policy.id, user_id=bob.id, due_on=clock.today() - timedelta(1))
    )
    policies.sign(ann, policy, shown_hash=policies.text_hash(policy.current), agreed=True,
                  typed_name=ann.name, password="correct-horse-battery",
                  ip_address="127.0.0.1", user_agent="pytest")  # fmt: skip
    db.session.commit()
    return {"admin": admin, "maya": maya, "otto": otto, "policy": policy, "ann": ann, "bob": bob}


def _get(client, token, query=""):
    return client.get(f"/api/v1/policies{query}", headers={"Authorization": f"Bearer {token}"})


def test_the_api_gives_the_pages_rows_and_the_csvs_values(ward, client, auth):
    raw, _ = tokens.create(ward["maya"], "HR system")
    body = _get(client, raw).get_json()
    assert body["total"] == 3  # Ward A only: Dee is not Maya's
    items = {item["learner"]: item for item in body["items"]}
    assert set(items) == {"Ann Signer", "Bob Late", "Cy Pending"}
    ann = items["Ann Signer"]
    assert ann["status"] == "signed"
    assert ann["policy"] == "Social media policy"
    assert ann["version"] == 1
    assert ann["due"] == (clock.today() + timedelta(days=5)).isoformat()
    [signed] = ann["signatures"]
    assert signed["version"] == 1
    assert signed["signed_at"].endswith("Z")
    assert items["Bob Late"]["status"] == "overdue"
    assert items["Cy Pending"]["status"] == "not_signed"
    assert items["Cy Pending"]["signatures"] == []

    # The CSV of the same filters holds the same rows and values, label for value.
    auth.sign_in(ward["maya"])
    exported = list(
        csv.DictReader(
            io.StringIO(
                client.get("/reports/policies/export.csv").get_data(as_text=True).lstrip("\ufeff")
            )
        )
    )
    labels = {s.value: label for s, label in policy_status.LABELS.items()}
    assert [
        (r["Learner"], r["Email"], r["Department"], r["Policy"], r["Status"], r["Due date"])
        for r in exported
    ] == [
        (i["learner"], i["email"], i["department"], i["policy"], labels[i["status"]], i["due"])
        for i in body["items"]
    ]
    page = client.get("/reports/policies").get_data(as_text=True)
    for item in body["items"]:
        assert item["learner"] in page


def test_filters_sort_and_paging_as_on_the_page(ward, client):
    raw, _ = tokens.create(ward["maya"], "HR system")
    overdue = _get(client, raw, "?status=overdue").get_json()
    assert [i["learner"] for i in overdue["items"]] == ["Bob Late"]
    by_due = _get(client, raw, "?sort=due&order=desc").get_json()["items"]
    assert by_due[-1]["learner"] == "Bob Late"
    today = clock.today()
    due_range = f"?due_from={today.isoformat()}&due_to={(today + timedelta(9)).isoformat()}"
    assert _get(client, raw, due_range).get_json()["total"] == 2
    first = _get(client, raw, "?per_page=2").get_json()
    assert (first["pages"], len(first["items"]), first["previous"]) == (2, 2, None)
    assert "page=2" in first["next"]
    assert "per_page=2" in first["next"]
    second = client.get(first["next"], headers={"Authorization": f"Bearer {raw}"}).get_json()
    assert [i["learner"] for i in second["items"]] == ["Cy Pending"]
    assert second["next"] is None
    policy_id = ward["policy"].id
    assert _get(client, raw, f"?policy={policy_id}").get_json()["total"] == 3


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("?page=9", 404, None),
        ("?status=nope", 400, "status"),
        ("?due_from=2027-02-30", 400, "due_from"),
        ("?due_from=2027-02-02&due_to=2027-02-01", 400, "due_to"),
        ("?per_page=0", 400, "per_page"),
        ("?per_page=501", 400, "per_page"),
        ("?sort=bogus", 400, "sort"),
        ("?policy=999999", 400, "policy"),
    ],
)
def test_bad_parameters_get_a_4xx_naming_the_field(ward, client, query, status, field):
    raw, _ = tokens.create(ward["maya"], "x")
    response = _get(client, raw, query)
    assert response.status_code == status
    body = response.get_json()
    assert body["error"]
    if field:
        assert list(body["fields"]) == [field]


def test_another_departments_manager_sees_only_theirs(ward, client):
    raw, _ = tokens.create(ward["otto"], "other")
    body = _get(client, raw).get_json()
    assert [i["learner"] for i in body["items"]] == ["Dee Elsewhere"]
    ward_a = ward["ann"].department_id
    assert _get(client, raw, f"?department={ward_a}").status_code == 400


#: A token's owner for each role tested (None: no token at all).
ROLES = [
    None,
    frozenset({Role.LEARNER}),
    frozenset({Role.TRAINER, Role.LEARNER}),
    frozenset({Role.MANAGER}),
    frozenset({Role.ADMIN}),
]


def test_every_api_route_says_who_may_read_it():
    assert set(rules_of("api")) == set(API_ACCESS)


@pytest.mark.parametrize(("rule", "method"), sorted(API_ACCESS))
@pytest.mark.parametrize("roles", ROLES, ids=lambda r: "+".join(sorted(r or ["none"])))
def test_each_api_route_per_role(ward, client, make_user, rule, method, roles):
    assert method == "GET"  # the API only reads
    headers = {}
    if roles is not None:
        person = make_user(roles=set(roles))
        if Role.MANAGER in roles:
            accounts.set_manager(person.email, ["Ward A"])
        db.session.commit()
        raw, _ = tokens.create(person, "role test")
        headers["Authorization"] = f"Bearer {raw}"
    response = client.get(rule, headers=headers)
    allowed = roles is not None and any(r.value in API_ACCESS[(rule, method)] for r in roles)
    assert response.status_code == (200 if allowed else 401), response.get_json()
    if allowed:
        assert "items" in response.get_json()
        if rule == "/api/v1/policies":
            # A manager of Ward A reads its three rows; an admin every department's four.
            assert response.get_json()["total"] == (4 if Role.ADMIN in roles else 3)
    else:
        assert response.get_json()["error"]


def test_a_signed_in_managers_cookie_does_not_open_the_api(ward, client, auth):
    auth.sign_in(ward["maya"])
    assert client.get("/api/v1/policies").status_code == 401


def test_the_api_reads_a_fixed_number_of_statements(ward, client, make_user, count_queries):
    raw, _ = tokens.create(ward["maya"], "HR system")
    _get(client, raw)  # the token's first use is noted (a write once a minute at most)
    with count_queries() as few:
        _get(client, raw)
    for n in range(20):
        person = make_user(email=f"p{n}@example.org", name=f"Person {n}")
        policies.assign(ward["admin"].id, Scope(None), [ward["policy"].id],
                        clock.today() + timedelta(days=5), user_ids=[person.id])  # fmt: skip
    db.session.commit()
    with count_queries() as many:
        assert _get(client, raw).get_json()["total"] == 23
    assert len(many) == len(few)
