"""The staff site at /staff/, through a real central server and a real HTTP client:
who may see and do what, forms that need their CSRF token, escaping, exports,
search, routing, bulk changes and the audit trail a citizen can see."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from central.audit import verify
from central.setup import load_keys
from content.bundle import open_bundle
from sync import signing
from tests.conftest import FAST_SYNC, Server, add_staff, enroll, wait_for
from ventanilla.cli import cli
from ventanilla.database import connect

PASSWORD = "clave-de-prueba-1"
XSS = '<img src=x onerror="alert(1)">'


def invoke(*args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(cli, list(args), input=input)
    assert result.exit_code == 0, result.output
    return result.output


def add_user(data_dir: Path, username: str, role: str, *units: str) -> None:
    add_staff(data_dir, username, role, *units, password=PASSWORD)


class Staff(httpx.Client):
    """A logged-in browser stand-in: it keeps the cookies and the form token."""

    def __init__(self, central: Server, username: str, password: str = PASSWORD):
        super().__init__(base_url=central.url, timeout=10)
        self.token = csrf_token(self.get("/staff/login").text)
        self.login = self.post(
            "/staff/login",
            data={"username": username, "password": password, "_csrf_token": self.token},
        )

    def send_form(self, path: str, **fields) -> httpx.Response:
        return self.post(path, data={**fields, "_csrf_token": self.token})


def csrf_token(html: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', html).group(1)


def listed(html: str) -> list[str]:
    return re.findall(r'href="/staff/cases/([A-Z0-9-]+)"', html)


def rows(central: Server, sql: str, params=()) -> list[dict]:
    with sqlite3.connect(central.data_dir / "central.db") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params)]


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("central")
    invoke("central", "init", "--data", str(data_dir))
    add_user(data_dir, "rosa", "reviewer", "ALUMBRADO")
    add_user(data_dir, "ernesto", "reviewer", "EMSA")
    add_user(data_dir, "sonia", "supervisor")
    add_user(data_dir, "admin", "admin")
    server = Server(["central", "serve", "--data", str(data_dir)], data_dir).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api_key(central: Server) -> str:
    output = invoke("central", "api-key", "add", "--data", str(central.data_dir), "--name", "t")
    return output.strip().splitlines()[-1]


def file_complaint(central: Server, api_key: str, category: str, description: str) -> str:
    posted = httpx.post(
        f"{central.url}/open311/v2/requests.json",
        data={
            "api_key": api_key,
            "service_code": category,
            "description": description,
            "address_string": "Av. Heroínas y Ayacucho",
            "first_name": "Celia",
            "last_name": "Quispe",
            "email": "celia.quispe@example.bo",
        },
        timeout=10,
    )
    assert posted.status_code == 201, posted.text
    return posted.json()[0]["service_request_id"]


@pytest.fixture(scope="module")
def light(central: Server, api_key: str) -> str:
    """A street-light complaint (unit ALUMBRADO) carrying an XSS and a CSV formula."""
    return file_complaint(
        central, api_key, "luminaria-apagada", f'=HYPERLINK("http://x") {XSS} plazuela Colón'
    )


@pytest.fixture(scope="module")
def rubbish(central: Server, api_key: str) -> str:
    """A rubbish complaint (unit EMSA)."""
    return file_complaint(central, api_key, "basura-no-recogida", "Basura acumulada en la esquina")


def test_pages_need_a_login(central):
    for path in ("/staff/", "/staff/cases/CEN-0000-0000-0", "/staff/admin/users"):
        answer = httpx.get(central.url + path, timeout=10)
        assert answer.status_code == 303 and answer.headers["location"] == "/staff/login"


def test_wrong_password_is_401_and_says_nothing_about_the_user(central):
    wrong_client = Staff(central, "rosa", "not-the-password")
    wrong, unknown = wrong_client.login, Staff(central, "nobody", "not-the-password").login
    assert wrong.status_code == unknown.status_code == 401

    def without_token(page: httpx.Response) -> str:
        return page.text.replace(csrf_token(page.text), "")

    assert without_token(wrong).replace("rosa", "nobody") == without_token(unknown)
    assert "Usuario o contraseña incorrectos" in wrong.text
    assert wrong_client.get("/staff/").status_code == 303  # still not logged in


def test_the_session_cookie_is_httponly_lax_and_scoped_to_staff(central):
    login = Staff(central, "rosa").login
    assert login.status_code == 303 and login.headers["location"] == "/staff/"
    cookie = next(c for c in login.headers.get_list("set-cookie") if "staff-session=" in c)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/staff" in cookie
    assert "Secure" not in cookie  # plain http here; see the TLS test below


def fresh_client(central: Server, session_id: str) -> httpx.Client:
    client = httpx.Client(base_url=central.url, timeout=10)
    client.cookies.set("staff-session", session_id)
    return client


def test_a_session_id_planted_before_login_does_not_carry_the_login(central):
    attacker = httpx.Client(base_url=central.url, timeout=10)
    attacker.get("/staff/login")
    planted = attacker.cookies["staff-session"]
    form = attacker.get("/staff/login")  # the victim's browser, holding the planted cookies
    login = attacker.post(
        "/staff/login",
        data={"username": "rosa", "password": PASSWORD, "_csrf_token": csrf_token(form.text)},
    )
    assert login.status_code == 303
    issued = login.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    assert issued != planted
    assert fresh_client(central, issued).get("/staff/").status_code == 200
    # What the attacker holds is not logged in.
    assert fresh_client(central, planted).get("/staff/").status_code == 303


def test_a_reviewer_sees_only_their_units_and_gets_403_elsewhere(central, light, rubbish):
    rosa = Staff(central, "rosa")
    assert light in listed(rosa.get("/staff/").text)
    assert rubbish not in listed(rosa.get("/staff/").text)
    other = rosa.get(f"/staff/cases/{rubbish}")
    assert other.status_code == 403 and "otra unidad" in other.text
    assert rosa.get(f"/staff/cases/{rubbish}/personal").status_code == 403
    refused = rosa.send_form(
        f"/staff/cases/{rubbish}/status", status="en_revision", public_note="no"
    )
    assert refused.status_code == 403
    assert rows(central, "SELECT status FROM submissions WHERE tracking_code = ?", [rubbish]) == [
        {"status": "recibido"}
    ]
    for admin_page in ("/staff/admin/users", "/staff/admin/content", "/staff/admin/webhooks"):
        assert rosa.get(admin_page).status_code == 403
    # Routing is for supervisors.
    assert rosa.send_form(f"/staff/cases/{light}/unit", unit="EMSA").status_code == 403
    # Its own unit's export holds only its own unit's submissions.
    exported = rosa.get("/staff/export.json").json()
    assert {row["assigned_unit"] for row in exported} == {"ALUMBRADO"}


def test_an_admin_manages_but_sees_no_case(central, light):
    admin = Staff(central, "admin")
    assert admin.login.headers["location"] == "/staff/admin/users"
    assert admin.get("/staff/").status_code == 403
    assert admin.get(f"/staff/cases/{light}").status_code == 403


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(central, light):
    rosa = Staff(central, "rosa")
    before = rows(central, "SELECT count(*) AS n FROM status_changes")
    forged = rosa.post(
        f"/staff/cases/{light}/status", data={"status": "en_revision", "public_note": "x"}
    )
    assert forged.status_code == 403
    wrong = rosa.post(
        f"/staff/cases/{light}/status",
        data={"status": "en_revision", "public_note": "x", "_csrf_token": "forged"},
    )
    assert wrong.status_code == 403
    assert rows(central, "SELECT count(*) AS n FROM status_changes") == before


def test_xss_is_escaped_in_every_view_and_csv_cells_cannot_run(central, light):
    sonia = Staff(central, "sonia")
    for path in ("/staff/", f"/staff/cases/{light}", f"/staff/cases/{light}/personal"):
        page = sonia.get(path)
        assert page.status_code == 200
        assert XSS not in page.text
        assert "script-src 'none'" in page.headers["content-security-policy"]
    assert "&lt;img src=x onerror=" in sonia.get(f"/staff/cases/{light}").text

    exported = sonia.get("/staff/export.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    cell = next(r for r in table if r["tracking_code"] == light)["field_description"]
    assert cell.startswith("'=HYPERLINK") and XSS in cell  # text, quoted: never a formula
    as_json = sonia.get("/staff/export.json")
    assert as_json.headers["content-type"] == "application/json"
    entry = next(r for r in as_json.json() if r["tracking_code"] == light)
    assert entry["fields"]["description"].startswith("=HYPERLINK")  # JSON is data, kept as is
    assert "Quispe" not in exported.text and "Quispe" not in as_json.text  # no personal data
    exports = rows(central, "SELECT details FROM audit_log WHERE action = 'inbox.export'")
    assert {json.loads(e["details"])["format"] for e in exports} >= {"csv", "json"}


def test_search_ignores_accents_and_case_and_finds_codes(central, light, rubbish):
    sonia = Staff(central, "sonia")
    assert listed(sonia.get("/staff/", params={"q": "COLON"}).text) == [light]
    assert listed(sonia.get("/staff/", params={"q": "plazu"}).text) == [light]
    assert listed(sonia.get("/staff/", params={"q": "basura esquina"}).text) == [rubbish]
    typed = rubbish.lower().replace("-", " ")
    assert listed(sonia.get("/staff/", params={"q": typed}).text) == [rubbish]
    assert listed(sonia.get("/staff/", params={"q": 'OR "*'}).text) == []  # no FTS syntax
    assert listed(sonia.get("/staff/", params={"unit": "EMSA"}).text) == [rubbish]
    assert listed(sonia.get("/staff/", params={"code": "luminaria-apagada"}).text) == [light]
    assert (
        listed(sonia.get("/staff/", params={"since": "2000-01-01", "until": "2000-12-31"}).text)
        == []
    )
    bad = sonia.get("/staff/", params={"status": "perdido"})
    assert bad.status_code == 400 and "filtro" in bad.text


def test_personal_data_opens_on_request_is_audited_and_shown_to_the_citizen(central, light):
    rosa = Staff(central, "rosa")
    case = rosa.get(f"/staff/cases/{light}")
    assert "Quispe" not in case.text and "Ver datos personales" in case.text
    opened = rosa.get(f"/staff/cases/{light}/personal")
    assert "Celia Quispe" in opened.text and "celia.quispe@example.bo" in opened.text
    views = rows(
        central,
        "SELECT actor, details FROM audit_log WHERE action = 'personal.view' AND subject = ?",
        [light],
    )
    assert views[-1]["actor"] == "rosa"
    assert json.loads(views[-1]["details"]) == {"role": "reviewer", "unit": "ALUMBRADO"}

    tracking = httpx.get(f"{central.url}/api/v1/track/{light}", timeout=10).json()
    assert tracking["opened_by"][-1]["role_label"] == "Revisor"
    assert tracking["opened_by"][-1]["unit"] == "ALUMBRADO"
    page = httpx.get(f"{central.url}/t/{light}", timeout=10).text
    assert "Revisor" in page and "rosa" not in page and "Quispe" not in page
    with connect(central.data_dir / "central.db") as db:
        assert verify(db).broken_at is None


def test_status_change_needs_a_public_note_and_follows_the_workflow(central, api_key):
    code = file_complaint(central, api_key, "luminaria-apagada", "Poste caído")
    rosa = Staff(central, "rosa")
    no_note = rosa.send_form(f"/staff/cases/{code}/status", status="en_revision", public_note=" ")
    assert no_note.status_code == 422 and "nota pública" in no_note.text
    jump = rosa.send_form(f"/staff/cases/{code}/status", status="cerrado", public_note="listo")
    assert jump.status_code == 422 and "En revisión" in jump.text
    done = rosa.send_form(
        f"/staff/cases/{code}/status",
        status="en_revision",
        public_note="Cuadrilla asignada",
        internal_note="Poste 118, llamar a ELFEC",
    )
    assert done.status_code == 303
    detail = rosa.get(f"/staff/cases/{code}").text
    assert "Cuadrilla asignada" in detail and "Poste 118" in detail and "rosa" in detail
    public = httpx.get(f"{central.url}/t/{code}", timeout=10).text
    assert "Cuadrilla asignada" in public and "Poste 118" not in public
    [entry] = rows(
        central,
        "SELECT actor FROM audit_log WHERE action = 'status.change' AND subject = ?",
        [code],
    )
    assert entry["actor"] == "rosa"


def test_a_supervisor_reassigns_and_the_new_unit_takes_over(central, api_key):
    code = file_complaint(central, api_key, "basura-no-recogida", "Poste sin luz, no es basura")
    sonia, rosa = Staff(central, "sonia"), Staff(central, "rosa")
    assert rosa.get(f"/staff/cases/{code}").status_code == 403
    assert sonia.send_form(f"/staff/cases/{code}/unit", unit="NOPE").status_code == 422
    assert sonia.send_form(f"/staff/cases/{code}/unit", unit="ALUMBRADO").status_code == 303
    assert rosa.get(f"/staff/cases/{code}").status_code == 200
    [row] = rows(
        central, "SELECT unit, assigned_unit FROM submissions WHERE tracking_code = ?", [code]
    )
    assert row == {"unit": "EMSA", "assigned_unit": "ALUMBRADO"}  # the channel's content stays


def test_bulk_change_is_all_or_nothing(central, api_key):
    first = file_complaint(central, api_key, "luminaria-apagada", "Lote uno")
    second = file_complaint(central, api_key, "luminaria-apagada", "Lote dos")
    sonia = Staff(central, "sonia")
    assert (
        sonia.send_form(
            f"/staff/cases/{second}/status", status="en_revision", public_note="ya"
        ).status_code
        == 303
    )
    mixed = sonia.post(
        "/staff/bulk",
        data={"codes": [first, second], "status": "en_revision", "public_note": "Revisando",
              "_csrf_token": sonia.token},
    )  # fmt: skip
    assert mixed.status_code == 422 and second in mixed.text
    statuses = {r["tracking_code"]: r["status"] for r in rows(
        central, "SELECT tracking_code, status FROM submissions WHERE tracking_code IN (?, ?)",
        [first, second])}  # fmt: skip
    assert statuses == {first: "recibido", second: "en_revision"}
    both = sonia.post(
        "/staff/bulk?status=recibido",
        data={"codes": [first], "status": "en_revision", "public_note": "Revisando",
              "_csrf_token": sonia.token},
    )  # fmt: skip
    assert both.status_code == 303 and both.headers["location"] == "/staff/?status=recibido"
    assert rows(central, "SELECT status FROM submissions WHERE tracking_code = ?", [first]) == [
        {"status": "en_revision"}
    ]


def test_login_attempts_are_throttled(central):
    for _ in range(5):
        assert Staff(central, "ernesto", "wrong-password").login.status_code == 401
    blocked = Staff(central, "ernesto")  # even the right password waits now
    assert blocked.login.status_code == 429 and int(blocked.login.headers["retry-after"]) > 0
    assert Staff(central, "sonia").login.status_code == 303  # others are not locked out


def test_a_disabled_account_is_logged_out_at_once(central):
    add_user(central.data_dir, "temporal", "reviewer", "OBRAS")
    temporal, admin = Staff(central, "temporal"), Staff(central, "admin")
    assert temporal.get("/staff/").status_code == 200
    saved = admin.send_form("/staff/admin/users/temporal", role="reviewer", units="OBRAS")
    assert saved.status_code == 303  # "enabled" unticked
    assert temporal.get("/staff/").status_code == 303
    assert Staff(central, "temporal").login.status_code == 401


def test_admins_add_users_and_bad_accounts_are_refused(central):
    admin = Staff(central, "admin")
    bad = admin.send_form(
        "/staff/admin/users", username="Ana Mar", password=PASSWORD, role="reviewer", units="EMSA"
    )
    assert bad.status_code == 422 and "no sirve" in bad.text
    no_unit = admin.send_form(
        "/staff/admin/users", username="ana", password=PASSWORD, role="reviewer"
    )
    assert no_unit.status_code == 422 and "unidad" in no_unit.text
    made = admin.send_form(
        "/staff/admin/users", username="ana", password=PASSWORD, role="reviewer", units="EMSA"
    )
    assert made.status_code == 303
    [user] = rows(central, "SELECT password_hash FROM staff_users WHERE username = 'ana'")
    assert user["password_hash"].startswith("$argon2id$")
    assert Staff(central, "ana").login.status_code == 303
    own = admin.send_form("/staff/admin/users/admin", role="reviewer", units="EMSA", enabled="on")
    assert own.status_code == 422  # an admin cannot demote themself


def test_an_admin_edits_previews_and_publishes_a_procedure(central):
    admin = Staff(central, "admin")
    form_page = admin.get("/staff/admin/content/ZOO-RUM").text
    values = {
        name: value
        for name, value in re.findall(
            r'<textarea id="(\w+)" name="\w+"[^>]*>([^<]*)</textarea>', form_page
        )
    }
    values = {k: html.unescape(v) for k, v in values.items()}
    values["title_es"] = "Registro Único de Mascotas <nuevo>"
    bad = admin.send_form("/staff/admin/content/ZOO-RUM/preview", **{**values, "steps_es": ""})
    assert bad.status_code == 422 and "al menos una línea" in bad.text
    preview = admin.send_form("/staff/admin/content/ZOO-RUM/preview", **values, fee_bs="25")
    assert preview.status_code == 200 and "Registro Único de Mascotas &lt;nuevo&gt;" in preview.text
    assert rows(central, "SELECT count(*) AS n FROM bundles") == [{"n": 0}]  # not yet
    published = admin.send_form("/staff/admin/content/ZOO-RUM/publish", **values, fee_bs="25")
    assert published.status_code == 201 and "Publicado" in published.text

    [bundle] = rows(central, "SELECT data FROM bundles")
    with connect(central.data_dir / "central.db") as db:
        keys = load_keys(db)
    catalog = open_bundle(bundle["data"], signing.public_key(keys.signing_key)).catalog
    procedure = catalog.procedure("ZOO-RUM")
    assert procedure.title.es == "Registro Único de Mascotas <nuevo>" and procedure.fee_bs == 25
    assert admin.get("/staff/admin/content").status_code == 200


def test_behind_tls_the_cookies_are_secure_only(tmp_path):
    data_dir = tmp_path / "central"
    invoke("central", "init", "--data", str(data_dir))
    add_user(data_dir, "rosa", "reviewer", "ALUMBRADO")
    args = ["central", "serve", "--data", str(data_dir), "--public-url", "https://tramites.example"]
    server = Server(args, data_dir).start()
    try:
        form = httpx.get(f"{server.url}/staff/login", timeout=10)
        cookies = form.headers.get_list("set-cookie")
        assert cookies and all("Secure" in cookie for cookie in cookies)
        csrf_cookie = next(c for c in cookies if c.startswith("csrftoken="))
        # A browser sends Secure cookies over TLS only; the proxy in front terminates TLS.
        login = httpx.post(
            f"{server.url}/staff/login",
            data={"username": "rosa", "password": PASSWORD, "_csrf_token": csrf_token(form.text)},
            headers={"Cookie": csrf_cookie.split(";")[0]},
            timeout=10,
        )
        assert login.status_code == 303
        cookies = login.headers.get_list("set-cookie")
        assert any(c.startswith("staff-session=") for c in cookies)
        assert all("Secure" in cookie for cookie in cookies)
    finally:
        server.stop()


def test_an_application_from_a_kiosk_opens_with_its_answers(start_central, start_kiosk, tmp_path):
    central = start_central()
    add_user(central.data_dir, "zoila", "reviewer", "ZOONOSIS")
    enroll(tmp_path / "kiosk", central)
    kiosk = start_kiosk(tmp_path / "kiosk", *FAST_SYNC)
    application = {
        "kind": "application",
        "procedure": "ZOO-RUM",
        "fields": {
            "pet_name": "Firulais",
            "species": "perro",
            "sex": "macho",
            "vaccinated": True,
            "address": "Calle Wilfreda 77",
        },
        "applicant": {"name": "Wilfreda Condori Mamani", "ci": "7654321 CB"},
    }
    code = httpx.post(f"{kiosk.url}/api/v1/submissions", json=application, timeout=10).json()[
        "tracking_code"
    ]
    wait_for(
        lambda: httpx.get(f"{kiosk.url}/api/v1/sync/status").json()["pending"] == 0, what="sync"
    )
    zoila = Staff(central, "zoila")
    inbox = zoila.get("/staff/", params={"office": "Sub Alcaldía Tunari", "kind": "application"})
    assert listed(inbox.text) == [code]
    sealed = zoila.get(f"/staff/cases/{code}")
    assert "Firulais" not in sealed.text and "Wilfreda" not in sealed.text
    opened = zoila.get(f"/staff/cases/{code}/personal")
    assert "Wilfreda Condori Mamani" in opened.text and "7654321 CB" in opened.text
    assert "Firulais" in opened.text and "Nombre de la mascota" in opened.text
    # The kiosk learns nothing of who looked; the citizen's tracking page says it.
    tracking = httpx.get(f"{central.url}/api/v1/track/{code}", timeout=10).json()
    assert [v["unit"] for v in tracking["opened_by"]] == ["ZOONOSIS"]


def test_user_add_refuses_unknown_units_and_roles(tmp_path):
    data_dir = tmp_path / "central"
    invoke("central", "init", "--data", str(data_dir))
    for extra in (
        ["--role", "boss"],
        ["--role", "reviewer", "--unit", "NASA"],
        ["--role", "reviewer"],
    ):
        result = CliRunner().invoke(
            cli,
            ["central", "user", "add", "--data", str(data_dir), "luis", *extra, "--password-stdin"],
            input=PASSWORD + "\n",
        )
        assert result.exit_code != 0
    short = CliRunner().invoke(
        cli,
        ["central", "user", "add", "--data", str(data_dir), "luis", "--role", "admin",
         "--password-stdin"],
        input="corta\n",
    )  # fmt: skip
    assert short.exit_code == 1 and "8" in short.output


@pytest.mark.parametrize(
    ("user", "method", "path", "fields", "status"),
    [
        ("sonia", "GET", "/staff/?page=0", None, 400),
        ("sonia", "GET", "/staff/?since=ayer", None, 400),
        ("sonia", "GET", "/staff/?kind=carta", None, 400),
        ("sonia", "GET", "/staff/?q=%22%29%28*%20OR%20NEAR", None, 200),
        ("sonia", "GET", "/staff/?q=" + "x" * 500, None, 400),
        ("sonia", "GET", "/staff/cases/%3Cscript%3E", None, 404),
        ("sonia", "GET", "/staff/cases/CEN-0000-0000-0", None, 404),
        ("sonia", "POST", "/staff/cases/CEN-0000-0000-0/status", {"status": "x", "public_note": "y"}, 422),
        ("sonia", "POST", "/staff/bulk", {"status": "en_revision", "public_note": "y"}, 422),
        ("sonia", "POST", "/staff/bulk", {"codes": "NOPE", "status": "en_revision", "public_note": "y"}, 404),
        ("admin", "POST", "/staff/admin/users/nadie", {"role": "admin"}, 404),
        ("admin", "POST", "/staff/admin/users/nadie", {"role": "jefe"}, 422),
        ("admin", "GET", "/staff/admin/content/NO-EXISTE", None, 404),
        ("admin", "POST", "/staff/admin/content/ZOO-RUM/publish", {"title_es": "Solo el título"}, 422),
        ("admin", "POST", "/staff/admin/webhooks", {"url": "ftp://x"}, 422),
    ],
)  # fmt: skip
def test_bad_input_gets_a_clear_page_never_a_500(central, user, method, path, fields, status):
    staff = Staff(central, user)
    bundles = rows(central, "SELECT count(*) AS n FROM bundles")
    answer = staff.send_form(path, **fields) if method == "POST" else staff.get(path)
    assert answer.status_code == status, answer.text[-500:]
    if status != 200:
        assert 'class="message"' in answer.text or 'class="error"' in answer.text
    assert rows(central, "SELECT count(*) AS n FROM bundles") == bundles  # nothing published
