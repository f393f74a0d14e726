"""Flask extensions, created once here and bound to the app in :func:`assessor.create_app`."""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import Babel, lazy_gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from assessor.domain.bank import Bank, load_bank


class QuestionBank:
    """Holds the validated question bank, loaded once when the app starts."""

    def init_app(self, app: Flask) -> None:
        app.extensions["assessor.domain.bank"] = load_bank(app.config.get("QUESTIONS_PATH"))

    @property
    def bank(self) -> Bank:
        return current_app.extensions["assessor.domain.bank"]


migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = lazy_gettext("Please sign in to see this page.")
question_bank = QuestionBank()
#: Counts failed sign-ins per address and per account; the storage is
#: ``RATELIMIT_STORAGE_URI`` (memory by default, so one count per worker process).
limiter = Limiter(key_func=get_remote_address)
