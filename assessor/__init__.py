"""Assessor: how mature is a bank's social-media strategy, and what should it do next?"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import resources

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Create the web app: configuration, extensions, blueprints, in that order."""
    # Imported here so that `assessor report` and `assessor validate` never load Flask.
    from flask import Flask

    from . import commands, errors, languages, requestlog, security
    from .auth.routes import bp as auth_bp
    from .bank import BankError
    from .config import ConfigurationError, configure
    from .database import check_reachable, configure_engine
    from .extensions import (
        babel,
        csrf,
        db,
        limiter,
        login_manager,
        migrate,
        question_bank,
    )
    from .health.routes import bp as health_bp
    from .main.routes import bp as main_bp
    from .quiz.routes import bp as quiz_bp
    from .reports.routes import bp as reports_bp
    from .workspace.routes import bp as workspace_bp

    app = Flask(
        __name__,
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
    migrate.init_app(app, db, directory=str(resources.PACKAGE_DIR / "migrations"))
    babel.init_app(app, locale_selector=languages.select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    commands.init_app(app)
    requestlog.init_app(app)

    languages.init_app(app)
    security.init_app(app)
    app.register_blueprint(main_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(quiz_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(workspace_bp)
    errors.init_app(app)
    return app
