"""The virtual network printer, over real TCP on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from printers.backends import PrinterOutOfPaper, PrinterUnavailable, printer_status, send
from printers.emulator import Emulator
from printers.escpos import render_receipt
from tests.printers.printer_helpers import TRACK_URL, make_receipt, read_qr_codes


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    with Emulator(tmp_path / "jobs") as running:
        yield running


def uri(emulator: Emulator) -> str:
    return f"tcp://127.0.0.1:{emulator.port}"


@pytest.mark.parametrize("paper", [58, 80])
def test_a_receipt_sent_over_tcp_is_saved_and_scans(tmp_path: Path, paper: int) -> None:
    data = render_receipt(make_receipt(), paper=paper)
    with Emulator(tmp_path, paper=paper) as emulator:
        send(uri(emulator), data)
        [job] = emulator.wait_for_jobs(1)
    assert job == tmp_path / "job-0001.bin"
    assert job.read_bytes() == data
    assert read_qr_codes(job.with_suffix(".png").read_bytes()) == [TRACK_URL]


def test_status_follows_the_printer_from_ok_to_no_paper_to_unreachable(emulator: Emulator) -> None:
    assert printer_status(uri(emulator)) == "ok"
    emulator.paper_out = True
    assert printer_status(uri(emulator)) == "no_paper"
    emulator.paper_out = False
    emulator.cover_open = True
    assert printer_status(uri(emulator)) == "offline"
    emulator.cover_open = False
    assert printer_status(uri(emulator)) == "ok"
    emulator.stop()
    assert printer_status(uri(emulator)) == "unreachable"
    assert emulator.jobs == []  # status queries alone print nothing


def test_sending_to_a_printer_without_paper_fails_and_prints_nothing(emulator: Emulator) -> None:
    emulator.paper_out = True
    with pytest.raises(PrinterOutOfPaper):
        send(uri(emulator), render_receipt(make_receipt()))
    emulator.paper_out = False
    send(uri(emulator), b"\x1b@Hola\n")
    [job] = emulator.wait_for_jobs(1)
    assert job.read_bytes() == b"\x1b@Hola\n"


def test_sending_to_a_stopped_printer_is_unavailable(emulator: Emulator) -> None:
    emulator.stop()
    with pytest.raises(PrinterUnavailable):
        send(uri(emulator), b"\x1b@Hola\n")


def test_a_stopped_printer_can_be_switched_on_again(emulator: Emulator) -> None:
    emulator.stop()
    emulator.start()
    send(uri(emulator), b"\x1b@Hola\n")
    assert len(emulator.wait_for_jobs(1)) == 1


def test_status_queries_inside_a_job_are_answered_and_not_saved(emulator: Emulator) -> None:
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=2) as conn:
        conn.sendall(b"\x1b@Uno\n\x10\x04\x01")
        assert conn.recv(1) == b"\x12"
        conn.sendall(b"\x10\x04\x04Dos\n")
        assert conn.recv(1) == b"\x12"
    [job] = emulator.wait_for_jobs(1)
    assert job.read_bytes() == b"\x1b@Uno\nDos\n"


def test_jobs_are_numbered_after_the_ones_already_there(tmp_path: Path) -> None:
    (tmp_path / "job-0041.bin").write_bytes(b"old")
    with Emulator(tmp_path) as emulator:
        send(uri(emulator), b"\x1b@A\n")
        send(uri(emulator), b"\x1b@B\n")
        first, second = emulator.wait_for_jobs(2)
    assert {first.name, second.name} == {"job-0042.bin", "job-0043.bin"}
    assert (tmp_path / "job-0043.png").exists()


def test_a_bad_paper_width_is_refused_before_listening(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="paper"):
        Emulator(tmp_path, paper=76)
