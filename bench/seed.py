"""Fill a database with consultants, clients and completed assessments, for the benchmarks.

The measured consultant always has the same five clients with two assessments each, so
their dashboard and results pages show the same thing whatever the database holds; any
further assessments belong to other consultants' clients, spread over countries and bank
types as a firm's would be (and so over peer groups).
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from assessor.data.database import db
from assessor.data.models import Answer, Assessment, Client, User
from assessor.domain.locales import BANK_TYPES
from assessor.services import accounts
from assessor.web.extensions import question_bank

EMAIL = "bench@firm.example"
PASSWORD = "bench password 1"
COUNTRIES = ["IT", "FR", "BE", "NL", "PL", "DE", "ES", "AT", "LU", "CH"]
OWN_CLIENTS = 5
PER_CLIENT = 2
OTHERS_PER_CLIENT = 4
OTHER_CONSULTANTS = 50


@dataclass(frozen=True)
class Seeded:
    assessments: int
    #: The resume token of the measured consultant's latest assessment (type and country
    #: set, so its results page computes a peer benchmark).
    token: str
    peers_in_group: int


def seed(total: int, rng: random.Random) -> Seeded:
    """Create ``total`` completed assessments (at least 10); run in an app context."""
    bank = question_bank.bank
    start = datetime(2025, 1, 1, tzinfo=UTC)
    users = [accounts.create(EMAIL, PASSWORD)]
    users += [
        User(email=f"other{n}@firm.example", password_hash="!", firm_name="")
        for n in range(OTHER_CONSULTANTS if total > OWN_CLIENTS * PER_CLIENT else 0)
    ]
    db.session.add_all(users[1:])
    db.session.commit()

    clients: list[tuple[Client, int]] = []
    for n in range(OWN_CLIENTS):
        own = Client(consultant_id=users[0].id, name=f"Alpina {n}", country="IT")
        own.bank_type, own.size, own.report_language = "cooperative", "small", "en"
        clients.append((own, PER_CLIENT))
    rest = total - OWN_CLIENTS * PER_CLIENT
    while rest > 0:
        count = min(OTHERS_PER_CLIENT, rest)
        other = Client(
            consultant_id=rng.choice(users[1:]).id,
            name=f"Bank {len(clients):05}",
            country=rng.choice(COUNTRIES),
            bank_type=rng.choice(list(BANK_TYPES)),
            size="medium",
            report_language="en",
        )
        clients.append((other, count))
        rest -= count
    db.session.add_all(c for c, _ in clients)
    db.session.commit()

    rows = []
    for client, count in clients:
        for k in range(count):
            created = start + timedelta(days=rng.randrange(600), seconds=k)
            rows.append(
                {
                    "client_id": client.id,
                    "token": secrets.token_urlsafe(32),
                    "bank_name": client.name,
                    "country": client.country,
                    "bank_type": client.bank_type,
                    "size": client.size,
                    "respondent_role": "",
                    "language": "en",
                    "bank_version": bank.version,
                    "bank_hash": bank.content_hash,
                    "created_at": created,
                    "updated_at": created,
                }
            )
    db.session.execute(insert(Assessment), rows)
    db.session.commit()

    ids = db.session.execute(select(Assessment.id)).scalars().all()
    choices = {
        q.id: [o.value for o in q.options] + ([None] if q.allow_na else [])
        for q in bank.questions.values()
    }
    batch = []
    for assessment_id in ids:
        for qid, values in choices.items():
            batch.append(
                {
                    "assessment_id": assessment_id,
                    "question_id": qid,
                    "value": rng.choice(values),
                    "updated_at": start,
                }
            )
        if len(batch) >= 50_000:
            db.session.execute(insert(Answer), batch)
            batch = []
    if batch:
        db.session.execute(insert(Answer), batch)
    db.session.commit()

    measured = db.session.execute(
        select(Assessment)
        .join(Client)
        .where(Client.consultant_id == users[0].id)
        .order_by(Assessment.created_at.desc())
        .limit(1)
    ).scalar_one()
    group = sum(
        count
        for client, count in clients
        if (client.country, client.bank_type) == ("IT", "cooperative")
        and client.id != measured.client_id
    )
    return Seeded(assessments=len(ids), token=measured.token, peers_in_group=group)
