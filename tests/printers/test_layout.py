"""Receipt layout: widths, large tracking code, La Paz time, translations."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printers.layout import (
    COLUMNS,
    QR,
    Blank,
    Cut,
    Rule,
    Text,
    layout_receipt,
    local_time,
)
from tests.printers.printer_helpers import make_receipt

LONG_TITLE = (
    "Autorización de funcionamiento de actividades económicas con venta de bebidas "
    "alcohólicas en establecimientos de expendio y consumo, renovación anual"
)
words = st.text(alphabet="abcdefghijklmnñopqrstuvwxyzáéíóúüÁÉÍÓÚÑ¿?¡!'-.,", min_size=1, max_size=40)
sentences = st.lists(words, min_size=1, max_size=30).map(" ".join)


def texts(blocks: list) -> list[Text]:
    return [block for block in blocks if isinstance(block, Text)]


@pytest.mark.parametrize("paper", [58, 80])
@pytest.mark.parametrize("lang", ["es", "qu", "en"])
@pytest.mark.parametrize("kind", ["application", "complaint"])
def test_no_line_is_wider_than_the_paper(paper: int, lang: str, kind: str) -> None:
    receipt = make_receipt(lang=lang, kind=kind, title=LONG_TITLE)
    columns = COLUMNS[paper]
    blocks = layout_receipt(receipt, columns)
    assert all(len(t.text) * t.size <= columns for t in texts(blocks))
    assert isinstance(blocks[-1], Cut)
    assert sum(isinstance(block, QR) for block in blocks) == 1


@settings(max_examples=60, deadline=None)
@given(
    title=sentences, requirements=st.lists(sentences, max_size=4), paper=st.sampled_from([58, 80])
)
def test_any_text_wraps_within_the_columns(title: str, requirements: list[str], paper: int) -> None:
    columns = COLUMNS[paper]
    blocks = layout_receipt(make_receipt(title=title, requirements=requirements), columns)
    assert all(len(t.text) * t.size <= columns for t in texts(blocks))
    printed = " ".join(t.text for t in texts(blocks))
    assert all(word in printed for word in title.split() if len(word) <= columns)


def test_words_are_never_cut_unless_longer_than_a_line() -> None:
    title = "Aprobación de planos de construcción " + "x" * 40
    lines = [t.text for t in texts(layout_receipt(make_receipt(title=title), 32))]
    assert "Aprobación de planos de" in lines
    assert "construcción" in lines
    assert "x" * 32 in lines
    assert "x" * 8 in lines


def test_the_tracking_code_is_in_large_type_and_fits_58_mm() -> None:
    for columns in COLUMNS.values():
        blocks = layout_receipt(make_receipt(), columns)
        [code] = [t for t in texts(blocks) if t.text == "TUN-7K3M-9QXP-4"]
        assert (code.size, code.bold, code.align) == (2, True, "center")
        assert len(code.text) * 2 <= columns


def test_a_code_too_long_for_large_type_stays_whole_in_normal_type() -> None:
    code = "TUNARI-7K3M-9QXP-4"  # 18 characters: 36 columns in large type
    [line] = [
        t for t in texts(layout_receipt(make_receipt(tracking_code=code), 32)) if "7K3M" in t.text
    ]
    assert (line.text, line.size, line.bold) == (code, 1, True)


def test_time_is_shown_in_la_paz() -> None:
    moment = datetime.datetime(2026, 11, 25, 16, 5, tzinfo=datetime.UTC)
    lines = [t.text for t in texts(layout_receipt(make_receipt(submitted_at=moment), 32))]
    assert "Fecha y hora: 25/11/2026 12:05" in lines
    assert (
        local_time(datetime.datetime(2027, 1, 1, 3, 59, tzinfo=datetime.UTC)) == "31/12/2026 23:59"
    )


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        layout_receipt(make_receipt(submitted_at=datetime.datetime(2026, 11, 25, 16, 5)), 32)


def test_the_receipt_reads_top_to_bottom(receipt) -> None:
    blocks = layout_receipt(receipt, 48)
    lines = [
        b.text if isinstance(b, Text) else type(b).__name__
        for b in blocks
        if not isinstance(b, Blank)
    ]
    assert lines == [
        "Gobierno Autónomo Municipal de Cochabamba",
        "Sub Alcaldía Tunari",
        "Rule",
        "Trámite",
        "Aprobación de planos de construcción",
        "Código de seguimiento",
        "TUN-7K3M-9QXP-4",
        "Fecha y hora: 25/11/2026 12:05",
        "Rule",
        "Requisitos que aún debe presentar:",
        "- Fotocopia del carnet del dueño o dueña",
        "- ¿Tiene plano firmado? ¡Tráigalo! (también el",
        "  de la cigüeña)",
        "- ÁREA ÚTIL, ÍNDICE Y ÓRDENES DE PAGO: ÉXITO Ñ Ü",
        "Rule",
        "Sus datos personales están cifrados y solo los",
        "ve el personal municipal autorizado.",
        "Escanee el código QR para seguir su trámite.",
        "QR",
        "127.0.0.1:8001",
        "Cut",
    ]
    assert QR(receipt.track_url) in blocks


def test_without_requirements_the_section_is_left_out() -> None:
    blocks = layout_receipt(make_receipt(requirements=[]), 32)
    lines = [t.text for t in texts(blocks)]
    assert not any(line.startswith(("Requisitos", "- ")) for line in lines)
    assert sum(isinstance(b, Rule) for b in blocks) == 2


@pytest.mark.parametrize(
    ("lang", "kind", "expected"),
    [
        ("en", "application", ["Application", "Tracking code", "Date and time: 25/11/2026 12:05"]),
        ("en", "complaint", ["Complaint or suggestion", "Requirements you still need to bring:"]),
        ("qu", "application", ["Qhatipanapaq código", "P'unchaw, hora: 25/11/2026 12:05"]),
        ("qu", "complaint", ["Reclamo utaq yuyaychay", "Kay requisitokunata apamunaykiraq tiyan:"]),
        ("es", "complaint", ["Reclamo o sugerencia", "Código de seguimiento"]),
    ],
)
def test_labels_are_in_the_receipt_language(lang: str, kind: str, expected: list[str]) -> None:
    lines = [t.text for t in texts(layout_receipt(make_receipt(lang=lang, kind=kind), 48))]
    assert all(label in lines for label in expected)


def test_control_characters_cannot_reach_the_printer() -> None:
    receipt = make_receipt(title="Plano\x1b@\x1dV\x00 de\nobra", requirements=["a\tb\x10\x04\x01"])
    lines = [t.text for t in texts(layout_receipt(receipt, 32))]
    assert "Plano @ V de obra" in lines
    assert "- a b" in lines
    assert not any(ch < " " for line in lines for ch in line)


def test_decomposed_accents_are_composed() -> None:
    lines = [t.text for t in texts(layout_receipt(make_receipt(title="Aprobacio\u0301n"), 32))]
    assert "Aprobación" in lines


def test_a_paper_narrower_than_a_receipt_is_refused() -> None:
    with pytest.raises(ValueError, match="too narrow"):
        layout_receipt(make_receipt(), 12)
