"""Playwright (Python) driving Debian's Chromium against a real kiosk server.

One browser per test module; a fresh context (no cookies, no storage) per test.
Every page records the requests it makes and the Content-Security-Policy
violations it reports; a test fails if any request leaves the kiosk's origin
or the policy blocks anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Page, sync_playwright

from printers.emulator import Emulator
from tests.conftest import Server, free_port, kiosk_args
from ventanilla.cli import cli

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
DESK_USER, DESK_PASSWORD = "maria", "cochabamba-2026"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def printer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    with Emulator(tmp_path_factory.mktemp("printed"), port=free_port()) as emulator:
        yield emulator


def add_desk_user(data_dir: Path, username: str = DESK_USER, password: str = DESK_PASSWORD):
    result = CliRunner().invoke(
        cli,
        ["kiosk", "user", "add", "--data", str(data_dir), username, "--password-stdin"],
        input=password + "\n",
    )
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def screen(tmp_path_factory: pytest.TempPathFactory, printer: Emulator) -> Iterator[Server]:
    """A kiosk with a (virtual) receipt printer and one desk account, shared by a module."""
    data_dir = tmp_path_factory.mktemp("kiosk")
    add_desk_user(data_dir)
    args = kiosk_args(data_dir, "--printer", f"tcp://127.0.0.1:{printer.port}")
    server = Server(args, data_dir).start()
    yield server
    server.stop()


@dataclass
class Watch:
    """What a page asked for, and what its Content-Security-Policy refused."""

    origin: str
    requests: list[str] = field(default_factory=list)
    csp_errors: list[str] = field(default_factory=list)

    def outside(self) -> list[str]:
        return [
            url
            for url in self.requests
            if not (url.startswith(self.origin + "/") or url.startswith(("data:", "blob:")))
        ]


def open_page(
    browser: Browser, server: Server, watch: Watch | None = None, viewport=PORTRAIT, **options
) -> tuple[Page, Watch]:
    context = browser.new_context(viewport=viewport, base_url=server.url, **options)
    page = context.new_page()
    watch = watch or Watch(server.url)
    page.on("request", lambda request: watch.requests.append(request.url))
    page.on(
        "console",
        lambda message: (
            watch.csp_errors.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.set_default_timeout(10_000)
    return page, watch


@pytest.fixture
def seen(screen: Server) -> Watch:
    return Watch(screen.url)


@pytest.fixture
def page(browser: Browser, screen: Server, seen: Watch) -> Iterator[Page]:
    """A fresh page on the shared kiosk; checked for stray requests and CSP errors after."""
    page, watch = open_page(browser, screen, seen)
    yield page
    page.context.close()
    assert watch.outside() == [], "requests outside the kiosk"
    assert watch.csp_errors == []


def login_to_desk(page: Page, username: str = DESK_USER, password: str = DESK_PASSWORD) -> None:
    page.goto("/desk/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")


def text_of(page: Page, selector: str) -> str:
    return re.sub(r"\s+", " ", page.inner_text(selector)).strip()


AXE = Path(__file__).parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def serious_violations(page: Page) -> list[str]:
    """What axe-core (vendored) finds serious or critical on `page` (WCAG 2.2 AA)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
