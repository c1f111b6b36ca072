"""Friendly error pages in Indonesian, and JSON errors under /api/."""

import logging

from flask import jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import db
from portal.unit_of_work import ServiceError

log = logging.getLogger("portal.errors")


def _messages():
    # Built per request so each message follows the visitor's language.
    return {
        400: (_("Permintaan tidak valid"), _("Data yang dikirim tidak dapat diproses. Periksa isian Anda lalu coba lagi.")),
        401: (_("Perlu masuk"), _("Silakan masuk terlebih dahulu.")),
        403: (_("Akses ditolak"), _("Anda tidak memiliki izin untuk membuka halaman ini atau melakukan tindakan ini.")),
        404: (_("Halaman tidak ditemukan"), _("Halaman yang Anda cari tidak ada atau sudah dipindahkan.")),
        405: (_("Metode tidak diizinkan"), _("Halaman ini tidak menerima permintaan seperti itu.")),
        413: (_("Berkas terlalu besar"), _("Ukuran data atau berkas yang dikirim melebihi batas.")),
        422: (_("Data tidak lengkap"), _("Beberapa isian belum benar. Periksa lalu coba lagi.")),
        429: (_("Terlalu banyak permintaan"), _("Anda mengirim terlalu banyak permintaan. Tunggu sebentar lalu coba lagi.")),
        500: (_("Terjadi kesalahan"), _("Maaf, terjadi kesalahan di sisi kami. Tim kami sudah dicatat dan akan memperbaikinya.")),
        503: (_("Layanan sedang tidak tersedia"), _("Coba lagi beberapa saat lagi.")),
    }


def wants_json():
    return request.path.startswith("/api/")


ERROR_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 413: "too_large", 422: "unprocessable", 429: "rate_limited",
    500: "server_error", 503: "unavailable",
}


def error_response(code, message=None, title=None):
    """Render an error page (or a JSON error under /api/) with an Indonesian message."""
    default_title, default_message = _messages().get(code, _messages()[500])
    message = message or default_message
    if wants_json():
        return jsonify(error=ERROR_CODES.get(code, "error"), message=message), code
    return render_template("errors/error.html", code=code, title=title or default_title, message=message), code


def register(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return error_response(
            400,
            _("Formulir sudah kedaluwarsa atau tidak sah (token keamanan tidak cocok). "
              "Muat ulang halaman lalu kirim lagi."),
            title=_("Formulir tidak sah"),
        )

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code in (301, 302, 303, 307, 308):
            return error
        description = getattr(error, "portal_message", None)
        response, code = error_response(error.code or 500, description)
        # A 405 must say which methods the URL accepts (RFC 9110 §15.5.6); keep werkzeug's Allow header.
        allowed = dict(error.get_headers()).get("Allow")
        if allowed:
            response = make_response(response)
            response.headers["Allow"] = allowed
        return response, code

    @app.errorhandler(ServiceError)
    def service_refused(error):
        # A refusal no view turned into a form error: its own page (or JSON), nothing kept.
        # 403, 422 and 429 have fitting titles of their own; 409 ("conflict") has none.
        title = _("Tindakan tidak dapat dilakukan") if error.status == 409 else None
        return error_response(error.status, str(error), title=title)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        db.session.rollback()
        log.exception("unhandled error", exc_info=getattr(error, "original_exception", error))
        return error_response(500)
