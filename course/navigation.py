"""The main menu: each area adds its entry point, shown to the roles that may use it; and
where each person lands after signing in (where their work is)."""

from flask import Flask, request, url_for
from flask_login import current_user

from .models import Role

#: (endpoint, label, roles that see it); entries whose blueprint is absent are skipped.
MENU = [
    ("learn.dashboard", "My training", {Role.LEARNER}),
    ("policies.list_policies", "My policies", {Role.LEARNER}),
    ("author.list_modules", "Studio", {Role.TRAINER, Role.ADMIN}),
    ("reports.show_report", "Reports", {Role.MANAGER, Role.ADMIN}),
    ("admin.list_users", "Admin", {Role.ADMIN}),
]

#: Where a person's work is, first match wins: an admin runs accounts, a manager reads the
#: report, a trainer writes in the studio, a learner learns. A ward manager who also learns
#: lands on the report; "My training" is one click away in the menu.
HOME = [
    (Role.ADMIN, "admin.list_users"),
    (Role.MANAGER, "reports.show_report"),
    (Role.TRAINER, "author.list_modules"),
]


def home_url(user) -> str:
    """The page a person lands on after signing in (and the brand link's target)."""
    for role, endpoint in HOME:
        if user.is_authenticated and user.has_role(role):
            return url_for(endpoint)
    return url_for("learn.dashboard")


def register_navigation(app: Flask) -> None:
    @app.context_processor
    def inject_navigation():
        def main_nav():
            if not current_user.is_authenticated:
                return []
            items = []
            for endpoint, label, roles in MENU:
                if endpoint not in app.view_functions or not current_user.has_role(*roles):
                    continue
                url = url_for(endpoint)
                here = request.path == url or (url != "/" and request.path.startswith(url))
                items.append({"url": url, "label": label, "current": here})
            return items

        def home():
            return home_url(current_user)

        return {"main_nav": main_nav, "home_url": home}
