"""``/healthz``: may a load balancer send this instance traffic?"""

from __future__ import annotations

from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from assessor.data.database import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Answer 200 when the database answers ``SELECT 1``, else 503 with the reason.

    No sign-in and no detail beyond the reason: it is meant for load balancers and
    monitors, which may be outside the firm.
    """
    headers = {"Cache-Control": "no-store"}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        current_app.logger.warning("health check: database unreachable: %s", _first_line(exc))
        return {"status": "unavailable", "reason": "database unreachable"}, 503, headers
    return {"status": "ok"}, 200, headers


def _first_line(exc: SQLAlchemyError) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
