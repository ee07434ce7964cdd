"""Social Rounds: social-media training for healthcare staff."""

import os

from flask import Flask

from . import config
from .security import Request


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, commands, error pages.

    Each step imports what it wires, inside the step, so that importing one part of the
    package (`course.exercises` alone, a service in a script) does not load every blueprint.
    These are the only imports inside functions in the package (tests/services/test_imports.py).
    """
    app = Flask(__name__, instance_relative_config=True)
    app.request_class = Request
    os.makedirs(app.instance_path, exist_ok=True)
    _load_settings(app, test_config)
    _init_extensions(app)
    _register_blueprints(app)
    _register_navigation(app)
    _register_template_filters(app)
    _register_commands(app)
    _register_error_pages(app)
    _register_security_headers(app)
    _trust_proxies(app)
    return app


def _load_settings(app: Flask, test_config: dict | None) -> None:
    app.config.from_object(config.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config.from_environment())
    if test_config:
        app.config.update(test_config)
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", config.default_database_uri(app.instance_path))
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS", config.engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.instance_secret_key(app.instance_path)
    config.check(app.config)


def _init_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (register every table)
    from .auth.sessions import load_user, register_session_rules
    from .database import configure_sqlite
    from .extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
        compare_type=True,
    )
    from .uploads import register_uploads

    register_uploads(app)  # before the CSRF check, which reads the form
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    # No "please sign in" message: a first visitor has done nothing wrong. The sign-in page
    # says so calmly when it was asked for another page (auth/sign_in.html).
    login_manager.login_message = None
    # Our own server-side sessions decide (services/sessions.py); "strong" would also end a
    # remembered session whenever a phone changed network, and break "Keep me signed in".
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    register_session_rules(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)


def _register_blueprints(app: Flask) -> None:
    from .account import bp as account_bp
    from .security import IdConverter

    app.url_map.converters["int"] = IdConverter
    from .auth import bp as auth_bp
    from .author import bp as author_bp
    from .learn import bp as learn_bp
    from .policies import bp as policies_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(author_bp)
    app.register_blueprint(learn_bp)
    app.register_blueprint(policies_bp)

    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .certificates import bp as certificates_bp
    from .extensions import csrf
    from .reports import bp as reports_bp

    app.register_blueprint(reports_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(admin_bp)
    csrf.exempt(api_bp)  # token auth, no cookies: CSRF cannot apply
    from .sso import bp as sso_bp
    from .subscriptions import bp as subscriptions_bp

    app.register_blueprint(sso_bp)

    csrf.exempt(subscriptions_bp)  # the signed link is the authority; RFC 8058 one-click POST
    app.register_blueprint(subscriptions_bp)
    app.register_blueprint(api_bp)


def _register_navigation(app: Flask) -> None:
    from .navigation import register_navigation

    register_navigation(app)


def _register_template_filters(app: Flask) -> None:
    from .templating import register_filters

    register_filters(app)


def _register_commands(app: Flask) -> None:
    from .cli import course_cli
    from .cli_mail import send_mail, send_reminders

    course_cli.add_command(send_mail)
    course_cli.add_command(send_reminders)
    app.cli.add_command(course_cli)


def _register_error_pages(app: Flask) -> None:
    from .errors import register_error_pages

    register_error_pages(app)


def _register_security_headers(app: Flask) -> None:
    from .security import add_security_headers, external_url, refuse_nul

    app.before_request(refuse_nul)
    app.after_request(add_security_headers)
    app.add_template_global(external_url)


def _trust_proxies(app: Flask) -> None:
    """Behind FORWARDED_PROXIES proxies, read the client's address and scheme from the
    headers they set (throttling counts per client address, not per proxy)."""
    if proxies := app.config["FORWARDED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
