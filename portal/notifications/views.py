from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.db import utcnow
from portal.extensions import db
from portal.notifications import bp
from portal.notifications.models import Notification
from portal.notifications.services import mark_all_read
from portal.pagination import paginate
from portal.web import safe_next_url


@bp.get("/")
@login_required
def index():
    page = paginate(
        select(Notification).where(Notification.user_id == current_user.id).order_by(Notification.created_at.desc()),
        per_page=30, error_out=True,
    )
    return render_template("notifications/index.html", page=page)


@bp.post("/<int:notification_id>/buka")
@login_required
def open_notification(notification_id):
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    return redirect(safe_next_url(notification.url))


@bp.post("/baca-semua")
@login_required
def read_all():
    mark_all_read(current_user)
    db.session.commit()
    flash(_("Semua pemberitahuan ditandai sudah dibaca."), "success")
    return redirect(safe_next_url(request.form.get("next"), "notifications.index"))
