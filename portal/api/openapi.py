"""The OpenAPI 3 description of /api/v1, served at /api/openapi.json."""

from flask import jsonify

from portal.api import bp

ERROR = {"$ref": "#/components/schemas/Error"}


def _error(description):
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def _json(schema, description="OK"):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


SCORE = {"type": "integer", "minimum": 1, "maximum": 4}
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
            "parameters": [{"name": "tracking_number", "in": "path", "required": True, "schema": {"type": "string", "example": "SBY-2026-000123"}}],
            "responses": {"200": _json({"$ref": "#/components/schemas/FeedbackPublic"}), "404": _error("Nomor tidak ditemukan")}}},
        "/v1/units/{slug}/ikm": {"get": {"summary": "IKM perangkat daerah per periode", "parameters": IKM_PARAMS,
                                         "responses": {"200": _json({"$ref": "#/components/schemas/Ikm"}), "404": _error("Tidak ditemukan"), "422": _error("Periode tidak sah")}}},
        "/v1/services/{slug}/ikm": {"get": {"summary": "IKM layanan per periode", "parameters": IKM_PARAMS,
                                            "responses": {"200": _json({"$ref": "#/components/schemas/Ikm"}), "404": _error("Tidak ditemukan"), "422": _error("Periode tidak sah")}}},
    },
    "components": {"schemas": {
        "Error": {"type": "object", "required": ["error", "message"], "properties": {
            "error": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}}},
        "Unit": {"type": "object", "required": ["slug", "name", "services"], "properties": {
            "slug": {"type": "string"}, "name": {"type": "string"},
            "services": {"type": "array", "items": {"type": "object", "properties": {"slug": {"type": "string"}, "name": {"type": "string"}}}}}},
        "FeedbackIn": {"type": "object", "required": ["unit", "type", "title", "body"], "properties": {
            "unit": {"type": "string"}, "service": {"type": "string", "nullable": True},
            "type": {"type": "string", "enum": ["keluhan", "saran", "apresiasi"]},
            "title": {"type": "string", "minLength": 5, "maxLength": 200},
            "body": {"type": "string", "minLength": 10, "maxLength": 5000},
            "public": {"type": "boolean", "default": False},
            "contact": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 120}, "email": {"type": "string", "format": "email"}}},
            "skm": {"type": "object", "required": [f"u{i}" for i in range(1, 10)], "properties": {f"u{i}": SCORE for i in range(1, 10)}}}},
        "FeedbackCreated": {"type": "object", "properties": {
            "tracking_number": {"type": "string"}, "status": {"type": "string"},
            "url": {"type": "string", "description": "Tautan pribadi pelapor (menilai, konfirmasi, membuka kembali)"}}},
        "FeedbackPublic": {"type": "object", "properties": {
            "tracking_number": {"type": "string"}, "type": {"type": "string"}, "status": {"type": "string"},
            "unit": {"type": "string"}, "service": {"type": "string", "nullable": True},
            "title": {"type": "string", "nullable": True}, "body": {"type": "string", "nullable": True},
            "created_at": {"type": "string", "format": "date-time"},
            "history": {"type": "array", "items": {"type": "object", "properties": {
                "status": {"type": "string"}, "at": {"type": "string", "format": "date-time"}, "note": {"type": "string", "nullable": True}}}},
            "answer": {"type": "object", "nullable": True}, "url": {"type": "string"}}},
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


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(SPEC)
