"""`ventanilla printer test | status | emulate`."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from printers.cli import printer
from printers.emulator import Emulator
from tests.printers.printer_helpers import read_qr_codes


def run(*args: str) -> object:
    return CliRunner().invoke(printer, list(args))


def test_test_page_goes_to_a_file(tmp_path: Path) -> None:
    spool = tmp_path / "out.bin"
    result = run("test", f"file:{spool}", "--paper", "80")
    assert result.exit_code == 0, result.output
    assert result.output == f"Test page sent to file:{spool} (80 mm, profile default).\n"
    data = spool.read_bytes()
    assert data.startswith(b"\x1b@")
    assert "ÁÉÍÓÚ ñÑ".encode("cp850") in data


def test_test_page_goes_to_a_network_printer(tmp_path: Path) -> None:
    with Emulator(tmp_path, paper=80) as emulator:
        uri = f"tcp://127.0.0.1:{emulator.port}"
        result = run("test", uri, "--profile", "TM-T20II", "--paper", "80")
        assert result.exit_code == 0, result.output
        [job] = emulator.wait_for_jobs(1)
    assert read_qr_codes(job.with_suffix(".png").read_bytes()) == [
        "VENTANILLA PRUEBA TM-T20II 80MM"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["test", "lpt1"], "Error: unknown printer URI 'lpt1'; use one of: dummy:, file:PATH"),
        (["test", "tcp://"], "Error: printer URI 'tcp://' has no host"),
        (["test", "dummy:", "--profile", "TM-XYZ"], "Error: unknown printer profile 'TM-XYZ'"),
        (["status", "usb:nope"], "Error: printer URI 'usb:nope': usb: needs vendor and product"),
    ],
)
def test_a_bad_uri_or_profile_is_a_clear_error(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert result.output.startswith(message)


def test_an_unreachable_printer_is_a_clear_error(tmp_path: Path) -> None:
    emulator = Emulator(tmp_path).start()
    uri = f"tcp://127.0.0.1:{emulator.port}"
    emulator.stop()
    result = run("test", uri)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {uri}: cannot reach the printer: ")
    assert "Connection refused" in result.output


def test_status_prints_the_state_and_fails_unless_ok(tmp_path: Path) -> None:
    with Emulator(tmp_path) as emulator:
        uri = f"tcp://127.0.0.1:{emulator.port}"
        ok = run("status", uri)
        emulator.paper_out = True
        empty = run("status", uri)
    assert (ok.exit_code, ok.output) == (0, "ok\n")
    assert (empty.exit_code, empty.output) == (1, "no_paper\n")


def test_every_command_has_help_with_an_example() -> None:
    for name in ("test", "status", "emulate"):
        result = run(name, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.output
        assert "ventanilla printer " + name in result.output


def test_emulate_listens_until_interrupted(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "from printers.cli import printer; printer()"]
    args = ["emulate", "--port", "0", "--out", str(tmp_path), "--paper", "80"]
    with subprocess.Popen([*command, *args], stdout=subprocess.PIPE, text=True) as child:
        try:
            listening = child.stdout.readline()
            assert listening.startswith("Printer listening on tcp://127.0.0.1:")
            assert child.stdout.readline() == f"Jobs go to {tmp_path} (80 mm). Ctrl-C stops.\n"
            uri = listening.split()[-1]
            assert run("test", uri, "--paper", "80").exit_code == 0
            # The job is saved once the printer has read it all: wait for that, not longer.
            deadline = time.monotonic() + 5
            while not (tmp_path / "job-0001.bin").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            child.send_signal(signal.SIGINT)
            try:
                code = child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                raise
        assert code == 0
    assert (tmp_path / "job-0001.bin").read_bytes().startswith(b"\x1b@")
    assert (tmp_path / "job-0001.png").exists()
