"""Error pages, in the visitor's language, for every error a request can meet."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def init_app(app: Flask) -> None:
    """Register the handlers: HTTP errors get their own page, anything else a calm 500."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = _(
            "This form has expired or was not sent from this site. Nothing was saved. "
            "Go back, reload the page and try again."
        )
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {
            400: _("The request could not be understood. Nothing was changed."),
            404: _(
                "There is no page at this address. If you followed a resume link, "
                "check that it was copied in full."
            ),
            405: _("This page cannot be used that way."),
            413: _("What you sent is too large. Nothing was saved."),
            429: _("Too many attempts in a short time. Wait a few minutes, then try again."),
        }
        code = error.code or 500
        message = messages.get(code, _("Something went wrong. Nothing was changed."))
        return render_template("errors/error.html", code=code, message=message), code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error")
        message = _(
            "Something went wrong on our side. Your saved answers are safe; please try again."
        )
        try:
            return render_template("errors/error.html", code=500, message=message), 500
        except Exception:  # the page itself failed: answer plainly rather than not at all
            app.logger.exception("error page failed")
            return message, 500, {"Content-Type": "text/plain; charset=utf-8"}
