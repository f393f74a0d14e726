"""Consultants sign in, sign out and change their password."""

from __future__ import annotations

import re

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from assessor.data.models import User
from assessor.services import accounts
from assessor.web.auth.forms import LoginForm, PasswordForm
from assessor.web.extensions import limiter, login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return accounts.by_session_id(user_id)


#: A path on this site in printable ASCII: browsers drop tabs and line breaks from a URL and
#: read a backslash as a slash, so "/\t/evil.example" would lead to //evil.example.
_LOCAL_PATH = re.compile(r"/(?![/\\])[\x21-\x5b\x5d-\x7e]*")


def _safe_next(target: str | None) -> str:
    """Follow ``next`` only to a path on this site, never to another host."""
    if target and _LOCAL_PATH.fullmatch(target):
        return target
    return url_for("workspace.dashboard")


def _account_key() -> str:
    """Count attempts per account named, whether or not it exists: that reveals nothing."""
    return "account:" + accounts.normalise_email(request.form.get("email", ""))[:254]


def _failed(response) -> bool:
    """Only a refused sign-in counts, so a consultant who gets in is never held back."""
    return response.status_code == 422


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    methods=["POST"],
    key_func=_account_key,
    deduct_when=_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("workspace.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            language = session.get("lang")
            session.clear()  # no session state from before sign-in survives it
            if language:
                session["lang"] = language
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        # One message for a wrong email and a wrong password: it reveals no account.
        form.form_errors.append(_("The email or the password is not correct."))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """Sign out, here and in every other browser: a copied session cookie stops working."""
    accounts.end_sessions(current_user)
    logout_user()
    session.clear()
    return redirect(url_for("main.index"))


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    """End every session of this account, in this browser too: a lost laptop is signed out."""
    accounts.end_sessions(current_user)
    logout_user()
    session.clear()
    flash(_("You were signed out on every device. Sign in again to continue."))
    return redirect(url_for("main.index"))


def _user_key() -> str:
    return f"user:{current_user.get_id()}"


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
# A stolen session must not become a way to guess the password behind it.
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    methods=["POST"],
    key_func=_user_key,
    deduct_when=_failed,
)
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.new.data)
        except accounts.AccountError:
            form.current.errors = [_("The current password is not correct.")]
        else:
            # Every other session ended with the old password; this one carries on.
            login_user(accounts.by_email(current_user.email))
            flash(_("Your password was changed. You were signed out everywhere else."))
            return redirect(url_for("workspace.dashboard"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/password.html", form=form), status
