"""Read aloud: espeak-ng speaks a screen's text in its language, cached per content version."""

from __future__ import annotations

import shutil

import httpx
import pytest
from playwright.sync_api import Page, expect

from content.catalog import catalog_version


@pytest.fixture(autouse=True)
def needs_espeak():
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is missing: `make test` installs Debian's espeak-ng package")


def test_a_procedure_read_aloud_in_each_language(screen, catalog):
    cache = screen.data_dir / "speech" / catalog_version(catalog)
    sounds = {}
    for lang in ("es", "qu", "en"):
        answer = httpx.get(f"{screen.url}/{lang}/listen/procedure/ZOO-RUM", timeout=60)
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "audio/wav"
        assert answer.content[:4] == b"RIFF" and answer.content[8:12] == b"WAVE"
        assert len(answer.content) > 50_000  # seconds of speech, not an empty file
        sounds[lang] = answer.content
    assert len(set(sounds.values())) == 3
    cached = sorted(cache.glob("*.wav"))
    assert len(cached) == 3
    again = httpx.get(f"{screen.url}/qu/listen/procedure/ZOO-RUM", timeout=60)
    assert again.content == sounds["qu"] and sorted(cache.glob("*.wav")) == cached


def test_requirements_and_form_help(screen):
    for path in ("/es/listen/requirements/ZOO-RUM", "/en/listen/form-complaint/bache"):
        assert httpx.get(screen.url + path, timeout=60).status_code == 200
    assert httpx.get(screen.url + "/es/listen/procedure/NOPE", timeout=60).status_code == 404


def test_the_receipt_read_aloud_is_never_stored(page: Page, screen, catalog):
    cache = screen.data_dir / "speech" / catalog_version(catalog)
    page.goto("/es/complaints/bache/new")
    page.fill("#fields-description", "Bache")
    page.fill("#fields-location", "Av. Blanco Galindo")
    page.click("main button[type=submit]")
    page.click("main form button[type=submit]")
    before = sorted(cache.glob("*")) if cache.exists() else []
    with page.expect_response(lambda r: "/listen/receipt/" in r.url) as heard:
        page.click("button[data-listen]")
    assert heard.value.status == 200
    assert heard.value.headers["content-type"] == "audio/wav"
    assert (sorted(cache.glob("*")) if cache.exists() else []) == before


def test_the_listen_button_is_on_the_procedure_page(page: Page):
    page.goto("/qu/procedures/ZOO-RUM")
    expect(page.locator("button[data-listen]").first).to_have_text("Uyariy")
    with page.expect_response(lambda r: "/qu/listen/procedure/ZOO-RUM" in r.url) as heard:
        page.locator("button[data-listen]").first.click()
    assert heard.value.status == 200
