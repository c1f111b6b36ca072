from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.db import utcnow
from portal.errors import error_response
from portal.extensions import csrf, db
from portal.notifications import bp, services
from portal.notifications.forms import NotificationPreferencesForm
from portal.notifications.models import EMAIL_CHOICES, Notification, kind_label
from portal.notifications.tokens import InvalidUnsubscribeToken, read_unsubscribe_token
from portal.pagination import paginate
from portal.web import safe_next_url


@bp.get("/")
@login_required
def index():
    page = paginate(
        select(Notification)
        .where(Notification.user_id == current_user.id, Notification.in_bell.is_(True))
        .order_by(Notification.created_at.desc()),
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
    return redirect(safe_next_url(notification.url))


@bp.post("/baca-semua")
@login_required
def read_all():
    services.mark_all_read(current_user)
    flash(_("Semua pemberitahuan ditandai sudah dibaca."), "success")
    return redirect(safe_next_url(request.form.get("next"), "notifications.index"))


@bp.route("/pengaturan", methods=["GET", "POST"])
@login_required
def settings():
    if request.method == "GET":
        form = NotificationPreferencesForm.filled(current_user.email_notifications,
                                                  services.list_preferences(current_user))
    else:
        form = NotificationPreferencesForm()
    if form.validate_on_submit():
        services.save_preferences(current_user, email_notifications=form.email_notifications.data, choices=form.chosen())
        flash(_("Pengaturan pemberitahuan sudah disimpan."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form), 422 if form.errors else 200


# Mail clients post here without a CSRF token (RFC 8058 one-click); the signed token is the authority.
@csrf.exempt
@bp.route("/berhenti/<token>", methods=["GET", "POST"])
def unsubscribe(token):
    try:
        user, kind, digest = read_unsubscribe_token(token)
    except InvalidUnsubscribeToken:
        return error_response(404, _("Tautan berhenti berlangganan ini tidak berlaku atau akunnya sudah dihapus. "
                                     "Masuk lalu buka Pemberitahuan › Atur pemberitahuan untuk mematikan email."),
                              title=_("Tautan tidak berlaku"))
    what = kind_label(kind) if kind else EMAIL_CHOICES[digest]
    if request.method == "GET":  # a link opened (or prefetched by a mail scanner) changes nothing
        return render_template("notifications/unsubscribe.html", token=token, what=what, digest=digest, done=False)
    services.unsubscribe(user, kind=kind, digest=digest)
    return render_template("notifications/unsubscribe.html", token=token, what=what, digest=digest, done=True)

