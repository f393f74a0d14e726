"""The consultant workspace's service: clients, their assessments, targets and notes.

Every lookup is scoped to one consultant: an id that belongs to someone else is simply
not found, and the views answer 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from assessor.data.database import db, write_transaction
from assessor.data.models import Assessment, Client, DimensionNote, User
from assessor.domain import scoring
from assessor.domain.bank import Bank
from assessor.services import assessments

PAGE_SIZE = 25


@dataclass(frozen=True)
class ClientRow:
    """A dashboard line: a client with its latest result and the one before."""

    client: Client
    latest: Assessment | None
    result: scoring.Result | None
    previous: scoring.Result | None

    @property
    def trend(self) -> float | None:
        if self.result is None or self.previous is None:
            return None
        return round(self.result.score - self.previous.score, 6)


@dataclass(frozen=True)
class Page:
    rows: list[ClientRow]
    total: int
    page: int
    pages: int


def create_client(consultant_id: int, **fields) -> Client:
    client = Client(consultant_id=consultant_id, **fields)
    with write_transaction():
        db.session.add(client)
    return client


def update_client(client: Client, **fields) -> None:
    with write_transaction():
        client = db.session.merge(client)
        for name, value in fields.items():
            setattr(client, name, value)


def owned_client(consultant_id: int, client_id: int) -> Client | None:
    return db.session.execute(
        select(Client).where(Client.id == client_id, Client.consultant_id == consultant_id)
    ).scalar_one_or_none()


def owned_assessment(consultant_id: int, assessment_id: int) -> Assessment | None:
    return db.session.execute(
        select(Assessment)
        .join(Client)
        .where(Assessment.id == assessment_id, Client.consultant_id == consultant_id)
    ).scalar_one_or_none()


def dashboard(bank: Bank, consultant_id: int, query: str = "", page: int = 1) -> Page:
    """One page of the consultant's clients, by name, with their two latest results.

    Three queries whatever the page size: the count, the page of clients, and their two
    latest assessments (a window function), whose answers come in one more select.
    """
    where = [Client.consultant_id == consultant_id]
    if query:
        escaped = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(func.lower(Client.name).like(f"%{escaped}%", escape="\\"))
    total = db.session.execute(select(func.count(Client.id)).where(*where)).scalar_one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    clients = list(
        db.session.execute(
            select(Client)
            .where(*where)
            .order_by(func.lower(Client.name), Client.id)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        ).scalars()
    )
    recent = _latest_two({c.id for c in clients})
    rows = []
    for client in clients:
        latest, previous = (recent.get(client.id, []) + [None, None])[:2]
        rows.append(
            ClientRow(
                client=client,
                latest=latest,
                result=assessments.result(bank, latest) if latest else None,
                previous=assessments.result(bank, previous) if previous else None,
            )
        )
    return Page(rows=rows, total=total, page=page, pages=pages)


def _latest_two(client_ids: set[int]) -> dict[int, list[Assessment]]:
    if not client_ids:
        return {}
    ranked = (
        select(
            Assessment.id,
            func.row_number()
            .over(
                partition_by=Assessment.client_id,
                order_by=(Assessment.created_at.desc(), Assessment.id.desc()),
            )
            .label("rank"),
        )
        .where(Assessment.client_id.in_(client_ids))
        .subquery()
    )
    found = db.session.execute(
        select(Assessment)
        .join(ranked, ranked.c.id == Assessment.id)
        .where(ranked.c.rank <= 2)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
    ).scalars()
    out: dict[int, list[Assessment]] = {}
    for assessment in found:
        out.setdefault(assessment.client_id, []).append(assessment)
    return out


def start_assessment(bank: Bank, client: Client) -> Assessment:
    """A new assessment of ``client``, in its report language, with its own resume link."""
    details = assessments.BankDetails(
        bank_name=client.name, country=client.country, bank_type=client.bank_type, size=client.size
    )
    return assessments.create(bank, details, client.report_language, client_id=client.id)


def history(bank: Bank, client: Client) -> list[tuple[Assessment, scoring.Result]]:
    """The client's assessments, oldest first, each with its result."""
    return [(a, assessments.result(bank, a)) for a in client.assessments]


def save_targets(
    assessment: Assessment, targets: dict[str, int | None], notes: dict[str, str]
) -> None:
    """Replace the assessment's target stages and notes, all in one transaction."""
    with write_transaction():
        existing = {
            n.dimension_id: n
            for n in db.session.execute(
                select(DimensionNote).where(DimensionNote.assessment_id == assessment.id)
            ).scalars()
        }
        for dimension_id in set(targets) | set(notes):
            note = existing.get(dimension_id) or DimensionNote(
                assessment_id=assessment.id, dimension_id=dimension_id
            )
            note.target_stage = targets.get(dimension_id)
            note.notes = notes.get(dimension_id, "")
            db.session.add(note)
    db.session.expire(assessment)


def save_branding(consultant_id: int, firm_name: str, accent: str, logo) -> None:
    """Save firm name and colour; ``logo`` is PNG bytes, ``None`` to remove, ``...`` to keep."""
    with write_transaction():
        user = db.session.get(User, consultant_id)
        user.firm_name = firm_name
        user.accent_color = accent
        if logo is not ...:
            user.logo_png = logo


def latest_assessments(consultant_id: int, client_ids: set[int] | None) -> list[Assessment]:
    """The latest assessment of each of the consultant's clients (or of those in ``client_ids``)."""
    owned = select(Client.id).where(Client.consultant_id == consultant_id)
    if client_ids is not None:
        owned = owned.where(Client.id.in_(client_ids))
    ids = set(db.session.execute(owned).scalars())
    latest = _latest_two(ids)
    return [found[0] for _, found in sorted(latest.items())]
