"""Consultant accounts: create, authenticate, change password, disable."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

from assessor.data.database import db, write_transaction
from assessor.data.models import User

#: Shorter passwords are refused when an account is created or a password changed.
MIN_PASSWORD_LENGTH = 10
#: Checked when no account matches, so that a wrong email takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0123456789")


class AccountError(ValueError):
    """The request cannot be carried out; the message says why."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def by_email(email: str) -> User | None:
    return db.session.execute(
        db.select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def create(email: str, password: str) -> User:
    """Create an active consultant account; raise :class:`AccountError` if it cannot be."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise AccountError(f"{email!r} is not an email address")
    check_password_strength(password)
    if by_email(email) is not None:
        raise AccountError(f"an account for {email} exists already")
    user = User(email=email, password_hash=generate_password_hash(password))
    with write_transaction():
        db.session.add(user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active account these credentials open, or ``None``.

    Runs one password check whatever the outcome, so response times do not tell
    whether an account exists.
    """
    user = by_email(email)
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid or not user.active:
        return None
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Replace the password after checking the current one."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError("the current password is not correct")
    check_password_strength(new)
    with write_transaction():
        stored = db.session.merge(user)
        stored.password_hash = generate_password_hash(new)
        stored.session_version += 1


def end_sessions(user: User) -> None:
    """Make every session of ``user`` (other browsers and copied cookies included) invalid."""
    with write_transaction():
        db.session.merge(user).session_version += 1


def by_session_id(session_id: str) -> User | None:
    """The active account whose current session id (``"<id>.<version>"``) this is."""
    account, _, version = session_id.partition(".")
    if not (account.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(account))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def set_active(email: str, active: bool) -> User:
    """Enable or disable an account; a disabled one can no longer sign in."""
    user = by_email(email)
    if user is None:
        raise AccountError(f"no account for {normalise_email(email)}")
    with write_transaction():
        user = db.session.merge(user)
        user.active = active
    return user


def all_accounts() -> list[User]:
    return list(db.session.execute(db.select(User).order_by(User.email)).scalars())
