"""Shared fixtures: the small hand-checked bank and the shipped one."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor.bank import Bank, load_bank

DATA = Path(__file__).parent / "data"
MINI_BANK = DATA / "mini_bank.yaml"


@pytest.fixture(scope="session")
def mini_bank() -> Bank:
    return load_bank(MINI_BANK)


@pytest.fixture(scope="session")
def shipped_bank() -> Bank:
    return load_bank()
