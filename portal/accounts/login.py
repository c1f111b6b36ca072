"""Flask-Login wiring: load users by id and session version; the Guest for visitors."""

from flask_babel import lazy_gettext as _l

from portal.accounts.models import Guest, User
from portal.extensions import db, login_manager


def init_login(app):
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Silakan masuk untuk membuka halaman ini.")
    login_manager.login_message_category = "info"
    login_manager.anonymous_user = Guest
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(token):
    user_id, _sep, version = token.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.is_deleted or user.session_version != int(version):
        return None
    return user
