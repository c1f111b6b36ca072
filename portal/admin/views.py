"""Admin pages: dashboard, accounts and their roles, the audit log."""

import json

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import Forbidden

from portal.accounts import services as account_services
from portal.accounts.models import ROLE_LABELS, ROLES, User
from portal.admin import bp
from portal.admin.forms import AuditFilterForm, UserSearchForm
from portal.admin.queries import (
    get_user_or_404,
    list_audit_actions,
    list_audit_target_types,
    search_audit_log,
    search_users,
)
from portal.extensions import db
from portal.forms import EmptyForm
from portal.organisation.models import AsnProfile, Service, Unit
from portal.pagination import paginate
from portal.permissions import can_change_role, can_manage_roles, can_view_audit_log, require

USERS_PER_PAGE = 25
AUDIT_PER_PAGE = 50


@bp.app_template_filter("compact_json")
def compact_json(value):
    """Show a JSON value on one line, keys sorted, non-ASCII kept readable."""
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


def forbid(message):
    """Abort with 403 and a message saying why."""
    error = Forbidden()
    error.portal_message = message
    raise error


@bp.get("/")
def dashboard():
    counts = {
        "users": db.session.scalar(select(func.count(User.id)).where(User.deleted_at.is_(None))),
        "units": db.session.scalar(select(func.count(Unit.id))),
        "services": db.session.scalar(select(func.count(Service.id))),
        "asn": db.session.scalar(select(func.count(AsnProfile.id))),
    }
    return render_template("admin/dashboard.html", counts=counts)


@bp.get("/pengguna")
def users():
    require(can_manage_roles(current_user))
    form = UserSearchForm()
    valid = form.validate()
    query = search_users(form.q.data, form.role.data) if valid else search_users()
    page = paginate(query, per_page=USERS_PER_PAGE, error_out=True)
    return render_template(
        "admin/users.html", form=form, page=page, role_labels=ROLE_LABELS, filtered=valid and bool(form.q.data or form.role.data)
    ), 200 if valid else 422


@bp.get("/pengguna/<int:user_id>")
def user_detail(user_id):
    require(can_manage_roles(current_user))
    user = get_user_or_404(user_id)
    return render_template("admin/user_detail.html", user=user, roles=ROLES, role_labels=ROLE_LABELS)


@bp.post("/pengguna/<int:user_id>/peran/<role>/beri")
def grant_role(user_id, role):
    user = _role_change_target(user_id, role)
    label = ROLE_LABELS[role]
    if role == "asn" and user.asn_profile is None:
        flash(_("Peran ASN hanya berlaku bersama profil ASN. Buat profil ASN dengan email akun ini; "
                "peran ASN diberikan otomatis."), "error")
    elif _applied(lambda: account_services.grant_role(current_user, user, role)):
        flash(_("Peran %(role)s diberikan kepada %(name)s.", role=label, name=user.name), "success")
    else:
        flash(_("%(name)s sudah memiliki peran %(role)s.", role=label, name=user.name), "info")
    return redirect(url_for("admin.user_detail", user_id=user.id), 303)


@bp.post("/pengguna/<int:user_id>/peran/<role>/cabut")
def revoke_role(user_id, role):
    user = _role_change_target(user_id, role)
    label = ROLE_LABELS[role]
    if _applied(lambda: account_services.revoke_role(current_user, user, role)):
        flash(_("Peran %(role)s dicabut dari %(name)s.", role=label, name=user.name), "success")
    else:
        flash(_("%(name)s memang tidak memiliki peran %(role)s.", role=label, name=user.name), "info")
    return redirect(url_for("admin.user_detail", user_id=user.id), 303)


def _applied(change):
    """Make a role change in a savepoint; return whether it changed anything."""
    # Two admins pressing the same button at once: the second insert hits the primary key, and
    # only that change is undone (the page still loads the account to say it already has the role).
    try:
        with db.session.begin_nested():
            return change()
    except IntegrityError:
        return False


def _role_change_target(user_id, role):
    user = get_user_or_404(user_id)
    if role not in ROLES:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not can_change_role(current_user, user, role):
        if user.is_deleted:
            forbid(_("Akun ini sudah dihapus, jadi perannya tidak dapat diubah."))
        if role == "admin" and user.id == current_user.id:
            forbid(_("Anda tidak dapat mengubah peran admin akun Anda sendiri, agar portal tidak kehilangan admin. "
                     "Minta admin lain bila memang perlu."))
        abort(403)
    return user


@bp.get("/audit")
def audit_log():
    require(can_view_audit_log(current_user))
    form = AuditFilterForm()
    form.set_choices(list_audit_actions(), list_audit_target_types())
    valid = form.validate()
    if valid:
        query = search_audit_log(form.action.data, form.target_type.data, form.target_id.data)
    else:
        query = search_audit_log()
    page = paginate(query, per_page=AUDIT_PER_PAGE, error_out=True)
    filtered = valid and bool(form.action.data or form.target_type.data or form.target_id.data)
    return render_template("admin/audit_log.html", form=form, page=page, filtered=filtered), 200 if valid else 422

