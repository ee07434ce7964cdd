"""The main menu: each area adds its entry point, shown to the roles that may use it."""

from flask import Flask, url_for
from flask_login import current_user

from .models import Role

#: (endpoint, label, roles that see it); entries whose blueprint is absent are skipped.
MENU = [
    ("author.list_modules", "Studio", {Role.TRAINER, Role.ADMIN}),
    ("reports.show_report", "Reports", {Role.MANAGER, Role.ADMIN}),
    ("admin.list_users", "Admin", {Role.ADMIN}),
]


def register_navigation(app: Flask) -> None:
    @app.context_processor
    def inject_navigation():
        def main_nav():
            if not current_user.is_authenticated:
                return []
            return [
                {"url": url_for(endpoint), "label": label}
                for endpoint, label, roles in MENU
                if endpoint in app.view_functions and current_user.has_role(*roles)
            ]

        return {"main_nav": main_nav}
