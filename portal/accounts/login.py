"""Flask-Login wiring: load users by their server-side session; the Guest for visitors."""

from flask_babel import lazy_gettext as _l

from portal.accounts.models import Guest
from portal.accounts.sessions import load_session_user
from portal.extensions import login_manager


def init_login(app):
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Silakan masuk untuk membuka halaman ini.")
    login_manager.login_message_category = "info"
    login_manager.anonymous_user = Guest
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(value):
    # value is User.get_id() from the session or remember-me cookie: "<user id>:<session token>".
    user_id, _sep, token = value.partition(":")
    if not (user_id.isascii() and user_id.isdigit()):
        return None
    return load_session_user(int(user_id), token)
