"""Every query parameter of the report page, its downloads and the API is validated the same
way: each bad value below gets a 400 that names the parameter (next to its field on the page,
under `fields` in the API's JSON), never a 200 that quietly used a default."""

import pytest

from course.services import tokens

from .helpers import assign

BAD = {
    "q": ["x" * 121],
    "job_title": ["bogus", "x" * 300],
    "department": ["abc", "1.5", "-1", str(2**63), "99999", "1e3"],
    "module": ["abc", "1.5", "-1", str(2**63), "99999"],
    "status": ["bogus", "COMPLETED", "x" * 300],
    "due_from": ["2024-13-45", "x", "9999999-01-01", "2025-02-30", "31/01/2025"],
    "due_to": ["2024-13-45", "x", "2025-02-30"],
    "sort": ["bogus", "Learner", "x" * 300],
    "order": ["bogus", "DESC"],
    "page": ["abc", "0", "-1", "1.5", "1e3"],
}
#: Parameters only some addresses take.
ONLY = {
    "learner": (["abc", "0", "-1", str(2**31), "1.5"], ["/reports/evidence.csv"]),
    "per_page": (["abc", "0", "501", "-1", "1.5", str(2**63)], ["/api/v1/report"]),
}
PAGES = ["/reports/", "/reports/export.csv", "/reports/evidence.csv"]
SHOWN = {"q", "job_title", "department", "module", "status", "due_from", "due_to", "sort", "order"}


def bad_values(url):
    """(parameter, value) for every bad value `url` takes a parameter for."""
    table = dict(BAD) | {name: values for name, (values, urls) in ONLY.items() if url in urls}
    return [(name, value) for name, values in table.items() for value in values]


@pytest.fixture
def token(ward):
    assign(ward["manager"])
    raw, _ = tokens.create(ward["manager"], "HR system")
    return raw


def test_the_api_refuses_each_bad_value_naming_its_parameter(client, token):
    wrong = []
    for name, value in bad_values("/api/v1/report"):
        response = client.get(
            "/api/v1/report",
            query_string={name: value},
            headers={"Authorization": f"Bearer {token}"},
        )
        body = response.get_json()
        if response.status_code != 400 or list(body.get("fields", {})) != [name]:
            wrong.append((name, value, response.status_code, body))
    assert not wrong


@pytest.mark.parametrize("url", PAGES)
def test_the_pages_refuse_each_bad_value_next_to_its_field(client, auth, ward, token, url):
    auth.sign_in(ward["manager"])
    wrong = []
    for name, value in bad_values(url):
        response = client.get(url, query_string={name: value})
        page = response.get_data(as_text=True)
        refused = (
            response.status_code == 400
            and response.mimetype == "text/html"
            and "There is a problem" in page
            and f'href="#{name}"' in page  # the summary names the field
        )
        if name in SHOWN:  # and the message sits next to the field it is about
            refused = refused and f'<p class="error-message" id="{name}-error">' in page
        if not refused:
            wrong.append((name, value, response.status_code))
    assert not wrong


def test_an_end_before_the_start_is_refused_everywhere(client, auth, ward, token):
    query = {"due_from": "2030-02-01", "due_to": "2030-01-01"}
    api = client.get(
        "/api/v1/report", query_string=query, headers={"Authorization": f"Bearer {token}"}
    )
    assert api.status_code == 400
    assert list(api.get_json()["fields"]) == ["due_to"]
    auth.sign_in(ward["manager"])
    for url in PAGES:
        page = client.get(url, query_string=query)
        assert page.status_code == 400
        assert "The end of the range is before its start." in page.get_data(as_text=True)


@pytest.mark.parametrize("value", ["", "1", "500"])
def test_good_page_sizes_are_taken(client, ward, token, value):
    response = client.get(
        "/api/v1/report",
        query_string={"per_page": value},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    assert response.get_json()["per_page"] == (int(value) if value else 50)
