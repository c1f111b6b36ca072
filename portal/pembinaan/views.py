"""Pages of the development record: load, check permission, validate, call a service; the request commits once."""

import csv
import io

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import permissions
from portal.converters import parse_id
from portal.errors import error_response
from portal.extensions import db
from portal.organisation.queries import list_unit_choices
from portal.pagination import page_arg
from portal.pembinaan import bp, charts, queries, services
from portal.pembinaan.formatting import jp as format_jp
from portal.pembinaan.forms import (
    CadenceForm,
    ContestDecisionForm,
    ContestForm,
    EvaluationForm,
    EvaluationResponseForm,
    GoalForm,
    GoalStatusForm,
    PeerFeedbackForm,
    ProgressForm,
    TargetFeedbackForm,
    TrainingForm,
    WorkTargetForm,
)
from portal.pembinaan.models import DevelopmentGoal, Evaluation, RatingContest, Training, WorkTarget
from portal.pembinaan.periods import InvalidPeriod, current_period, parse_period
from portal.pembinaan.predicate import (
    ABOVE,
    AS_EXPECTED,
    BELOW,
    BERAKHLAK,
    EXPECTATION_RATINGS,
    PREDICATE_MATRIX,
    PREDICATES,
    jp_from_duration,
)
from portal.permissions import require
from portal.responses.models import ResponseEvent
from portal.unit_of_work import flash_refusal, keep_changes_on_error, show_on_form
from portal.workdays.calendar import DAY_SECONDS


class BadQuery(Exception):
    """A query parameter is wrong; str() is the Indonesian message for a 400 page."""


@bp.context_processor
def _labels():
    # The regulation's matrix and labels, for every page of the record (never retyped in a template).
    return {"matrix": PREDICATE_MATRIX, "matrix_rows": (ABOVE, AS_EXPECTED, BELOW),
            "matrix_columns": (BELOW, AS_EXPECTED, ABOVE), "ratings": EXPECTATION_RATINGS, "predicates": PREDICATES}


@bp.errorhandler(BadQuery)
def _bad_request(error):
    return error_response(400, str(error))


def _period_arg(default_kind):
    text = request.args.get("periode", "").strip()
    if not text:
        return current_period(default_kind)
    try:
        return parse_period(text)
    except InvalidPeriod as error:
        raise BadQuery(str(error)) from None


def _sort_args(default="nama"):
    key = request.args.get("urut", default)
    if key not in queries.SORT_KEYS:
        raise BadQuery(_("Kolom urutan tidak dikenal. Pilih salah satu judul kolom tabel."))
    direction = request.args.get("arah", "naik")
    if direction not in ("naik", "turun"):
        raise BadQuery(_("Arah urutan harus \"naik\" atau \"turun\"."))
    return key, direction == "turun"


def _render_form(template, form, **context):
    status = 422 if form.errors or form.form_errors else 200
    return render_template(template, form=form, **context), status


def _record_url(profile, **args):
    return url_for("pembinaan.record", asn_id=profile.id, **args)


def _profile_of(row):
    return queries.get_asn_or_404(row.asn_id)


# ---------------------------------------------------------------- the record


@bp.get("/saya")
@login_required
def mine():
    require(permissions.can_open_own_pembinaan_record(current_user))
    return redirect(_record_url(current_user.asn_profile, **request.args.to_dict()))


@bp.get("/asn/<int:asn_id>")
@login_required
def record(asn_id):
    profile = queries.get_asn_or_404(asn_id)
    require(permissions.can_view_pembinaan_record(current_user, profile))
    period = _period_arg("year")
    data = queries.load_record(profile, period, page=page_arg())
    suggestions = services.suggestions_for(data)
    goal_forms = {goal.id: GoalStatusForm(formdata=None, prefix=f"rencana-{goal.id}", status=goal.status
                                          if goal.status != "diusulkan" else "berjalan") for goal in data.goals}
    page = render_template(
        "pembinaan/record.html", record=data, profile=profile, suggestions=suggestions, goal_forms=goal_forms,
        charts=_record_charts(data), predicates=PREDICATES, ratings=EXPECTATION_RATINGS,
        colleagues=queries.list_unit_colleagues(profile) if permissions.is_own_record(current_user, profile) else [],
        cadence=services.evaluation_cadence(),
    )
    # The audit entry is added once the page is rendered, so its INSERT is flushed by the request's
    # commit and SQLite's write lock is held for the INSERT and COMMIT only, not during rendering.
    # The page goes out only if that commit succeeds: no view without its entry.
    services.record_view(current_user, profile, detail={"period": period.label})
    return page


def _record_charts(data):
    labels = [point.period.label for point in data.trend]
    median_days = [None if p.stats.median_first_seconds is None else round(p.stats.median_first_seconds / DAY_SECONDS, 2)
                   for p in data.trend]
    ratings = [None if p.stats.rating_mean is None else round(p.stats.rating_mean, 2) for p in data.trend]
    months = [_("Jan"), _("Feb"), _("Mar"), _("Apr"), _("Mei"), _("Jun"), _("Jul"), _("Agu"), _("Sep"), _("Okt"),
              _("Nov"), _("Des")]
    return {
        "response": charts.chart(
            labels, median_days, title=_("Median waktu tanggapan pertama per triwulan"),
            description=_("Dalam hari kerja; angka yang sama ada di tabel di bawah."), y_label=_("hari kerja")),
        "rating": charts.chart(
            labels, ratings, title=_("Rata-rata penilaian warga per triwulan"),
            description=_("Skala 1–5; angka yang sama ada di tabel di bawah."), y_max=5, y_label=_("nilai 1–5")),
        "jp": charts.chart(
            # Drawn in float (display only); the table under the chart shows the exact values.
            months, [None if v is None else float(v) for v in data.jp_cumulative], kind="bar", title=_("JP kumulatif %(year)d", year=data.period.year),
            description=_("JP kumulatif per akhir bulan dibanding target %(target)d JP; angka yang sama ada di tabel.",
                          target=data.jp_target),
            target=data.jp_target, target_label=_("target %(target)d JP", target=data.jp_target), y_label="JP"),
        "months": months,
    }


# ---------------------------------------------------------------- trainings


@bp.route("/asn/<int:asn_id>/pelatihan/baru", methods=["GET", "POST"])
@login_required
def add_training(asn_id):
    profile = queries.get_asn_or_404(asn_id)
    require(permissions.can_record_training(current_user, profile))
    form = TrainingForm()
    if form.validate_on_submit():
        try:
            services.add_training(current_user, profile, title=form.title.data, organiser=form.organiser.data,
                                  form=form.form.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
                                  jp=jp_from_duration(form.jp.data, form.jp_unit.data),
                                  certificate=form.certificate.data or None)
        except services.PembinaanError as error:
            show_on_form(form, error)
        else:
            flash(_("Pelatihan \"%(title)s\" (%(jp)s JP) tercatat.", title=form.title.data,
                    jp=format_jp(jp_from_duration(form.jp.data, form.jp_unit.data))), "success")
            return redirect(_record_url(profile, periode=str(form.ends_on.data.year)) + "#pelatihan", 303)
    return _render_form("pembinaan/training_form.html", form, profile=profile)


@bp.post("/pelatihan/<int:training_id>/hapus")
@login_required
def delete_training(training_id):
    training = queries.get_or_404(Training, training_id)
    profile = _profile_of(training)
    require(permissions.can_record_training(current_user, profile))
    services.delete_training(current_user, training)
    flash(_("Pelatihan dihapus dari rekam pembinaan."), "success")
    return redirect(_record_url(profile) + "#pelatihan", 303)


@bp.get("/pelatihan/<int:training_id>/sertifikat")
@login_required
def certificate(training_id):
    training = queries.get_or_404(Training, training_id)
    profile = _profile_of(training)
    require(permissions.can_view_pembinaan_record(current_user, profile))
    path = services.certificate_path(training)
    if path is None or not path.exists():
        abort(404)
    services.record_view(current_user, profile, "certificate", {"training_id": training.id})
    # A PDF downloads instead of opening in our origin (its scripts and forms stay out of the portal).
    response = send_file(path, mimetype=training.certificate_type, download_name=training.certificate_name, max_age=0,
                         as_attachment=not (training.certificate_type or "").startswith("image/"))
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- work targets


@bp.route("/asn/<int:asn_id>/target/baru", methods=["GET", "POST"])
@login_required
def add_target(asn_id):
    profile = queries.get_asn_or_404(asn_id)
    require(permissions.can_plan_work_target(current_user, profile))
    form = WorkTargetForm()
    if request.method == "GET":
        form.period.data = request.args.get("periode") or current_period("year").label
    if form.validate_on_submit():
        try:
            services.add_work_target(current_user, profile, period=form.period.data, title=form.title.data,
                                     indicators=form.indicators())
        except services.PembinaanError as error:
            show_on_form(form, error)
        else:
            flash(_("Rencana hasil kerja tersimpan."), "success")
            return redirect(_record_url(profile) + "#target", 303)
    return _render_form("pembinaan/target_form.html", form, profile=profile)


@bp.get("/target/<int:target_id>")
@login_required
def target(target_id):
    row = queries.get_or_404(WorkTarget, target_id)
    profile = _profile_of(row)
    require(permissions.can_view_pembinaan_record(current_user, profile))
    page = render_template("pembinaan/target.html", target=row, profile=profile,
                           progress_form=ProgressForm(formdata=None, percent=row.latest_percent),
                           feedback_form=TargetFeedbackForm(formdata=None))
    services.record_view(current_user, profile, "target", {"target_id": row.id})  # after rendering: see record()
    return page


def _target_post(target_id, allowed, form_class, action, success):
    row = queries.get_or_404(WorkTarget, target_id)
    profile = _profile_of(row)
    require(allowed(current_user, profile))
    form = form_class()
    if form.validate_on_submit():
        try:
            action(row, form)
        except services.PembinaanError as error:
            show_on_form(form, error)
        else:
            flash(success, "success")
            return redirect(url_for("pembinaan.target", target_id=row.id), 303)
    forms = {"progress_form": ProgressForm(formdata=None), "feedback_form": TargetFeedbackForm(formdata=None)}
    forms["progress_form" if form_class is ProgressForm else "feedback_form"] = form
    return render_template("pembinaan/target.html", target=row, profile=profile, **forms), 422


@bp.post("/target/<int:target_id>/kemajuan")
@login_required
def target_progress(target_id):
    return _target_post(
        target_id, permissions.can_update_work_progress, ProgressForm,
        lambda row, form: services.record_progress(current_user, row, percent=form.percent.data, body=form.body.data),
        _("Kemajuan tersimpan; atasan Anda diberi tahu."))


@bp.post("/target/<int:target_id>/umpan-balik")
@login_required
def target_feedback(target_id):
    return _target_post(
        target_id, permissions.can_comment_work_target, TargetFeedbackForm,
        lambda row, form: services.comment_on_target(current_user, row, body=form.body.data),
        _("Umpan balik tersimpan; ASN yang bersangkutan diberi tahu."))


# ---------------------------------------------------------------- evaluations


@bp.route("/asn/<int:asn_id>/evaluasi", methods=["GET", "POST"])
@login_required
def evaluate(asn_id):
    profile = queries.get_asn_or_404(asn_id)
    require(permissions.can_evaluate_asn(current_user, profile))
    form = EvaluationForm()
    if request.method == "GET":
        label = request.args.get("periode") or current_period(services.evaluation_cadence()).label
        form.period.data = label
        existing = db.session.scalar(db.select(Evaluation).filter_by(asn_id=profile.id, period=label.upper()))
        if existing is not None:
            form.hasil_kerja.data, form.perilaku_kerja.data = existing.hasil_kerja, existing.perilaku_kerja
            form.summary.data = existing.summary
            for key in BERAKHLAK:
                getattr(form, key).data = existing.behaviour_notes.get(key, "")
    if form.validate_on_submit():
        try:
            # In a savepoint: a refusal undoes the evaluation's own writes only, so the audit entry
            # of the form shown again below can still be kept.
            with db.session.begin_nested():
                evaluation = services.save_evaluation(
                    current_user, profile, period=form.period.data, hasil_kerja=form.hasil_kerja.data,
                    perilaku_kerja=form.perilaku_kerja.data, behaviour_notes=form.behaviour_notes(),
                    summary=form.summary.data)
        except services.PembinaanError as error:
            show_on_form(form, error)
        else:
            flash(_("Evaluasi %(period)s tersimpan: predikat %(predicate)s.", period=evaluation.period,
                    predicate=evaluation.predicate_label), "success")
            return redirect(url_for("pembinaan.evaluation", evaluation_id=evaluation.id), 303)
    # The form shows the ASN's community figures as evidence: a view of the record, audited.
    period = _safe_period(form.period.data)
    stats = queries.stats_for(profile.id, period)
    services.record_view(current_user, profile, "evaluation_form", {"period": period.label})
    keep_changes_on_error()  # a form sent back (422) showed the figures as well: no view without its audit entry
    return _render_form("pembinaan/evaluation_form.html", form, profile=profile, stats=stats,
                        cadence=services.evaluation_cadence(), berakhlak=BERAKHLAK)


def _safe_period(text):
    try:
        return parse_period(text)
    except InvalidPeriod:
        return current_period(services.evaluation_cadence())


@bp.get("/evaluasi/<int:evaluation_id>")
@login_required
def evaluation(evaluation_id):
    row = queries.get_or_404(Evaluation, evaluation_id)
    profile = _profile_of(row)
    require(permissions.can_view_pembinaan_record(current_user, profile))
    page = render_template("pembinaan/evaluation.html", evaluation=row, profile=profile,
                           berakhlak=BERAKHLAK, ratings=EXPECTATION_RATINGS,
                           form=EvaluationResponseForm(formdata=None, response=row.asn_response))
    services.record_view(current_user, profile, "evaluation", {"evaluation_id": row.id})  # after rendering: see record()
    return page


@bp.post("/evaluasi/<int:evaluation_id>/tanggapan")
@login_required
def respond(evaluation_id):
    row = queries.get_or_404(Evaluation, evaluation_id)
    profile = _profile_of(row)
    require(permissions.can_respond_to_evaluation(current_user, profile))
    form = EvaluationResponseForm()
    if form.validate_on_submit():
        try:
            services.respond_to_evaluation(current_user, row, form.response.data)
        except services.PembinaanError as error:
            show_on_form(form, error)
        else:
            flash(_("Tanggapan Anda tersimpan; atasan Anda diberi tahu."), "success")
            return redirect(url_for("pembinaan.evaluation", evaluation_id=row.id), 303)
    return render_template("pembinaan/evaluation.html", evaluation=row, profile=profile, berakhlak=BERAKHLAK,
                           ratings=EXPECTATION_RATINGS, form=form), 422


@bp.route("/asn/<int:asn_id>/umpan-balik-rekan", methods=["GET", "POST"])
@login_required
def peer_feedback(asn_id):
    profile = queries.get_asn_or_404(asn_id)
    require(permissions.can_give_peer_feedback(current_user, profile))
    form = PeerFeedbackForm()
    if request.method == "GET":
        form.period.data = current_period(services.evaluation_cadence()).label
    if form.validate_on_submit():
        try:
            services.give_peer_feedback(current_user.asn_profile, profile, period=form.period.data, body=form.body.data)
        except services.PembinaanError as error:
            show_on_form(form, error)
        else:
            flash(_("Terima kasih, umpan balik untuk %(name)s tersimpan.", name=profile.name), "success")
            return redirect(url_for("pembinaan.mine"), 303)
    return _render_form("pembinaan/peer_form.html", form, profile=profile)


# ---------------------------------------------------------------- development plan


@bp.route("/asn/<int:asn_id>/rencana/baru", methods=["GET", "POST"])
@login_required
def propose_goal(asn_id):
    profile = queries.get_asn_or_404(asn_id)
    require(permissions.can_propose_development_goal(current_user, profile))
    form = GoalForm()
    if request.method == "GET" and request.args.get("saran"):
        # The evidence is computed again here, so the reason shown is the real one.
        data = queries.load_record(profile, _period_arg("year"))
        suggestion = next((s for s in services.suggestions_for(data) if s.code == request.args["saran"]), None)
        services.record_view(current_user, profile, "suggestion", {"code": request.args["saran"]})
        if suggestion is not None:
            form.goal.data, form.actions.data = suggestion.goal, suggestion.actions
            form.reason.data, form.suggestion.data = suggestion.reason, suggestion.code
            form.owner.data = profile.name
    if form.validate_on_submit():
        try:
            services.propose_goal(current_user, profile, goal=form.goal.data, actions=form.actions.data,
                                  owner=form.owner.data, due_on=form.due_on.data, suggestion_code=form.suggestion.data,
                                  reason=form.reason.data)
        except services.PembinaanError as error:
            show_on_form(form, error)
        else:
            flash(_("Rencana pengembangan diusulkan; %(name)s diminta menyetujuinya.", name=profile.name), "success")
            return redirect(_record_url(profile) + "#rencana", 303)
    return _render_form("pembinaan/goal_form.html", form, profile=profile)


@bp.post("/rencana/<int:goal_id>/setujui")
@login_required
def acknowledge_goal(goal_id):
    goal = queries.get_or_404(DevelopmentGoal, goal_id)
    profile = _profile_of(goal)
    require(permissions.can_acknowledge_development_goal(current_user, profile))
    try:
        services.acknowledge_goal(current_user, goal)
    except services.PembinaanError as error:
        flash_refusal(error)
    else:
        flash(_("Rencana pengembangan Anda setujui dan kini berjalan."), "success")
    return redirect(_record_url(profile) + "#rencana", 303)


@bp.post("/rencana/<int:goal_id>/status")
@login_required
def goal_status(goal_id):
    goal = queries.get_or_404(DevelopmentGoal, goal_id)
    profile = _profile_of(goal)
    require(permissions.can_change_goal_status(current_user, goal, profile))  # the rule the form is shown by
    form = GoalStatusForm(prefix=f"rencana-{goal.id}")
    if not form.validate_on_submit():
        flash(_("Pilih status berjalan, selesai, atau dibatalkan."), "error")
        return redirect(_record_url(profile) + "#rencana", 303)
    try:
        services.set_goal_status(current_user, goal, form.status.data)
    except services.PembinaanError as error:
        flash_refusal(error)
    else:
        flash(_("Status rencana diperbarui."), "success")
    return redirect(_record_url(profile) + "#rencana", 303)


# ---------------------------------------------------------------- contested ratings


@bp.route("/tanggapan/<int:event_id>/sanggah", methods=["GET", "POST"])
@login_required
def contest(event_id):
    event = queries.get_or_404(ResponseEvent, event_id)
    require(permissions.can_contest_rating(current_user, event))
    form = ContestForm()
    if form.validate_on_submit():
        try:
            services.contest_rating(current_user, event, form.reason.data)
        except services.PembinaanError as error:
            show_on_form(form, error)
        else:
            flash(_("Sanggahan terkirim. Moderator akan memutuskan apakah penilaian ini tetap dihitung."), "success")
            return redirect(_record_url(current_user.asn_profile) + "#masukan", 303)
    return _render_form("pembinaan/contest_form.html", form, event=event)


@bp.get("/sanggahan")
@login_required
def contests():
    require(permissions.can_review_rating_contests(current_user))
    pending = queries.list_contests("menunggu")
    forms = {c.id: ContestDecisionForm(formdata=None, prefix=f"sanggahan-{c.id}") for c in pending}
    return render_template("pembinaan/contests.html", contests=pending, forms=forms)


@bp.post("/sanggahan/<int:contest_id>")
@login_required
def decide(contest_id):
    require(permissions.can_review_rating_contests(current_user))
    row = queries.get_or_404(RatingContest, contest_id)
    form = ContestDecisionForm(prefix=f"sanggahan-{row.id}")
    if form.validate_on_submit():
        try:
            services.decide_contest(current_user, row, form.decision.data, form.reason.data)
        except services.PembinaanError as error:
            show_on_form(form, error)
        else:
            flash(_("Keputusan tersimpan dan ASN yang bersangkutan diberi tahu."), "success")
            return redirect(url_for("pembinaan.contests"), 303)
    pending = queries.list_contests("menunggu")
    forms = {c.id: ContestDecisionForm(formdata=None, prefix=f"sanggahan-{c.id}") for c in pending}
    forms[row.id] = form
    return render_template("pembinaan/contests.html", contests=pending or [row], forms=forms), 422


# ---------------------------------------------------------------- team and HR


@bp.get("/tim")
@login_required
def team():
    require(permissions.can_view_team_pembinaan(current_user))
    period = _period_arg("quarter")
    sort, descending = _sort_args()
    whole_chain = request.args.get("lingkup") == "semua"
    members = queries.list_team(current_user.asn_profile, whole_chain=whole_chain)
    figures = queries.sort_figures(queries.figures_for(members, period), sort, descending)
    overdue = queries.list_overdue_assignments([m.id for m in members])
    services.team_view(current_user, members, "team", {"period": period.label})
    return render_template("pembinaan/team.html", figures=figures, overdue=overdue, period=period,
                           sort=sort, descending=descending, whole_chain=whole_chain)


def _unit_arg():
    raw = request.args.get("unit", "").strip()
    if not raw:
        return None
    unit_id = parse_id(raw)
    if unit_id is None:
        raise BadQuery(_("Perangkat daerah tidak dikenal. Pilih dari daftar."))
    return unit_id


@bp.get("/hr")
@login_required
def overview():
    require(permissions.can_view_pembinaan_overview(current_user))
    period, unit_id = _period_arg("quarter"), _unit_arg()
    sort, descending = _sort_args()
    profiles = queries.list_asn(unit_id)
    figures = queries.sort_figures(queries.figures_for(profiles, period), sort, descending)
    services.team_view(current_user, profiles, "overview", {"period": period.label, "unit_id": unit_id})
    return render_template("pembinaan/overview.html", figures=figures, period=period, unit_id=unit_id,
                           units=list_unit_choices(), sort=sort, descending=descending)


CSV_COLUMNS = [
    "nip", "nama", "jabatan", "perangkat_daerah", "periode", "ditugaskan", "dijawab", "tanggapan_pertama",
    "median_tanggapan_pertama_hari_kerja", "p90_tanggapan_pertama_hari_kerja", "tepat_waktu", "dengan_tenggat",
    "persen_tepat_waktu", "rata_rata_nilai", "jumlah_nilai", "terlambat_saat_ini", "jp_tahun_ini", "predikat_terakhir",
]


def _csv_cell(value):
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _days(seconds):
    return "" if seconds is None else f"{seconds / DAY_SECONDS:.2f}"


@bp.get("/hr/ekspor.csv")
@login_required
def export_csv():
    require(permissions.can_view_pembinaan_overview(current_user))
    period, unit_id = _period_arg("quarter"), _unit_arg()
    profiles = queries.list_asn(unit_id)
    figures = queries.figures_for(profiles, period)
    services.team_view(current_user, profiles, "export", {"period": period.label, "unit_id": unit_id})
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for f in figures:
        s = f.stats
        writer.writerow([_csv_cell(v) for v in (
            f.profile.nip, f.profile.name, f.profile.jabatan, f.profile.unit.name, period.label, s.assigned,
            s.answered, s.first_responses, _days(s.median_first_seconds), _days(s.p90_first_seconds), s.deadline_met,
            s.with_deadline, "" if s.deadline_share is None else f"{s.deadline_share * 100:.1f}",
            "" if s.rating_mean is None else f"{s.rating_mean:.2f}", s.rating_count, s.overdue_now, f.jp_total,
            PREDICATES[f.predicate] if f.predicate else "",
        )])
    filename = f"pembinaan-{period.label}{f'-unit-{unit_id}' if unit_id else ''}.csv"
    return Response(out.getvalue(), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


@bp.route("/hr/pengaturan", methods=["GET", "POST"])
@login_required
def settings():
    require(permissions.can_view_pembinaan_overview(current_user))
    form = CadenceForm()
    if request.method == "GET":
        form.cadence.data = services.evaluation_cadence()
    if form.validate_on_submit():
        try:
            services.set_evaluation_cadence(current_user, form.cadence.data)
        except services.PembinaanError as error:
            show_on_form(form, error)
        else:
            flash(_("Pengaturan evaluasi periodik tersimpan."), "success")
            return redirect(url_for("pembinaan.settings"), 303)
    return _render_form("pembinaan/settings.html", form)
