"""A citizen at the touch screen, in each language: apply, complain, get the receipt."""

from __future__ import annotations

import re
import sqlite3

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import text_of
from tests.conftest import wait_for
from tests.printers.printer_helpers import read_qr_codes
from ventanilla.i18n import gettext

LANGS = ["es", "qu", "en"]
CODE_RE = re.compile(r"^TUN-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$")


def rows(server, sql, params=()):
    with sqlite3.connect(server.data_dir / "kiosk.db") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params)]


def t(lang: str, msgid: str, **values) -> str:
    """`msgid` in `lang`, and proof it is translated (not Spanish) in qu and en."""
    text = gettext(lang, msgid, **values)
    if lang != "es":
        assert text != gettext("es", msgid, **values), f"{msgid!r} untranslated in {lang}"
    return text


def qr_on_screen(page: Page) -> list[str]:
    """The QR codes in the receipt's image, as the screen shows it."""
    qr = page.locator("img.qr")
    expect(qr).to_be_visible()
    # Visible is not yet loaded: the first QR of a fresh server takes a moment to draw.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=qr.element_handle(), timeout=10_000
    )
    # zxing may report one symbol twice (two detectors agreeing): the distinct texts.
    return sorted(set(read_qr_codes(qr.screenshot())))


def see_receipt(page: Page, server, printer, lang: str) -> str:
    """Check the receipt screen; return its tracking code."""
    code = text_of(page, "#tracking-code")
    assert CODE_RE.match(code), code
    codes = qr_on_screen(page)
    assert len(codes) == 1, codes
    [url] = codes
    assert url.startswith(f"http://127.0.0.1:8001/t/{code}?s=")
    # The screen's QR is the paper's QR: printing started by itself.
    wait_for(
        lambda: (
            url in [read_qr_codes(job.with_suffix(".png").read_bytes())[0] for job in printer.jobs]
        ),
        what="the receipt on paper",
    )
    expect(page.locator("[data-print-status]")).to_have_text(
        t(lang, "Comprobante impreso. Recójalo de la impresora."), timeout=15_000
    )
    [row] = rows(server, "SELECT lang, status FROM submissions WHERE tracking_code = ?", [code])
    assert row == {"lang": lang, "status": "recibido"}
    return code


@pytest.mark.parametrize("lang", LANGS)
def test_an_application_by_touch(page: Page, screen, printer, seen, lang):
    page.goto("/")
    page.click(f'a[href="/{lang}"]')
    page.click(f'a[href="/{lang}/procedures"]')
    page.click(f'a[href="/{lang}/procedures?category=salud-mascotas"]')
    page.click(f'a[href="/{lang}/procedures/ZOO-RUM"]')
    expect(page.locator("h2#req")).to_have_text(t(lang, "Requisitos"))
    page.click(f'a[href="/{lang}/procedures/ZOO-RUM/apply"]')

    page.click("main button[type=submit]")  # nothing filled in: each field says what is missing
    required = t(lang, "Este dato es obligatorio.")
    for field in ("fields-pet_name", "fields-species", "fields-address", "applicant-name"):
        expect(page.locator(f"#{field}-error")).to_have_text(required)
    expect(page.locator("#fields-breed-error")).to_have_count(0)  # optional

    page.fill("#fields-pet_name", "Ñato")
    page.check('input[name="fields.species"][value="perro"]')
    page.check('input[name="fields.sex"][value="macho"]')
    page.check('input[name="fields.vaccinated"][value="si"]')
    page.fill("#fields-age_years", "40")  # too old: a message in the citizen's language
    page.fill("#fields-address", "Calle Jordán 123, zona Tunari")
    page.fill("#applicant-name", "Juana Mamani Quispe")
    page.fill("#applicant-ci", "4567891 CB")
    page.click("main button[type=submit]")
    expect(page.locator("#fields-age_years-error")).to_have_text(
        t(lang, "Debe ser como máximo {limit}.", limit=30)
    )
    expect(page.locator("#fields-pet_name")).to_have_value("Ñato")  # answers kept
    page.fill("#fields-age_years", "3")
    page.click("main button[type=submit]")

    expect(page.locator("h1")).to_have_text(t(lang, "Revise antes de enviar"))
    review = text_of(page, "dl.review")
    assert "Ñato" in review and "Juana Mamani Quispe" in review and "4567891 CB" in review
    page.click("main form button[type=submit]")

    see_receipt(page, screen, printer, lang)
    expect(page.locator("#req")).to_have_text(t(lang, "Requisitos que aún debe presentar:"))
    # What the citizen typed never went into a URL (only POST bodies carry it).
    typed = ("Ñato", "%C3%91ato", "Juana", "4567891", "Jord")
    assert [url for url in seen.requests if any(word in url for word in typed)] == []


@pytest.mark.parametrize("lang", LANGS)
def test_a_complaint_by_touch(page: Page, screen, printer, lang):
    page.goto("/")
    page.click(f'a[href="/{lang}"]')
    page.click(f'a[href="/{lang}/complaints"]')
    page.click(f'a[href="/{lang}/complaints/luminaria-apagada"]')
    if not page.url.endswith("/new"):  # open ones suggested first: this is another problem
        expect(page.locator("h1")).to_have_text(t(lang, "¿Es el mismo problema?"))
        page.click(f'a[href="/{lang}/complaints/luminaria-apagada/new"]')
    page.fill("#fields-description", f"El poste no enciende desde el lunes ({lang})")
    page.fill("#fields-location", "Calle Ñandutí y Av. Beijing")
    page.click("main button[type=submit]")

    expect(page.locator("h1")).to_have_text(t(lang, "Revise antes de enviar"))
    expect(page.locator(".note")).to_have_text(
        t(lang, "Su reclamo se enviará sin su nombre (anónimo).")
    )
    page.click("main form button[type=submit]")
    code = see_receipt(page, screen, printer, lang)
    [row] = rows(
        screen, "SELECT kind, code, fields FROM submissions WHERE tracking_code = ?", [code]
    )
    assert row["kind"] == "complaint" and row["code"] == "luminaria-apagada"
    assert "Calle Ñandutí y Av. Beijing" in row["fields"]


def test_a_complaint_with_contact_keeps_it(page: Page, screen):
    page.goto("/es/complaints/bache/new")
    page.fill("#fields-description", "Un bache grande")
    page.fill("#fields-location", "Calle Colombia")
    page.fill("#applicant-phone", "71234567")  # a phone but no name: the name is asked for
    page.click("main button[type=submit]")
    expect(page.locator("#applicant-name-error")).to_have_text("Este dato es obligatorio.")
    page.fill("#applicant-name", "Pedro Rojas")
    page.click("main button[type=submit]")
    review = text_of(page, "dl.review")
    assert "Pedro Rojas" in review and "+59171234567" in review
    expect(page.locator(".note")).to_have_count(0)


def test_switching_language_keeps_the_answers(page: Page):
    page.goto("/es/procedures/ZOO-RUM/apply")
    page.fill("#fields-pet_name", "Michi")
    page.click("main button[type=submit]")
    page.click('nav.langs a[lang="qu"]')
    assert "/qu/procedures/ZOO-RUM/apply?draft=" in page.url
    expect(page.locator("#fields-pet_name")).to_have_value("Michi")
    expect(page.locator("#fields-species-error")).to_have_text(t("qu", "Este dato es obligatorio."))
    expect(page.locator("html")).to_have_attribute("lang", "qu")


def test_a_second_tap_on_send_files_once(page: Page, screen):
    page.goto("/es/complaints/bache/new")
    page.fill("#fields-description", "Bache doble toque")
    page.fill("#fields-location", "Calle Sucre")
    page.click("main button[type=submit]")
    review_url = page.url
    before = rows(screen, "SELECT count(*) AS n FROM submissions")[0]["n"]
    page.click("main form button[type=submit]")
    code = text_of(page, "#tracking-code")
    # The same POST again (a double tap, a retry): the same receipt, nothing new filed.
    page.goto(review_url)
    response = page.request.post(review_url, form={"_csrf_token": csrf_of(page)})
    assert response.ok and code in response.text()
    assert rows(screen, "SELECT count(*) AS n FROM submissions")[0]["n"] == before + 1


def csrf_of(page: Page) -> str:
    return page.get_attribute('meta[name="csrf-token"]', "content")


def test_same_problem_add_support_instead(page: Page, screen):
    filed = httpx.post(
        f"{screen.url}/api/v1/submissions",
        json={
            "kind": "complaint",
            "category": "basura-no-recogida",
            "fields": {"description": "Basura en la esquina", "location": "Plaza Quintanilla"},
        },
        timeout=10,
    ).json()
    page.goto("/es/complaints/basura-no-recogida")
    expect(page.locator("h1")).to_have_text("¿Es el mismo problema?")
    card = page.locator("li.card", has_text="Plaza Quintanilla")
    expect(card).to_contain_text("Apoyos: 0")
    card.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Gracias por su apoyo")
    expect(page.locator("main")).to_contain_text("1 apoyos")
    supports = rows(
        screen,
        "SELECT count(*) AS n FROM supports JOIN submissions s ON s.id = submission_id "
        "WHERE s.tracking_code = ?",
        [filed["tracking_code"]],
    )
    assert supports == [{"n": 1}]
    page.goto("/es/complaints/basura-no-recogida")
    expect(page.locator("li.card", has_text="Plaza Quintanilla")).to_contain_text("Apoyos: 1")


def test_a_closed_complaint_takes_no_support(page: Page, screen):
    page.goto("/es/complaints/basura-no-recogida/new")  # for the CSRF cookie and token
    response = page.request.post(
        "/es/complaints/basura-no-recogida/support",
        form={"_csrf_token": csrf_of(page), "tracking_code": "TUN-0000-0000-0"},
        max_redirects=0,
    )
    assert response.status == 303
    assert response.headers["location"] == "/es/complaints/basura-no-recogida/new"


def test_browse_and_search(page: Page):
    page.goto("/en/procedures")
    page.fill("#q", "construccion")  # accents and case do not matter
    page.press("#q", "Enter")
    assert "search=" in page.url and "construccion" not in page.url
    expect(page.locator("ul.list a[href='/en/procedures/CON-PLANOS']")).to_be_visible()
    page.click("a[href='/en/procedures/CON-PLANOS']")
    expect(page.locator("p.fee")).not_to_be_empty()


def test_an_unknown_fee_is_not_invented(page: Page, catalog):
    unknown = next(p for p in catalog.procedures if p.fee_bs is None)
    page.goto(f"/qu/procedures/{unknown.code}")
    expect(page.locator("p.fee")).to_have_text(t("qu", "Consultar en ventanilla"))


def test_track_my_receipt(page: Page, screen):
    code = httpx.post(
        f"{screen.url}/api/v1/submissions",
        json={
            "kind": "complaint",
            "category": "bache",
            "fields": {"description": "Bache", "location": "Av. América"},
        },
        timeout=10,
    ).json()["tracking_code"]
    page.goto("/qu/track")
    page.fill("#code", "tun0000")
    page.click("main button[type=submit]")
    expect(page.locator("#code-error")).to_have_text(
        t("qu", "No encontramos ese código de seguimiento.")
    )
    page.fill("#code", code.lower().replace("-", " ").replace("0", "o"))  # forgiving
    page.click("main button[type=submit]")
    expect(page.locator("section.card h2")).to_have_text(code)
    expect(page.locator(".state")).to_have_text(
        t("qu", "Estado: {status}", status=gettext("qu", "Recibido"))
    )
    assert code not in page.url and code.lower() not in page.url


def test_on_screen_keyboard(page: Page):
    page.goto("/qu/complaints/bache/new")
    page.click("#fields-location")
    keyboard = page.locator("#osk")
    expect(keyboard).to_be_visible()
    for key in ["shift", "ñ", "a", "n", "'", "a", "y", " ", "á", "é", "í", "ó", "ú", "ü", "x"]:
        keyboard.locator(f'button[data-key="{key}"]').click()
    keyboard.locator('button[data-key="backspace"]').click()
    expect(page.locator("#fields-location")).to_have_value("Ñan'ay áéíóúü")
    expect(page.locator("#fields-location")).to_be_focused()
    keyboard.locator('button[data-key="hide"]').click()
    expect(keyboard).to_be_hidden()


def test_ui_pages_forbid_inline_code_and_outside_sources(screen):
    for path in ["/", "/es", "/es/procedures", "/qu/track", "/desk/login"]:
        response = httpx.get(screen.url + path, timeout=10)
        assert response.status_code == 200
        policy = response.headers["content-security-policy"]
        assert policy.startswith("default-src 'self'")
        assert "unsafe-inline" not in policy
        assert response.headers["cache-control"] == "no-store"
        if not path.startswith("/desk"):  # a citizen screen: no session, ever
            assert "desk-session" not in response.headers.get("set-cookie", "")
        assert "<script>" not in response.text and " style=" not in response.text


def test_unknown_pages_are_a_screen_not_json(page: Page):
    response = page.goto("/en/procedures/NOPE")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text(t("en", "No encontrado"))
    assert page.goto("/xx").status == 404
