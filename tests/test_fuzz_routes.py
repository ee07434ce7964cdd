"""No input gives a 5xx: every rule of the URL map, every method it takes, with ids past
what a database column holds (2^31 on PostgreSQL's integer, 2^63 on SQLite's), odd path
values, bad query values and forms with fields missing or wrong, as a person holding every
role and as a visitor who is signed out."""

import pytest
from route_rules import URL_MAP, concrete

from course.extensions import db
from course.models import Certificate, Module, Role
from course.models.types import utcnow
from course.services import content_io, curriculum

HUGE = [str(2**31), str(2**63), "9" * 40]
ODD = ["0", "-1", "x" * 3000, "Đà-Nẵng", "..", "%00", "a b", "1e3"]
BAD_QUERY = {
    **dict.fromkeys(
        ["page", "per_page", "learner", "department", "module", "user", "id", "quiz_size"],
        HUGE + ["-1", "abc", ""],
    ),
    **dict.fromkeys(["due_from", "due_to", "due_on"], ["2024-13-45", "9999999-01-01", "x"]),
    **dict.fromkeys(
        ["sort", "order", "status", "role", "active", "version", "kind", "target"],
        ["bogus", "", "x" * 3000],
    ),
    "q": ["x" * 5000, "%", "_\\", "a\x00b"],
    "next": ["//evil.example/", "https://evil.example/"],
}
BAD_FORMS = [
    {},
    {"type": "bogus", "prompt": "P", "choices-0-text": "A", "choices-0-correct": "y"},
    {"type": "", "kind": "bogus", "title": "T"},
    dict.fromkeys(
        [
            "page",
            "pass_mark",
            "quiz_size",
            "estimated_minutes",
            "position",
            "recert_months",
            "department",
            "modules",
            "learners",
            "user_ids",
            "managed_departments",
            "into",
        ],
        str(2**63),
    ),  # fmt: skip
    {"due_on": "2024-13-45", "target": "bogus", "roles": "bogus", "active": "maybe"},
    {"email": "a\x00@example.org", "password": "\x00", "name": "\x00", "prompt": "\x00"},
    {"name": "x" * 5000, "email": "x" * 5000, "title": "x" * 5000, "summary": "x" * 50_000},
]


def rules() -> list:
    return sorted(
        (rule for rule in URL_MAP.iter_rules() if rule.endpoint != "static"),
        key=lambda r: r.rule,
    )


@pytest.fixture
def world(app, make_user):
    """A person with every role, a published module, a certificate: real ids to vary."""
    path = content_io.CURRICULUM_DIR / "06-share-information.md"
    curriculum.load(content_io.parse_module(path.read_text(encoding="utf-8")))
    person = make_user(roles=set(Role), department="Ward A")
    module = db.session.scalar(db.select(Module))
    db.session.add(
        Certificate(
            code="known-code",
            user_id=person.id,
            module_id=module.id,
            revision_number=1,
            learner_name=person.name,
            module_title="T",
            issued_at=utcnow(),
        )
    )
    db.session.commit()
    return {
        "slug": "share-information",
        "key": module.published.lessons[0].key,
        "part": "lessons",
        "direction": "up",
        "code": "known-code",
        "attempt_id": 1,
        "user_id": person.id,
        "department_id": person.department_id,
        "token_id": 1,
    }, person


def urls_for(rule, valid: dict, odd: bool = True) -> list[str]:
    """The rule with valid values, then with each variable in turn given every odd value
    its converter lets through to the view (an int converter takes digits only)."""
    # A variable this test has no real value for (a new route's) gets a plain one.
    valid = {
        name: valid.get(name, "1" if type(c).__name__ == "IdConverter" else "x")
        for name, c in rule._converters.items()
    } | {k: v for k, v in valid.items() if k not in rule._converters}
    urls = [concrete(rule.rule, valid)]
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if kind == "AnyConverter":
            continue
        values = HUGE + (["0"] if kind == "IdConverter" else ODD if odd else [])
        urls += [concrete(rule.rule, valid | {name: value}) for value in values]
    return urls


def bad_queries() -> list[dict]:
    """Every query name at once, with its first bad value, then its second, ..."""
    longest = max(len(values) for values in BAD_QUERY.values())
    return [
        {name: values[index % len(values)] for name, values in BAD_QUERY.items()}
        for index in range(longest)
    ] + [{name: values[0]} for name, values in BAD_QUERY.items()]


def test_no_rule_answers_5xx_to_any_input(app, client, auth, world):
    valid, person = world
    app.config["SUBMISSIONS_PER_MINUTE"] = 10**6  # reach the views behind the rate limit
    failures = []

    def check(method, url, **kwargs):
        response = client.open(url, method=method, **kwargs)
        response.get_data()  # a streamed download runs to its end
        if response.status_code >= 500:
            args = kwargs.get("query_string") or kwargs.get("data") or ""
            failures.append(f"{method} {url[:100]} {str(args)[:300]} -> {response.status_code}")

    for signed_in in (False, True):
        if signed_in:
            auth.sign_in(person)
        for rule in rules():
            methods = sorted(rule.methods & {"GET", "POST"})
            for url in urls_for(rule, valid, odd=signed_in):
                for method in methods:
                    check(method, url)
            url = urls_for(rule, valid, odd=False)[0]
            if signed_in and "GET" in methods:
                for query in bad_queries():
                    check("GET", url, query_string=query)
            if signed_in and "POST" in methods:
                for form in BAD_FORMS:
                    check("POST", url, data=form)
            if signed_in and "sign-out" in rule.rule:
                auth.sign_in(person)  # the fuzz signed out: carry on signed in
    assert not failures, "\n".join(failures[:60]) + f"\n({len(failures)} in all)"
