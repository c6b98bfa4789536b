"""Printer URIs to python-escpos printers, and the two things the kiosk asks of them.

    dummy:                          bytes kept in memory (tests, demos)
    file:PATH                       raw ESC/POS appended to PATH (a spool file, /dev/usb/lp0)
    tcp://HOST[:9100]               a network printer's raw port
    usb:VID:PID                     hex ids, as `lsusb` shows them (needs pyusb)
    serial:/dev/ttyUSB0?baudrate=9600                                   (needs pyserial)

`send` writes bytes made by `printers.escpos`; `printer_status` reads the real
state with DLE EOT where the link can answer. Only python-escpos's `_raw` and
`_read` touch the device.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal
from urllib.parse import parse_qsl, urlsplit

from escpos.capabilities import CAPABILITIES
from escpos.constants import RT_MASK_NOPAPER, RT_MASK_ONLINE, RT_STATUS_ONLINE, RT_STATUS_PAPER
from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.printer import Dummy, File, Network, Serial, Usb
from escpos.printer import serial as escpos_serial
from escpos.printer import usb as escpos_usb

Status = Literal["ok", "offline", "no_paper", "unreachable", "unknown"]

TCP_PORT = 9100
TCP_TIMEOUT = 3.0  # seconds: a kiosk must tell "printer off" quickly, not hang a citizen
SERIAL_TIMEOUT = 1.0
USB_TIMEOUT_MS = 5000  # python-escpos waits forever by default: a jammed printer would hang us
SCHEMES = ("dummy:", "file:PATH", "tcp://HOST:PORT", "usb:VID:PID", "serial:DEVICE?baudrate=N")
HEX_ID = re.compile(r"(0x)?[0-9a-fA-F]{1,4}")


class PrinterError(Exception):
    """The printer could not print the job."""


class PrinterUnavailable(PrinterError):
    """The printer cannot be reached, is switched off, offline, or its driver is missing."""


class PrinterOutOfPaper(PrinterError):
    """The printer says its paper roll is empty."""


class PrinterWriteFailed(PrinterError):
    """Sending the job broke off midway: part of it may be on paper already."""


class AppendFile(File):
    """A file printer that appends, so jobs pile up in one file like a spool."""

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        try:
            self.device = open(self.devfile, "ab")  # noqa: SIM115 -- closed by close()
        except OSError as e:
            self.device = None
            raise DeviceNotFoundError(f"Could not open {self.devfile}: {e}") from e


def open_printer(uri: str, profile: str = "default") -> Escpos:
    """The python-escpos printer `uri` names, not yet connected.

    Raises ValueError for a malformed URI and PrinterUnavailable when the
    library a USB or serial printer needs is not installed.
    """
    if profile not in CAPABILITIES["profiles"]:
        raise ValueError(f"unknown printer profile {profile!r}")
    scheme, _, rest = uri.partition(":")
    if scheme == "dummy":
        if rest:
            raise ValueError(f"printer URI {uri!r}: dummy: takes nothing after the colon")
        return Dummy(profile=profile)
    if scheme == "file":
        return AppendFile(devfile=_file_path(uri, rest), profile=profile)
    if scheme == "tcp":
        return _network(uri, profile)
    if scheme == "usb":
        return _usb(uri, rest, profile)
    if scheme == "serial":
        return _serial(uri, rest, profile)
    raise ValueError(f"unknown printer URI {uri!r}; use one of: {', '.join(SCHEMES)}")


def send(
    uri: str,
    data: bytes,
    profile: str = "default",
    before_write: Callable[[], None] | None = None,
) -> None:
    """Write ESC/POS `data` to the printer at `uri`, after checking it can print.

    Raises PrinterOutOfPaper, or PrinterUnavailable when it is unreachable or
    offline (nothing printed: safe to retry), or PrinterWriteFailed when the
    link broke while sending; a printer silent to status queries gets the job anyway.
    `before_write` runs once the printer is known to be ready, just before the
    first byte of `data` leaves; if it raises, nothing is sent.
    """
    printer = open_printer(uri, profile)
    _connect(printer, uri)
    try:
        status = _read_status(printer) if _answers_status(uri) else "ok"
        if status == "no_paper":
            raise PrinterOutOfPaper(f"{uri}: the printer has no paper")
        if status == "offline":
            raise PrinterUnavailable(f"{uri}: the printer is offline (cover open or error)")
    except OSError as e:
        printer.close()
        raise PrinterUnavailable(f"{uri}: {e}") from e
    except PrinterError:
        printer.close()
        raise
    if before_write is not None:
        try:
            before_write()
        except BaseException:
            printer.close()
            raise
    # Nothing has reached the paper before this point, so the errors above are
    # safe to retry; an error while writing is not (the job may print twice).
    try:
        printer._raw(data)
    except OSError as e:
        raise PrinterWriteFailed(f"{uri}: the job broke off while sending: {e}") from e
    finally:
        printer.close()


def printer_status(uri: str, profile: str = "default") -> Status:
    """What the printer at `uri` says of itself (DLE EOT); "ok" for dummy and file printers."""
    try:
        printer = open_printer(uri, profile)
        if not _answers_status(uri):
            return "ok"
        _connect(printer, uri)
    except PrinterUnavailable:
        return "unreachable"
    try:
        return _read_status(printer)
    except OSError:
        return "unknown"
    finally:
        printer.close()


def _answers_status(uri: str) -> bool:
    return uri.partition(":")[0] in ("tcp", "usb", "serial")


def _connect(printer: Escpos, uri: str) -> None:
    try:
        printer.open()
    except (DeviceNotFoundError, OSError) as e:
        # python-escpos wraps the OS error in a multi-line message; the OS error says it all.
        cause = e.__context__ if isinstance(e.__context__, OSError) else e
        reason = " ".join(str(cause).split())
        raise PrinterUnavailable(f"{uri}: cannot reach the printer: {reason}") from e


def _read_status(printer: Escpos) -> Status:
    """Ask DLE EOT 1 (printer) and 4 (paper sensor); "unknown" if the printer stays silent."""
    try:
        online = printer.query_status(RT_STATUS_ONLINE)
        # A printer silent to the first query is silent to the second: don't wait twice.
        paper = printer.query_status(RT_STATUS_PAPER) if online else b""
    except TimeoutError:
        return "unknown"
    if not paper:
        return "unknown"
    if paper[0] & RT_MASK_NOPAPER == RT_MASK_NOPAPER:
        return "no_paper"
    if online[0] & RT_MASK_ONLINE:
        return "offline"
    return "ok"


def _file_path(uri: str, rest: str) -> str:
    path = urlsplit(uri).path if rest.startswith("//") else rest
    if not path:
        raise ValueError(f"printer URI {uri!r} has no path; e.g. file:/tmp/receipts.bin")
    return path


def _network(uri: str, profile: str) -> Network:
    parts = urlsplit(uri)
    try:
        port = parts.port or TCP_PORT
    except ValueError as e:
        raise ValueError(f"printer URI {uri!r} has a bad port; e.g. tcp://192.168.1.50:9100") from e
    if not parts.hostname:
        raise ValueError(f"printer URI {uri!r} has no host; e.g. tcp://192.168.1.50:9100")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"printer URI {uri!r}: tcp:// takes only a host and a port")
    return Network(host=parts.hostname, port=port, timeout=TCP_TIMEOUT, profile=profile)


def _usb(uri: str, rest: str, profile: str) -> Usb:
    ids, _, query = rest.partition("?")
    vendor, _, product = ids.partition(":")
    if not (HEX_ID.fullmatch(vendor) and HEX_ID.fullmatch(product)):
        raise ValueError(
            f"printer URI {uri!r}: usb: needs vendor and product ids in hex, e.g. usb:04b8:0202"
        )
    options = _options(uri, query, {"in_ep", "out_ep"})
    endpoints = {name: int(value, 16) for name, value in options.items() if HEX_ID.fullmatch(value)}
    if len(endpoints) != len(options):
        raise ValueError(f"printer URI {uri!r}: USB endpoints are hex, e.g. out_ep=0x01")
    if not escpos_usb.is_usable():
        raise PrinterUnavailable("USB printers need the pyusb package (python-escpos[usb])")
    return Usb(
        int(vendor, 16), int(product, 16), timeout=USB_TIMEOUT_MS, profile=profile, **endpoints
    )


def _serial(uri: str, rest: str, profile: str) -> Serial:
    device, _, query = rest.partition("?")
    if not device:
        raise ValueError(f"printer URI {uri!r} has no device; e.g. serial:/dev/ttyUSB0")
    options = _options(uri, query, {"baudrate"})
    baudrate = options.get("baudrate", "9600")
    if not baudrate.isdigit() or int(baudrate) == 0:
        raise ValueError(f"printer URI {uri!r}: baudrate must be a number, e.g. 9600")
    if not escpos_serial.is_usable():
        raise PrinterUnavailable(
            "serial printers need the pyserial package (python-escpos[serial])"
        )
    return Serial(device, baudrate=int(baudrate), timeout=SERIAL_TIMEOUT, profile=profile)


def _options(uri: str, query: str, allowed: set[str]) -> dict[str, str]:
    options = dict(parse_qsl(query, keep_blank_values=True))
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise ValueError(
            f"printer URI {uri!r}: unknown option {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})"
        )
    return options
