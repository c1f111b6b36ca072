"""Admin pages for the working-day calendar and the deadline policies (mounted at /admin)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.converters import parse_int
from portal.forms import EmptyForm
from portal.organisation.queries import list_services, list_units
from portal.periods import MAX_YEAR, MIN_YEAR
from portal.permissions import can_manage_calendar, require
from portal.unit_of_work import refuse_changes
from portal.workdays import bp, queries, services
from portal.workdays.forms import DeadlinePolicyForm, HolidayForm
from portal.workdays.models import HOLIDAY_KINDS


@bp.before_request
def admins_only():
    require(can_manage_calendar(current_user))


@bp.route("/hari-libur", methods=["GET", "POST"])
def holidays():
    form = HolidayForm()
    if form.validate_on_submit():
        try:
            holiday = services.add_holiday(current_user, form.day.data, form.name.data, form.kind.data)
        except services.HolidayExists:
            form.day.errors.append(_("Tanggal ini sudah tercatat sebagai hari libur."))
        else:
            flash(_("Hari libur %(name)s ditambahkan.", name=holiday.name), "success")
            return redirect(url_for("workdays.holidays"), 303)
    # An unreadable year, or one no calendar of ours covers, lists every holiday (as no filter).
    year = parse_int(request.args.get("tahun"), minimum=MIN_YEAR, maximum=MAX_YEAR)
    return render_template("workdays/holidays.html", form=form, holidays=queries.list_holidays(year),
                           kinds=HOLIDAY_KINDS, delete_form=EmptyForm()), 422 if form.errors else 200


@bp.post("/hari-libur/<int:holiday_id>/hapus")
def delete_holiday(holiday_id):
    holiday = queries.get_holiday_or_404(holiday_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.delete_holiday(current_user, holiday)
    flash(_("Hari libur dihapus."), "success")
    return redirect(url_for("workdays.holidays"), 303)


@bp.route("/tenggat", methods=["GET", "POST"])
def deadline_policies():
    form = DeadlinePolicyForm()
    units, all_services = list_units(), list_services()
    form.set_choices(units, all_services)
    if form.validate_on_submit():
        try:
            services.save_deadline_policy(
                current_user, int(form.unit.data), int(form.service.data) if form.service.data else None,
                verify_working_days=form.verify_working_days.data, answer_working_days=form.answer_working_days.data,
                close_calendar_days=form.close_calendar_days.data,
                forum_answer_working_days=form.forum_answer_working_days.data,
            )
        except services.ServiceNotOfUnit:
            form.service.errors.append(_("Layanan itu bukan milik perangkat daerah yang dipilih."))
        except services.PolicyChangedConcurrently:
            refuse_changes()  # its flush failed: the error page needs a usable session
            abort(409)
        else:
            flash(_("Tenggat disimpan."), "success")
            return redirect(url_for("workdays.deadline_policies"), 303)
    return render_template("workdays/deadlines.html", form=form, policies=queries.list_deadline_policies(),
                           units={u.id: u for u in units}, service_names={s.id: s.name for s in all_services}), \
        422 if form.errors else 200
