"""Assessor: how mature is a bank's social-media strategy, and what should it do next?"""

from __future__ import annotations

from flask import Flask

from . import resources


def create_app(test_config: dict | None = None) -> Flask:
    """Create the web app: configuration, extensions, blueprints, in that order."""
    from . import errors, i18n
    from .bank import BankError
    from .config import ConfigurationError, configure
    from .database import configure_engine
    from .extensions import babel, csrf, db, migrate, question_bank
    from .main.routes import bp as main_bp
    from .quiz.routes import bp as quiz_bp
    from .reports.routes import bp as reports_bp

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
    migrate.init_app(app, db, directory=str(resources.PACKAGE_DIR / "migrations"))
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)

    app.jinja_env.filters["tr"] = i18n.tr
    app.jinja_env.globals.update(
        LANGUAGES=i18n.LANGUAGES,
        LANGUAGE_NAMES=i18n.LANGUAGE_NAMES,
        current_language=i18n.current_language,
        language_url=i18n.language_url,
    )
    app.register_blueprint(main_bp)
    app.register_blueprint(quiz_bp)
    app.register_blueprint(reports_bp)
    errors.init_app(app)
    return app
