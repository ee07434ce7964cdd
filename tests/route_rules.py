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
