"""Language choice: Bahasa Indonesia by default, English on request; gettext looked up once per request."""

from datetime import timedelta

import flask_babel
from flask import Blueprint, current_app, g, has_app_context, has_request_context, redirect, request, session
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from portal.errors import error_response
from portal.web import safe_next_url

bp = Blueprint("i18n", __name__)

LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = timedelta(days=365)


def select_locale():
    """Pick the locale: the visitor's language cookie, then the account's, then Indonesian."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # command-line tools and jobs: no session, no visitor
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    # session["lang"]: where the choice was kept before the cookie; still honoured for old sessions.
    for chosen in (request.cookies.get(LANG_COOKIE), session.get("lang")):
        if chosen in languages:
            return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.route("/bahasa", methods=["GET", "POST"])
def switch_language():
    # Visitors use a GET form (templates/base.html): the choice only sets a display-preference
    # cookie and changes nothing on the server, so there is nothing for CSRF to protect (a forged
    # link at worst shows a page in English) and no CSRF token means no session cookie, so public
    # pages stay cacheable. Signed-in people POST with a CSRF token, because that also saves the
    # choice on their account; they have a session anyway.
    values = request.form if request.method == "POST" else request.args
    lang = values.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        return error_response(400, _("Bahasa tidak dikenal."))
    response = redirect(safe_next_url(values.get("next")), 303)
    response.set_cookie(
        LANG_COOKIE, lang, max_age=LANG_COOKIE_MAX_AGE, samesite="Lax", httponly=True,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    if request.method == "POST" and current_user.is_authenticated:
        current_user.locale = lang
        session.pop("lang", None)  # the cookie holds the choice now
    return response


# Each `_()` through flask_babel resolves context, domain, locale and catalogue again (7 µs, nine
# lookups of `g`); a page calls it hundreds of times. The catalogue is kept instead in the slot
# flask_babel keeps for it on its per-request state (`babel_translations`): force_locale() empties
# and restores that slot and refresh() clears it, so a forced locale (mails in the recipient's
# language) still gets its own catalogue.
def _kept_translations():
    if not has_app_context():
        return None
    state = g._get_current_object().__dict__.get("_flask_babel")
    return getattr(state, "babel_translations", None)


def request_translations():
    """Return the translations in force for this request, looked up once."""
    translations = _kept_translations()
    return translations if translations is not None else flask_babel.get_translations()


class RequestCachedDomain(flask_babel.Domain):
    """flask_babel's message domain, keeping the request's catalogue (for Python-side `_()` too)."""

    def get_translations(self):
        translations = _kept_translations()
        if translations is None:
            translations = super().get_translations()  # creates flask_babel's state, selects the locale
            if has_app_context():
                g._flask_babel.babel_translations = translations
        return translations


# The template callables give what Jinja's newstyle gettext gives with flask_babel's callables
# (jinja2.ext._make_new_gettext): Markup under autoescape, then `%` formatting, so variables are
# escaped and `%%` stands for `%`. Only the catalogue lookup is cheaper, and a string without any
# `%` and without variables skips the formatting, which would return it unchanged.
def _format(context, rv, variables):
    if context.eval_ctx.autoescape:
        rv = Markup(rv)  # noqa: S704  # nosec B704 — our own catalogue, as Jinja trusts it
    return rv % variables if variables or "%" in rv else rv


@pass_context
def template_gettext(context, string, **variables):
    return _format(context, request_translations().ugettext(string), variables)


@pass_context
def template_ngettext(context, singular, plural, num, **variables):
    variables.setdefault("num", num)
    return _format(context, request_translations().ungettext(singular, plural, num), variables)


@bp.record_once
def _install_request_translations(state):
    babel = state.app.extensions["babel"]
    # The Babel object is one per process (portal.extensions); its domain is read by every app.
    if not isinstance(babel.instance.__dict__.get("domain_instance"), RequestCachedDomain):
        babel.instance.domain_instance = RequestCachedDomain(domain=babel.default_domain)
    # Replaces what babel.init_app installed; `_` directly too, skipping Jinja's alias that
    # resolves `gettext` from the context on every call.
    state.app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)


@bp.before_app_request
def _choose_locale_per_request():
    # An app context can outlive one request (pytest-flask keeps one open for a whole test), and
    # flask_babel keeps the locale and our catalogue on it: each request chooses again.
    flask_babel.refresh()
