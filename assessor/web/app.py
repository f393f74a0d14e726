"""The application factory: configuration, extensions, blueprints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assessor.domain import resources

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Create the web app: configuration, extensions, blueprints, in that order."""
    # Imported here so that `assessor report` and `assessor validate` never load Flask.
    from flask import Flask

    from assessor.data.database import check_reachable, configure_engine, db
    from assessor.domain.bank import BankError
    from assessor.web import error_pages, languages, requestlog, security, user_commands
    from assessor.web.auth.routes import bp as auth_bp
    from assessor.web.config import ConfigurationError, configure
    from assessor.web.extensions import (
        babel,
        csrf,
        limiter,
        login_manager,
        migrate,
        question_bank,
    )
    from assessor.web.health.routes import bp as health_bp
    from assessor.web.main.routes import bp as main_bp
    from assessor.web.quiz.routes import bp as quiz_bp
    from assessor.web.reports.routes import bp as reports_bp
    from assessor.web.workspace.routes import bp as workspace_bp

    app = Flask(
        "assessor",
        template_folder=str(resources.templates_dir()),
        static_folder=str(resources.static_dir()),
        instance_relative_config=True,
    )
    if test_config and test_config.get("TESTING"):
        app.testing = True
    configure(app, test_config)

    try:
        question_bank.init_app(app)
    except BankError as exc:
        # Refuse to serve a half-valid bank; say what to fix, as `assessor validate` would.
        for message in exc.errors:
            app.logger.error(message)
        raise ConfigurationError("invalid question bank:\n" + "\n".join(exc.errors)) from None
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
        if not app.testing:
            # Say which database is down, in one line, rather than fail on the first request.
            check_reachable(db.engine)
    migrate.init_app(app, db, directory=str(resources.PACKAGE_DIR / "data" / "migrations"))
    babel.init_app(app, locale_selector=languages.select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    user_commands.init_app(app)
    requestlog.init_app(app)

    languages.init_app(app)
    security.init_app(app)
    app.register_blueprint(main_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(quiz_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(workspace_bp)
    error_pages.init_app(app)
    return app
