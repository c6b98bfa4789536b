"""Printer URIs, sending bytes and reading status, without a printer attached."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from escpos.printer import Dummy, File, Network
from escpos.printer import serial as escpos_serial
from escpos.printer import usb as escpos_usb

from printers.backends import (
    PrinterUnavailable,
    open_printer,
    printer_status,
    send,
)


def closed_port() -> int:
    """A loopback port nobody listens on: connecting to it is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mute_server() -> Iterator[int]:
    """A TCP server that takes connections and hangs up without a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone does not
    server.close()
    thread.join(timeout=2)


def test_file_printer_appends_each_job(tmp_path: Path) -> None:
    spool = tmp_path / "receipts.bin"
    send(f"file:{spool}", b"\x1b@first\n")
    send(f"file:{spool}", b"\x1b@second\n")
    assert spool.read_bytes() == b"\x1b@first\n\x1b@second\n"
    assert printer_status(f"file:{spool}") == "ok"


def test_file_url_form_is_accepted(tmp_path: Path) -> None:
    spool = tmp_path / "r.bin"
    send(f"file://{spool}", b"abc")
    assert spool.read_bytes() == b"abc"


def test_a_file_that_cannot_be_opened_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(PrinterUnavailable):
        send(f"file:{tmp_path}/missing-dir/r.bin", b"abc")


def test_dummy_keeps_bytes_in_memory() -> None:
    printer = open_printer("dummy:", profile="TM-T20II")
    assert isinstance(printer, Dummy)
    printer._raw(b"\x1b@")
    assert printer.output == b"\x1b@"
    send("dummy:", b"\x1b@")
    assert printer_status("dummy:") == "ok"


def test_uris_pick_the_python_escpos_printer(tmp_path: Path) -> None:
    assert isinstance(open_printer(f"file:{tmp_path}/x"), File)
    network = open_printer("tcp://192.168.1.50:9100")
    assert isinstance(network, Network)
    assert (network.host, network.port, network.timeout) == ("192.168.1.50", 9100, 3.0)
    assert open_printer("tcp://printer.local").port == 9100


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("lpt1", "unknown printer URI 'lpt1'; use one of: dummy:, file:PATH"),
        ("http://192.168.1.50", "unknown printer URI"),
        ("dummy:x", "dummy: takes nothing"),
        ("file:", "has no path"),
        ("tcp://", "has no host"),
        ("tcp://10.0.0.1:port", "bad port"),
        ("tcp://10.0.0.1:99999", "bad port"),
        ("tcp://10.0.0.1:9100/x", "only a host and a port"),
        ("usb:04b8", "vendor and product ids in hex"),
        ("usb:zz:0202", "vendor and product ids in hex"),
        ("usb:04b8:0202?speed=1", "unknown option 'speed'"),
        ("usb:04b8:0202?out_ep=one", "endpoints are hex"),
        ("serial:", "has no device"),
        ("serial:/dev/ttyUSB0?baudrate=fast", "baudrate must be a number"),
        ("serial:/dev/ttyUSB0?parity=N", "unknown option 'parity'"),
    ],
)
def test_a_bad_uri_says_what_is_wrong(uri: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("?", r"\?")):
        open_printer(uri)
    with pytest.raises(ValueError):
        send(uri, b"")
    with pytest.raises(ValueError):
        printer_status(uri)


def test_an_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown printer profile 'TM-XYZ'"):
        open_printer("dummy:", profile="TM-XYZ")


@pytest.mark.parametrize(
    ("uri", "module"),
    [("usb:04b8:0202", escpos_usb), ("serial:/dev/ttyUSB0?baudrate=19200", escpos_serial)],
)
def test_usb_and_serial_need_their_driver_library(uri: str, module: object) -> None:
    if module.is_usable():
        assert open_printer(uri) is not None
    else:
        with pytest.raises(PrinterUnavailable, match="need the py"):
            open_printer(uri)
        assert printer_status(uri) == "unreachable"


def test_a_refused_connection_is_unreachable() -> None:
    uri = f"tcp://127.0.0.1:{closed_port()}"
    assert printer_status(uri) == "unreachable"
    with pytest.raises(PrinterUnavailable, match=uri):
        send(uri, b"\x1b@")


def test_a_printer_that_never_answers_status_is_unknown(mute_server: int) -> None:
    assert printer_status(f"tcp://127.0.0.1:{mute_server}") == "unknown"
