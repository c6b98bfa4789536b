"""Fixtures for the printers tests; the helpers live in printer_helpers.py."""

from __future__ import annotations

import pytest

from printers.layout import Receipt
from tests.printers.printer_helpers import make_receipt


@pytest.fixture
def receipt() -> Receipt:
    return make_receipt()
