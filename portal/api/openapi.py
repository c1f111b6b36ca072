"""The OpenAPI 3 description of /api/v1, served at /api/openapi.json."""

from flask import jsonify

from portal.api import bp

ERROR = {"$ref": "#/components/schemas/Error"}


def _error(description):
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def _json(schema, description="OK"):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


SCORE = {"type": "integer", "minimum": 1, "maximum": 4}
PUBLIC_TEXT = "Jika public true: tanpa NIK, nomor telepon, atau alamat email (ditolak 422)."
IKM_PARAMS = [
    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
    {"name": "period", "in": "query", "required": False,
     "description": "TTTT, TTTT-BB atau TTTT-Qn (mis. 2026, 2026-07, 2026-Q3); bawaan: tahun berjalan.",
     "schema": {"type": "string", "pattern": r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$"}},
]

SPEC = {
    "openapi": "3.0.3",
    "info": {
        "title": "Portal Partisipasi Publik Kota Surabaya — API",
        "version": "1.0.0",
        "description": "Masukan layanan publik (keluhan, saran, apresiasi), Survei Kepuasan Masyarakat dan "
                       "IKM (PermenPANRB 14/2017). Tidak pernah memuat data pribadi.",
    },
    "servers": [{"url": "/api"}],
    "paths": {
        "/v1/units": {"get": {"summary": "Daftar perangkat daerah dan layanannya", "responses": {
            "200": _json({"type": "array", "items": {"$ref": "#/components/schemas/Unit"}})}}},
        "/v1/feedback": {"post": {
            "summary": "Kirim masukan (opsional dengan survei SKM)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FeedbackIn"}}}},
            "responses": {
                "201": _json({"$ref": "#/components/schemas/FeedbackCreated"}, "Diterima"),
                "400": _error("Badan permintaan bukan JSON yang sah"),
                "404": _error("Perangkat daerah atau layanan tidak ditemukan"),
                "422": _error("Kolom wajib kosong atau nilai di luar rentang"),
                "429": _error("Terlalu banyak permintaan"),
            }}},
        "/v1/feedback/{tracking_number}": {"get": {
            "summary": "Status publik sebuah masukan",
            "description": "Sama persis dengan yang ditampilkan halaman /lacak/{nomor} kepada peminta yang sama. "
                           "Judul, isi dan jawaban resmi masukan tidak publik hanya tampil dengan `kunci` (kunci "
                           "pribadi dari tautan pelapor); catatan yang ditulis pelapor (alasan membuka kembali) juga. "
                           "Tidak pernah memuat nama, kontak atau foto pelapor. Dibatasi per klien bersama /lacak.",
            "parameters": [
                {"name": "tracking_number", "in": "path", "required": True, "schema": {"type": "string", "example": "SBY-2026-000123"}},
                {"name": "kunci", "in": "query", "required": False,
                 "description": "Kunci pribadi dari tautan pelapor (`…/lacak/{nomor}?kunci=…`); kunci yang salah "
                                "diperlakukan seperti tanpa kunci.",
                 "schema": {"type": "string", "maxLength": 200}},
            ],
            "responses": {
                "200": _json({"$ref": "#/components/schemas/FeedbackPublic"}),
                "404": _error("Nomor tidak ditemukan"),
                "429": _error("Terlalu banyak permintaan"),
            }}},
        "/v1/units/{slug}/ikm": {"get": {"summary": "IKM perangkat daerah per periode", "parameters": IKM_PARAMS,
                                         "responses": {"200": _json({"$ref": "#/components/schemas/Ikm"}), "404": _error("Tidak ditemukan"), "422": _error("Periode tidak sah")}}},
        "/v1/services/{slug}/ikm": {"get": {"summary": "IKM layanan per periode", "parameters": IKM_PARAMS,
                                            "responses": {"200": _json({"$ref": "#/components/schemas/Ikm"}), "404": _error("Tidak ditemukan"), "422": _error("Periode tidak sah")}}},
        "/v1/search": {"get": {
            "summary": "Cari utas forum, masukan publik dan konsultasi publik",
            "description": "Bahasa Indonesia dengan stemming (keluhan = mengeluhkan). Semua kata harus ada; "
                           "\"frasa\", -kecuali, awalan* dan OR didukung. Kata kunci kosong atau tidak sah "
                           "tetap dijawab 200 dengan `message`. Hanya konten publik; tidak pernah data pribadi.",
            "parameters": [
                {"name": "q", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 200},
                 "example": "antrean puskesmas"},
                {"name": "type", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["thread", "feedback", "konsultasi"]}},
                {"name": "unit", "in": "query", "required": False, "description": "Slug perangkat daerah",
                 "schema": {"type": "string"}},
                {"name": "status", "in": "query", "required": False, "schema": {"type": "string"}},
                {"name": "sort", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["relevance", "newest"], "default": "relevance"}},
                {"name": "page", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 1}},
            ],
            "responses": {
                "200": _json({"$ref": "#/components/schemas/SearchResults"}),
                "422": _error("type, sort atau page tidak sah"),
                "429": _error("Terlalu banyak permintaan"),
            }}},
    },
    "components": {"schemas": {
        "Error": {"type": "object", "required": ["error", "message"], "properties": {
            "error": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}}},
        "Unit": {"type": "object", "required": ["slug", "name", "services"], "properties": {
            "slug": {"type": "string"}, "name": {"type": "string"},
            "services": {"type": "array", "items": {"type": "object", "properties": {"slug": {"type": "string"}, "name": {"type": "string"}}}}}},
        "FeedbackIn": {"type": "object", "required": ["unit", "type", "title", "body"], "properties": {
            "unit": {"type": "string", "minLength": 1, "description": "Slug perangkat daerah (wajib, tidak kosong)"},
            "service": {"type": "string", "nullable": True},
            "type": {"type": "string", "enum": ["keluhan", "saran", "apresiasi"]},
            "title": {"type": "string", "minLength": 5, "maxLength": 200, "description": PUBLIC_TEXT},
            "body": {"type": "string", "minLength": 10, "maxLength": 5000, "description": PUBLIC_TEXT},
            "public": {"type": "boolean", "default": False},
            "contact": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 120}, "email": {"type": "string", "format": "email"}}},
            "skm": {"type": "object", "minProperties": 1, "additionalProperties": False,
                    "description": "Survei SKM: setiap unsur boleh null atau dilewati, paling sedikit satu unsur dinilai "
                                   "(PermenPANRB 14/2017: rata-rata tiap unsur atas responden yang menjawabnya).",
                    "properties": {f"u{i}": {**SCORE, "nullable": True} for i in range(1, 10)}}}},
        "FeedbackCreated": {"type": "object", "properties": {
            "tracking_number": {"type": "string"}, "status": {"type": "string"},
            "url": {"type": "string", "description": "Tautan pribadi pelapor (menilai, konfirmasi, membuka kembali)"}}},
        "FeedbackPublic": {"type": "object", "properties": {
            "tracking_number": {"type": "string"}, "type": {"type": "string"}, "status": {"type": "string"},
            "unit": {"type": "string"}, "service": {"type": "string", "nullable": True},
            "title": {"type": "string", "nullable": True}, "body": {"type": "string", "nullable": True},
            "created_at": {"type": "string", "format": "date-time"},
            "deadline_at": {"type": "string", "format": "date-time", "nullable": True,
                            "description": "Tenggat yang berjalan pada status saat ini"},
            "rejected_reason": {"type": "string", "nullable": True},
            "history": {"type": "array", "items": {"type": "object", "properties": {
                "status": {"type": "string"}, "at": {"type": "string", "format": "date-time"},
                "note": {"type": "string", "nullable": True,
                         "description": "Tanpa kunci, catatan yang ditulis pelapor diganti keterangan umum"}}}},
            "answer": {"type": "object", "nullable": True,
                       "description": "Jawaban resmi terbaru; untuk masukan tidak publik hanya dengan kunci",
                       "properties": {
                           "body": {"type": "string"}, "answered_at": {"type": "string", "format": "date-time"},
                           "by": {"type": "object", "properties": {
                               "name": {"type": "string"}, "jabatan": {"type": "string"}, "unit": {"type": "string"}}},
                           "rating": {"type": "integer", "nullable": True, "minimum": 1, "maximum": 5,
                                      "description": "Penilaian pelapor; hanya dengan kunci"}}},
            "url": {"type": "string"}}},
        "SearchResults": {"type": "object", "required": ["query", "total", "page", "pages", "results", "facets"], "properties": {
            "query": {"type": "string"}, "total": {"type": "integer"}, "page": {"type": "integer"},
            "pages": {"type": "integer"}, "per_page": {"type": "integer"},
            "message": {"type": "string", "nullable": True, "description": "Penjelasan bila kata kunci kosong atau dibersihkan"},
            "did_you_mean": {"type": "string", "nullable": True},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchResult"}},
            "facets": {"type": "object", "properties": {
                name: {"type": "array", "items": {"type": "object", "properties": {
                    "value": {"type": "string"}, "label": {"type": "string"}, "count": {"type": "integer"}}}}
                for name in ("type", "unit", "status")}}}},
        "SearchResult": {"type": "object", "required": ["type", "id", "title", "url", "snippet", "score"], "properties": {
            "type": {"type": "string", "enum": ["thread", "feedback", "konsultasi"]}, "id": {"type": "integer"},
            "title": {"type": "string"}, "url": {"type": "string"},
            "snippet": {"type": "string", "description": "Teks yang sudah di-escape HTML; kata yang cocok di dalam <mark>"},
            "score": {"type": "number"}, "unit": {"type": "string", "nullable": True},
            "status": {"type": "string", "nullable": True}, "date": {"type": "string", "format": "date-time"}}},
        "Ikm": {"type": "object", "required": ["period", "respondents", "elements", "ikm", "category", "mutu"], "properties": {
            "unit": {"type": "string"}, "service": {"type": "string"}, "period": {"type": "string"},
            "respondents": {"type": "integer"},
            "elements": {"type": "array", "items": {"type": "object", "properties": {
                "code": {"type": "string"}, "name": {"type": "string"}, "mean": {"type": "number", "nullable": True},
                "respondents": {"type": "integer"}}}},
            "ikm": {"type": "number", "nullable": True}, "category": {"type": "string", "nullable": True, "enum": ["A", "B", "C", "D", None]},
            "mutu": {"type": "string", "nullable": True}}},
    }},
}


# Every request is refused with 400 when any text in it holds a NUL character (PostgreSQL cannot
# store one) or its JSON nests too deep (portal/web.py); say so on every operation and every string.
NO_NUL = r"^[^\u0000]*$"
REFUSED_INPUT = _error("Isian mengandung karakter NUL, atau JSON terlalu dalam bertingkat")


def _forbid_nul(schema):
    if not isinstance(schema, dict) or "$ref" in schema:
        return
    if schema.get("type") == "string" and "pattern" not in schema and "enum" not in schema:
        schema["pattern"] = NO_NUL
    for child in (*schema.get("properties", {}).values(), schema.get("items")):
        _forbid_nul(child)


def _document_refused_input(spec):
    for path in spec["paths"].values():
        for operation in path.values():
            operation["responses"].setdefault("400", REFUSED_INPUT)
            for parameter in operation.get("parameters", []):
                _forbid_nul(parameter["schema"])
    _forbid_nul(spec["components"]["schemas"]["FeedbackIn"])


_document_refused_input(SPEC)


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(SPEC)
