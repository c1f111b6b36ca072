"""Language choice: Bahasa Indonesia by default, English on request."""

from flask import Blueprint, current_app, flash, has_request_context, redirect, request, session
from flask_babel import gettext as _
from flask_login import current_user

from portal.web import safe_next_url

bp = Blueprint("i18n", __name__)


def select_locale():
    """Pick the locale: the choice made this session, then the account's, then Indonesian."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command-line tools and jobs: no session, no visitor
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.post("/bahasa")
def switch_language():
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        flash(_("Bahasa tidak dikenal."), "error")
        return redirect(safe_next_url(request.form.get("next"))), 303
    session["lang"] = lang
    if current_user.is_authenticated:
        current_user.locale = lang
    return redirect(safe_next_url(request.form.get("next"))), 303
