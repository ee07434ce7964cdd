"""Every route of a blueprint, for access tests that must cover each one of them."""

import re

from course import create_app

URL_MAP = create_app(
    {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x", "TESTING": True}
).url_map


def rules_of(blueprint: str) -> list[tuple[str, str]]:
    """(rule, method) for every GET and POST route of the blueprint, sorted."""
    return sorted(
        (rule.rule, method)
        for rule in URL_MAP.iter_rules()
        if rule.endpoint.startswith(f"{blueprint}.")
        for method in sorted(rule.methods & {"GET", "POST"})
    )


def endpoints_of(blueprint: str) -> set[str]:
    return {
        rule.endpoint for rule in URL_MAP.iter_rules() if rule.endpoint.startswith(f"{blueprint}.")
    }


def concrete(rule: str, values: dict) -> str:
    """The rule with each variable replaced by values[its name]."""
    return re.sub(r"<(?:[^:<>]+:)?([a-z_]+)(?:\([^)]*\))?>", lambda m: str(values[m[1]]), rule)


#: Who may read each route of the JSON API with a token of theirs: the roles whose token opens
#: it (a token of anyone else, or none, gets a 401). Every API route must be listed here
#: (tests/api/test_policy_api.py checks each one per role, and that none is missing).
API_ACCESS = {
    ("/api/v1/report", "GET"): {"manager", "admin"},
    ("/api/v1/policies", "GET"): {"manager", "admin"},
}

#: The learner's policy pages: every one needs a signed-in person (tests/policies/test_access.py).
POLICY_PAGES = {
    ("/policies", "GET"),
    ("/policies/<int:policy_id>", "GET"),
    ("/policies/<int:policy_id>", "POST"),
    ("/policies/<int:policy_id>/confirm", "POST"),
    ("/policies/<int:policy_id>/versions/<int:number>", "GET"),
    ("/policies/signatures/<int:signature_id>.pdf", "GET"),
}

#: The exemption pages of the report (reports blueprint): a manager for learners of their
#: departments and admins for everyone; other managers get 404, learners and trainers 403
#: (tests/reports/test_exemptions.py checks each one per role, and that none is missing).
EXEMPTION_PAGES = {
    ("/reports/exemptions/<int:user_id>/<int:module_id>", "GET"),
    ("/reports/exemptions/<int:user_id>/<int:module_id>", "POST"),
    ("/reports/exemptions/<int:user_id>/<int:module_id>/lift", "POST"),
}

#: The past-completions import (admin blueprint): admins only, like every admin route
#: (tests/admin/test_access.py; its target names `import_token`).
COMPLETIONS_IMPORT_PAGES = {
    ("/admin/completions/import", "GET"),
    ("/admin/completions/import", "POST"),
    ("/admin/completions/import/<import_token>", "GET"),
    ("/admin/completions/import/<import_token>", "POST"),
}
