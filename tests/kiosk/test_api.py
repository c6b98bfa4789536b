"""The kiosk API as a screen or a desk uses it, against a real server on 127.0.0.1."""

from __future__ import annotations

import sqlite3
import uuid

import msgspec
import pytest

from sync.messages import PersonalData

COMPLAINT = {
    "kind": "complaint",
    "category": "luminaria-apagada",
    "fields": {
        "description": "El poste no enciende desde hace una semana; ¡está muy oscuro!",
        "location": "Av. Beijing y calle Ñandutí, frente al mercado",
    },
    "applicant": None,
}

APPLICATION = {
    "kind": "application",
    "procedure": "ZOO-RUM",
    "fields": {
        "pet_name": "Firulais",
        "species": "perro",
        "sex": "macho",
        "vaccinated": True,
        "address": "Calle Jordán 123, zona Tunari",
    },
    "applicant": {"name": "Juana Mamani Quispe", "ci": "4567891 CB", "phone": "71234567"},
    "lang": "es",
}


def rows(kiosk, sql, params=()):
    with sqlite3.connect(kiosk.data_dir / "kiosk.db") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params)]


def test_health(http):
    body = http.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["prefix"] == "TUN" and body["office"] == "Sub Alcaldía Tunari"


# Catalogue ------------------------------------------------------------------


def test_the_fresh_kiosk_serves_the_whole_catalogue(http, catalog):
    procedures = http.get("/api/v1/procedures").json()
    assert len(procedures) == len(catalog.procedures) >= 25
    assert {p["category"] for p in procedures} >= {"construccion", "tributos", "salud-mascotas"}


@pytest.mark.parametrize("q", ["construccion", "CONSTRUCCIÓN", "Construcción", "constru"])
def test_search_ignores_accents_and_case(http, q):
    codes = [p["code"] for p in http.get("/api/v1/procedures", params={"q": q}).json()]
    assert "CON-PLANOS" in codes
    assert "ZOO-RUM" not in codes


def test_search_finds_words_from_any_part_of_a_procedure(http):
    codes = [p["code"] for p in http.get("/api/v1/procedures", params={"q": "mascotas"}).json()]
    assert codes[0] == "ZOO-RUM"
    assert http.get("/api/v1/procedures", params={"q": "xyzzy"}).json() == []
    # Search syntax typed by a citizen is just text, never an error.
    assert http.get("/api/v1/procedures", params={"q": 'planos" OR *'}).status_code == 200


def test_filter_by_category_and_language(http):
    procedures = http.get(
        "/api/v1/procedures", params={"category": "salud-mascotas", "lang": "qu"}
    ).json()
    assert {p["category"] for p in procedures} == {"salud-mascotas"}
    rum = next(p for p in procedures if p["code"] == "ZOO-RUM")
    assert rum["title"] == "Wasi uywakunata qillqachiy (RUM)"
    assert rum["fee_bs"] == 22


def test_a_procedure_in_each_language(http):
    es = http.get("/api/v1/procedures/ZOO-RUM").json()
    en = http.get("/api/v1/procedures/ZOO-RUM", params={"lang": "en"}).json()
    assert es["title"] == "Registro de mascotas (RUM)"
    assert en["title"] == "Pet registration (RUM)"
    assert en["unit"] == "ZOONOSIS" and en["requirements"] and en["steps"]
    assert {f["name"] for f in en["form"]} >= {"pet_name", "species"}
    species = next(f for f in en["form"] if f["name"] == "species")
    assert {"value": "perro", "label": "Dog"} in species["choices"]


def test_unknown_procedure_and_bad_language(http):
    response = http.get("/api/v1/procedures/NO-EXISTE")
    assert response.status_code == 404
    assert "NO-EXISTE" in response.json()["detail"]
    assert http.get("/api/v1/procedures", params={"lang": "fr"}).status_code == 400


def test_complaint_categories_have_a_unit_and_the_common_fields(http):
    categories = http.get("/api/v1/complaint-categories").json()
    assert len(categories) >= 8
    assert {c["kind"] for c in categories} == {"reclamo", "queja", "denuncia", "sugerencia"}
    light = next(c for c in categories if c["code"] == "luminaria-apagada")
    assert light["unit"] == "ALUMBRADO"
    assert [f["name"] for f in light["form"]][:2] == ["description", "location"]
    description = light["form"][0]
    assert description["required"] and description["max_length"] == 4000


# Submissions ----------------------------------------------------------------


def test_an_application_is_accepted_and_can_be_tracked(http, kiosk):
    response = http.post("/api/v1/submissions", json=APPLICATION)
    assert response.status_code == 201, response.text
    accepted = response.json()
    code = accepted["tracking_code"]
    assert code.startswith("TUN-") and accepted["status"] == "recibido"
    assert accepted["track_url"].startswith(f"http://127.0.0.1:8001/t/{code}?s=")
    assert uuid.UUID(accepted["id"]).version == 7

    [row] = rows(kiosk, "SELECT * FROM submissions WHERE tracking_code = ?", [code])
    assert row["kind"] == "application" and row["code"] == "ZOO-RUM" and row["unit"] == "ZOONOSIS"
    assert row["fields"] == "{}"  # an application's answers are personal: outbox only
    # Not enrolled yet, so nothing to seal to: kept in the outbox until it can be.
    [outbox] = rows(kiosk, "SELECT * FROM outbox WHERE submission_id = ?", [row["id"]])
    personal = msgspec.msgpack.decode(outbox["personal"], type=PersonalData)
    assert personal.applicant == {
        "name": "Juana Mamani Quispe",
        "ci": "4567891 CB",
        "phone": "+59171234567",
    }
    assert personal.fields["pet_name"] == "Firulais" and personal.fields["vaccinated"] is True
    assert outbox["sealed"] is None

    # Typing is forgiving: lower case, no dashes, O for 0 and l for 1.
    sloppy = code.lower().replace("-", "").replace("0", "o").replace("1", "l")
    tracked = http.get(f"/api/v1/submissions/{sloppy}").json()
    assert tracked["tracking_code"] == code
    assert tracked["status"] == "recibido" and tracked["status_label"] == "Recibido"
    assert tracked["title"] == "Registro de mascotas (RUM)"
    assert "Juana" not in str(tracked) and "4567891" not in str(tracked)


def test_an_anonymous_complaint_is_accepted(http, kiosk):
    response = http.post("/api/v1/submissions", json=COMPLAINT)
    assert response.status_code == 201, response.text
    code = response.json()["tracking_code"]
    [row] = rows(kiosk, "SELECT * FROM submissions WHERE tracking_code = ?", [code])
    assert row["unit"] == "ALUMBRADO" and "Ñandutí" in row["fields"]
    [outbox] = rows(kiosk, "SELECT * FROM outbox WHERE submission_id = ?", [row["id"]])
    assert outbox["personal"] is None and outbox["sealed"] is None  # nobody to name
    english = http.get(f"/api/v1/submissions/{code}", params={"lang": "en"}).json()
    assert english["title"] == "Street light out"


def test_unknown_or_mistyped_codes_are_not_found(http):
    code = http.post("/api/v1/submissions", json=COMPLAINT).json()["tracking_code"]
    last = code[-1]
    wrong_check = code[:-1] + ("0" if last != "0" else "1")
    for typed in (wrong_check, "TUN-0000-0000-0", "nonsense"):
        response = http.get(f"/api/v1/submissions/{typed}")
        assert response.status_code == 404
        assert response.json()["detail"] == "No encontramos ese código de seguimiento."


def test_each_invalid_field_gets_its_own_message_and_nothing_is_stored(http, kiosk):
    before = rows(kiosk, "SELECT count(*) AS n FROM submissions")[0]["n"]
    bad = {
        **APPLICATION,
        "fields": {
            "pet_name": "",
            "species": "pez",
            "sex": "macho",
            "vaccinated": True,
            "color": "negro",
        },
        "applicant": {"name": "Juana", "ci": "12", "phone": "81234567", "email": "juana@"},
        "lang": "en",
    }
    response = http.post("/api/v1/submissions", json=bad)
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert set(errors) == {
        "fields.pet_name",
        "fields.species",
        "fields.address",
        "fields.color",
        "applicant.ci",
        "applicant.phone",
        "applicant.email",
    }
    assert rows(kiosk, "SELECT count(*) AS n FROM submissions")[0]["n"] == before


def test_complaint_limits(http):
    too_long = {**COMPLAINT, "fields": {**COMPLAINT["fields"], "description": "a" * 4001}}
    response = http.post("/api/v1/submissions", json=too_long)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["fields.description"]
    no_location = {**COMPLAINT, "fields": {"description": "Basura"}}
    response = http.post("/api/v1/submissions", json=no_location)
    assert [e["field"] for e in response.json()["errors"]] == ["fields.location"]


def test_an_application_needs_an_applicant(http):
    response = http.post("/api/v1/submissions", json={**APPLICATION, "applicant": None})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["applicant"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**COMPLAINT, "category": "no-existe"}, "category"),
        ({**APPLICATION, "procedure": "NO-EXISTE"}, "procedure"),
        ({**COMPLAINT, "kind": "queja"}, "kind"),
        ({**COMPLAINT, "fields": {"description": ["lista"]}}, "fields[...]"),
        ({**COMPLAINT, "lang": "fr"}, "lang"),
        ({"category": "bache"}, "body"),
        ([COMPLAINT], "body"),
    ],
)
def test_wrong_shapes_are_422_with_the_field(http, body, field):
    response = http.post("/api/v1/submissions", json=body)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]


def test_a_body_without_kind_says_so(http):
    response = http.post("/api/v1/submissions", json={"category": "bache"})
    assert "`kind`" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"[1, 2", b"nul"])
def test_malformed_json_is_400(http, body):
    response = http.post(
        "/api/v1/submissions", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["detail"]


def test_an_empty_body_is_422_saying_a_body_is_needed(http):
    response = http.post(
        "/api/v1/submissions", content=b"", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


def test_bodies_over_64_kib_are_413_and_nothing_is_stored(http, kiosk):
    before = rows(kiosk, "SELECT count(*) AS n FROM submissions")[0]["n"]
    huge = {**COMPLAINT, "fields": {**COMPLAINT["fields"], "description": "x" * 70_000}}
    response = http.post("/api/v1/submissions", json=huge)
    assert response.status_code == 413
    assert rows(kiosk, "SELECT count(*) AS n FROM submissions")[0]["n"] == before


def test_a_retry_with_the_same_idempotency_key_returns_the_same_submission(http, kiosk):
    key = str(uuid.uuid4())
    first = http.post("/api/v1/submissions", json=COMPLAINT, headers={"Idempotency-Key": key})
    again = http.post("/api/v1/submissions", json=COMPLAINT, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(rows(kiosk, "SELECT id FROM submissions WHERE idempotency_key = ?", [key])) == 1

    other = {**COMPLAINT, "fields": {**COMPLAINT["fields"], "location": "Otra calle"}}
    reused = http.post("/api/v1/submissions", json=other, headers={"Idempotency-Key": key})
    assert reused.status_code == 422
    assert reused.json()["errors"][0]["field"] == "Idempotency-Key"


def test_concurrent_submissions_get_a_gap_free_sequence(http, kiosk):
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        responses = list(
            pool.map(lambda _: http.post("/api/v1/submissions", json=COMPLAINT), range(64))
        )
    assert all(r.status_code == 201 for r in responses)
    assert len({r.json()["tracking_code"] for r in responses}) == 64
    seqs = [r["seq"] for r in rows(kiosk, "SELECT seq FROM submissions ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))


def test_openapi_schema_describes_the_real_routes(http):
    schema = http.get("/schema/openapi.json").json()
    paths = schema["paths"]
    assert {
        "/healthz",
        "/api/v1/procedures",
        "/api/v1/procedures/{code}",
        "/api/v1/complaint-categories",
        "/api/v1/submissions",
        "/api/v1/submissions/{tracking_code}",
    } <= set(paths)
    post = paths["/api/v1/submissions"]["post"]
    assert "201" in post["responses"]
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])
    body = post["requestBody"]["content"]["application/json"]["schema"]
    refs = {s["$ref"].rsplit("/", 1)[-1] for s in body["oneOf"]}
    assert refs == {"ApplicationIn", "ComplaintIn"}
    # No UI that would fetch scripts from a CDN.
    assert http.get("/schema/swagger").status_code == 404
