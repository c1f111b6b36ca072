"""Admin pages for the working-day calendar and the deadline policies."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import exc, select

from portal.audit import record_audit
from portal.converters import parse_int
from portal.extensions import db
from portal.feedback import queries
from portal.feedback.forms import DeadlinePolicyForm, HolidayForm
from portal.feedback.models import DeadlinePolicy
from portal.forms import EmptyForm, choices
from portal.periods import MAX_YEAR, MIN_YEAR
from portal.permissions import can_manage_calendar, require
from portal.workdays.models import HOLIDAY_KINDS, Holiday

admin_bp = Blueprint("feedback_admin", __name__)


@admin_bp.before_request
def admins_only():
    require(can_manage_calendar(current_user))


@admin_bp.route("/hari-libur", methods=["GET", "POST"])
def holidays():
    form = HolidayForm()
    if form.validate_on_submit():
        if db.session.scalar(select(Holiday).where(Holiday.day == form.day.data)) is not None:
            form.day.errors.append(_("Tanggal ini sudah tercatat sebagai hari libur."))
        else:
            holiday = Holiday(day=form.day.data, name=form.name.data, kind=form.kind.data)
            db.session.add(holiday)
            db.session.flush()
            record_audit(current_user, "holiday.create", holiday, after={"day": holiday.day.isoformat(), "name": holiday.name})
            db.session.commit()
            flash(_("Hari libur %(name)s ditambahkan.", name=holiday.name), "success")
            return redirect(url_for("feedback_admin.holidays"), 303)
    # An unreadable year, or one no calendar of ours covers, lists every holiday (as no filter).
    year = parse_int(request.args.get("tahun"), minimum=MIN_YEAR, maximum=MAX_YEAR)
    query = select(Holiday).order_by(Holiday.day)
    if year:
        query = query.where(Holiday.day.between(date(year, 1, 1), date(year, 12, 31)))
    return render_template("feedback/admin_holidays.html", form=form, holidays=db.session.scalars(query).all(),
                           kinds=HOLIDAY_KINDS, delete_form=EmptyForm()), 422 if form.errors else 200


@admin_bp.post("/hari-libur/<int:holiday_id>/hapus")
def delete_holiday(holiday_id):
    holiday = db.session.get(Holiday, holiday_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    record_audit(current_user, "holiday.delete", holiday, before={"day": holiday.day.isoformat(), "name": holiday.name})
    db.session.delete(holiday)
    db.session.commit()
    flash(_("Hari libur dihapus."), "success")
    return redirect(url_for("feedback_admin.holidays"), 303)


def _policy_values(policy):
    return {"verify": policy.verify_working_days, "answer": policy.answer_working_days,
            "close": policy.close_calendar_days, "forum_answer": policy.forum_answer_working_days}


@admin_bp.route("/tenggat", methods=["GET", "POST"])
def deadline_policies():
    form = DeadlinePolicyForm()
    form.unit.choices = choices([(str(u.id), u.name) for u in queries.all_units()])
    form.service.choices = choices([("", _("— Seluruh perangkat daerah —"))] + [(str(s.id), f"{s.unit.name} — {s.name}") for s in queries.all_services()])
    if form.validate_on_submit():
        unit_id = int(form.unit.data)
        service_id = int(form.service.data) if form.service.data else None
        if service_id is not None and not any(s.id == service_id and s.unit_id == unit_id for s in queries.all_services()):
            form.service.errors.append(_("Layanan itu bukan milik perangkat daerah yang dipilih."))
        else:
            policy = db.session.scalar(select(DeadlinePolicy).filter_by(unit_id=unit_id, service_id=service_id))
            before = None
            if policy is None:
                policy = DeadlinePolicy(unit_id=unit_id, service_id=service_id)
                db.session.add(policy)
            else:
                before = _policy_values(policy)
            policy.verify_working_days = form.verify_working_days.data
            policy.answer_working_days = form.answer_working_days.data
            policy.close_calendar_days = form.close_calendar_days.data
            policy.forum_answer_working_days = form.forum_answer_working_days.data
            try:
                db.session.flush()
            except exc.IntegrityError:
                db.session.rollback()
                abort(409)
            record_audit(current_user, "deadline_policy.save", policy, before=before, after=_policy_values(policy))
            db.session.commit()
            flash(_("Tenggat disimpan."), "success")
            return redirect(url_for("feedback_admin.deadline_policies"), 303)
    policies = db.session.scalars(select(DeadlinePolicy).order_by(DeadlinePolicy.unit_id, DeadlinePolicy.service_id)).all()
    units = {u.id: u for u in queries.all_units()}
    service_names = {s.id: s.name for s in queries.all_services()}
    return render_template("feedback/admin_deadlines.html", form=form, policies=policies, units=units,
                           service_names=service_names), 422 if form.errors else 200
