"""What a report is made of, apart from how it is drawn: the answers, the bank, branding,
targets, notes, peers and a baseline; the PDF and the web app both read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from assessor.domain import comparison, peers, scoring
from assessor.domain.bank import Bank


@dataclass(frozen=True)
class Branding:
    """A consultant's firm, shown on the cover and in the running header."""

    firm_name: str = ""
    #: ``#rrggbb``; it goes into the stylesheet, so anything else is dropped (see below).
    accent: str = ""
    #: A PNG the app re-encoded itself, as a ``data:image/png;base64,…`` URI.
    logo_data_uri: str = ""


@dataclass(frozen=True)
class Baseline:
    """An earlier assessment of the same bank, for the report's progress section."""

    date: date
    answers: dict[str, scoring.Answer]
    #: The consultant's targets set on the baseline: progress is measured against them.
    targets: dict[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportInput:
    """Everything a report shows; built by the web app or from an answers file."""

    bank: Bank
    answers: dict[str, scoring.Answer]
    bank_name: str
    language: str
    date: date
    country: str = ""
    bank_type: str = ""
    size: str = ""
    respondent_role: str = ""
    branding: Branding | None = None
    #: A consultant's target stage per dimension (``None``: no targets section).
    targets: dict[str, int | None] | None = None
    #: A consultant's notes per dimension.
    notes: dict[str, str] = field(default_factory=dict)
    #: Where the bank sits among similar banks (only from the app's database).
    peers: peers.PeerBenchmark | None = None
    #: An earlier assessment to measure progress from (``None``: no progress section).
    baseline: Baseline | None = None
    result: scoring.Result = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "result", scoring.score(self.bank, self.answers))

    # Cached: the template reads both in the table of contents and again in their chapter.
    @cached_property
    def target_views(self) -> tuple[comparison.TargetView, ...] | None:
        """The consultant's targets against the scores, if there are targets."""
        if self.targets is None:
            return None
        return comparison.targets_view(self.bank, self.result, self.targets, self.notes)

    @cached_property
    def progress(self) -> comparison.Comparison | None:
        """This assessment against the baseline, if there is one."""
        if self.baseline is None:
            return None
        before = scoring.score(self.bank, self.baseline.answers)
        return comparison.compare(self.bank, before, self.result, self.baseline.targets)
