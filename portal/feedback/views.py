from flask import abort, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import idempotency, permissions
from portal.converters import parse_id
from portal.db import utcnow
from portal.extensions import db
from portal.feedback import bp, queries, services
from portal.feedback.forms import (
    AnswerForm,
    AssignForm,
    ConfirmForm,
    FeedbackSubmitForm,
    RateForm,
    RejectForm,
    ReopenForm,
    SurveyForm,
    TrackForm,
)
from portal.feedback.ikm import InvalidPeriod, compute_ikm_per_unit, parse_period
from portal.feedback.limits import submit_limit, track_limit
from portal.feedback.models import FEEDBACK_TYPES, SKM_ELEMENTS, STATUSES, FeedbackAttachment
from portal.feedback.visibility import feedback_view
from portal.forms import choices
from portal.observability import keep_request_anonymous
from portal.organisation.models import AsnProfile, Service, Unit
from portal.organisation.queries import (
    list_service_choices,
    list_services,
    list_unit_asn,
    list_unit_choices,
    list_units,
)
from portal.pagination import page_arg
from portal.permissions import require
from portal.personal_text import find_personal_data, personal_data_message
from portal.unit_of_work import flash_refusal, show_on_form
from portal.workdays.calendar import wib_date


def _unit_choices():
    return choices([("", _("— Pilih —"))] + [(str(u.id), u.name) for u in list_units()])


def _service_choices():
    return choices([("", _("— Tidak tahu / umum —"))] + [(str(s.id), f"{s.unit.name} — {s.name}") for s in list_services()])


def _lookup(model, raw_id):
    row_id = parse_id(raw_id)
    return db.session.get(model, row_id) if row_id is not None else None


@bp.route("/masukan/kirim", methods=["GET", "POST"])
@submit_limit
def submit():
    form = FeedbackSubmitForm()
    form.unit.choices = _unit_choices()
    form.service.choices = _service_choices()
    if request.method == "GET":
        form.unit.data = request.args.get("unit", "")
        form.service.data = request.args.get("layanan", "")
    identity = form.identity_choice()
    signed_in = current_user if current_user.is_authenticated else None
    if request.method == "POST" and (identity == "anonim" or signed_in is None):
        keep_request_anonymous()
    if form.validate_on_submit():
        if first := idempotency.first_result(form):
            return redirect(first, 303)
        unit, service = _lookup(Unit, form.unit.data), _lookup(Service, form.service.data)
        anonymous = identity == "anonim"
        try:
            feedback, secret = services.submit_feedback(
                unit=unit, service=service, type=form.type.data, title=form.title.data, body=form.body.data,
                kelurahan=form.kelurahan.data, visit_date=form.visit_date.data, is_public=form.is_public.data,
                submitter=signed_in, contact_name=None if signed_in else form.contact_name.data,
                contact_email=None if signed_in else form.contact_email.data,
                contact_phone=form.contact_phone.data, confidential=identity == "rahasia", anonymous=anonymous,
                survey=form.survey_scores() if form.survey_answered() else None,
                survey_profile=form.survey_profile(), photo=form.photo.data or None,
            )
        except (services.InvalidAttachment, services.InvalidSurvey) as error:
            show_on_form(form, error)  # beside the photo, or above the form for the survey
        except services.FeedbackError as error:
            show_on_form(form, services.FeedbackError(str(error), field="service"))
        else:
            # A resubmission goes to the public tracking page: the private key is shown only once.
            track_url = url_for("feedback.track", number=feedback.tracking_number)
            # An anonymous report keeps no account anywhere, not even on its idempotency key.
            if first := idempotency.record_once(form, "feedback.submit", track_url, None if anonymous else signed_in):
                return redirect(first, 303)
            # The private link is shown once: only this browser session can read it, only now.
            session["feedback_secret"] = {"number": feedback.tracking_number, "secret": secret}
            return redirect(url_for("feedback.submitted", number=feedback.tracking_number), 303)
    return render_template("feedback/submit.html", form=form, elements=SKM_ELEMENTS), 422 if form.errors or form.form_errors else 200


@bp.get("/masukan/terkirim/<number>")
def submitted(number):
    feedback = queries.get_feedback_or_404(number)
    _log_anonymously(feedback)
    stored = session.pop("feedback_secret", None)
    if not stored or stored.get("number") != feedback.tracking_number:
        return redirect(url_for("feedback.track", number=feedback.tracking_number))
    link = services.private_link(feedback, stored["secret"])
    # "Lacak status" carries the key: an anonymous reporter has no other way to the answer and rating.
    track_url = url_for("feedback.track", number=feedback.tracking_number, kunci=stored["secret"])
    return render_template("feedback/submitted.html", feedback=feedback, link=link, track_url=track_url)


def _log_anonymously(feedback):
    if feedback.submitter_id is None:
        keep_request_anonymous()


@bp.get("/masukan")
def public_list():
    args = request.args
    unit = _lookup(Unit, args.get("unit"))
    service = _lookup(Service, args.get("layanan"))
    period, period_error = None, None
    if args.get("periode"):
        try:
            period = parse_period(args["periode"])
        except InvalidPeriod as error:
            period_error = str(error)
    page = queries.list_public_feedback(
        unit=unit, service=service, type=args.get("jenis") if args.get("jenis") in FEEDBACK_TYPES else None,
        status=args.get("status") if args.get("status") in STATUSES else None, period=period,
        page=page_arg(),
    )
    return render_template("feedback/public_list.html", page=page, units=list_unit_choices(), services=list_service_choices(),
                           types=FEEDBACK_TYPES, statuses=STATUSES, period_error=period_error)


@bp.get("/masukan/<number>")
def detail(number):
    feedback = queries.get_feedback_or_404(number)
    _log_anonymously(feedback)
    view = feedback_view(current_user, feedback, request.args.get("kunci"))
    if not view.show_text:
        return redirect(url_for("feedback.track", number=feedback.tracking_number))
    return render_template("feedback/detail.html", feedback=feedback, view=view)


@bp.get("/lacak")
@track_limit
def track_lookup():
    form = TrackForm(request.args)
    if request.args and form.validate():
        if queries.find_feedback(form.nomor.data) is not None:
            return redirect(url_for("feedback.track", number=form.nomor.data.upper()))
        return _not_found(form)
    return render_template("feedback/track_lookup.html", form=form), 422 if request.args else 200


def _not_found(form):
    # Stay on the lookup form with the number kept, so a typo can be fixed in place.
    form.nomor.errors = [*form.nomor.errors, _("Nomor tidak ditemukan. Periksa kembali nomor pelacakan Anda, misalnya SBY-2026-000123.")]
    return render_template("feedback/track_lookup.html", form=form), 404


@bp.get("/lacak/<number>")
@track_limit
def track(number):
    feedback = queries.find_feedback(number)
    if feedback is None:
        return _not_found(TrackForm(formdata=None, nomor=(number or "")[:20]))
    _log_anonymously(feedback)
    view = feedback_view(current_user, feedback, request.args.get("kunci"))
    secret = view.secret
    return render_template(
        "feedback/track.html", feedback=feedback, view=view,
        rate_form=RateForm(formdata=None, kunci=secret), reopen_form=ReopenForm(formdata=None, kunci=secret),
        confirm_form=ConfirmForm(formdata=None, kunci=secret),
    )


def _owner_or_403(feedback, secret):
    if not feedback_view(current_user, feedback, secret).owner:
        abort(403)


def _resident_action(number, form_class, action, success):
    feedback = queries.get_feedback_or_404(number)
    _log_anonymously(feedback)
    form = form_class()
    _owner_or_403(feedback, form.kunci.data)
    if form.validate_on_submit():
        try:
            action(feedback, form)
        except services.FeedbackError as error:
            flash_refusal(error)
            return redirect(url_for("feedback.track", number=feedback.tracking_number, kunci=form.kunci.data or None), 303)
        flash(success, "success")
    else:
        for errors in form.errors.values():
            flash(errors[0], "error")
    return redirect(url_for("feedback.track", number=feedback.tracking_number, kunci=form.kunci.data or None), 303)


def _actor(feedback):
    # An anonymous report stays anonymous when its reporter acts on it while signed in: the
    # history, the audit log and the rating record no account (DOMAIN.md §6).
    if not current_user.is_authenticated or feedback.submitter_id is None:
        return None
    return current_user


@bp.post("/lacak/<number>/nilai")
@track_limit
def rate(number):
    return _resident_action(
        number, RateForm,
        lambda fb, form: services.rate_feedback_answer(fb, int(form.rating.data), form.comment.data, rated_by=_actor(fb)),
        _("Terima kasih, penilaian Anda sudah disimpan."),
    )


@bp.post("/lacak/<number>/konfirmasi")
@track_limit
def confirm(number):
    return _resident_action(number, ConfirmForm, lambda fb, form: services.confirm_feedback(fb, actor=_actor(fb)),
                            _("Masukan ditandai selesai. Terima kasih."))


@bp.post("/lacak/<number>/buka-kembali")
@track_limit
def reopen(number):
    return _resident_action(number, ReopenForm, lambda fb, form: services.reopen_feedback(fb, form.reason.data, actor=_actor(fb)),
                            _("Masukan dibuka kembali dan dikembalikan kepada petugas."))


@bp.get("/masukan/saya")
@login_required
def mine():
    return render_template("feedback/mine.html", page=queries.list_my_feedback(current_user, page_arg()))


@bp.get("/masukan/kotak")
@login_required
def inbox():
    require(permissions.can_use_feedback_inbox(current_user))
    page = queries.list_inbox(current_user, status=request.args.get("status"), mine=request.args.get("saya") == "1",
                              page=page_arg())
    return render_template("feedback/inbox.html", page=page, statuses=STATUSES, is_overdue=queries.is_overdue)


def _manage_forms(feedback):
    assign = AssignForm(formdata=None)
    assign.asn.choices = choices([("", _("— Pilih ASN —"))] + [(str(a.id), f"{a.name} — {a.jabatan}") for a in list_unit_asn(feedback.unit_id)])
    return {"reject_form": RejectForm(formdata=None), "assign_form": assign, "answer_form": AnswerForm(formdata=None)}


@bp.get("/masukan/<number>/kelola")
@login_required
def manage(number):
    feedback = queries.get_feedback_or_404(number)
    require(permissions.can_handle_feedback(current_user, feedback) or permissions.can_answer_feedback(current_user, feedback))
    return render_template("feedback/manage.html", feedback=feedback, history=feedback.history,
                           is_overdue=queries.is_overdue(feedback), next_step=queries.next_step(feedback),
                           past_close_deadline=queries.is_past_close_deadline(feedback),
                           **_manage_forms(feedback))


def _staff_action(feedback, action, success):
    try:
        action()
    except services.FeedbackError as error:
        flash_refusal(error)
        return redirect(url_for("feedback.manage", number=feedback.tracking_number), 303)
    flash(success, "success")
    return redirect(url_for("feedback.manage", number=feedback.tracking_number), 303)


def _invalid(feedback, form):
    for errors in form.errors.values():
        flash(errors[0], "error")
    return render_template("feedback/manage.html", feedback=feedback, history=feedback.history,
                           is_overdue=queries.is_overdue(feedback), next_step=queries.next_step(feedback),
                           past_close_deadline=queries.is_past_close_deadline(feedback),
                           **_manage_forms(feedback)), 422


@bp.post("/masukan/<number>/verifikasi")
@login_required
def verify(number):
    feedback = queries.get_feedback_or_404(number)
    require(permissions.can_handle_feedback(current_user, feedback))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _staff_action(feedback, lambda: services.verify_feedback(current_user, feedback), _("Masukan diverifikasi."))


@bp.post("/masukan/<number>/tolak")
@login_required
def reject(number):
    feedback = queries.get_feedback_or_404(number)
    require(permissions.can_handle_feedback(current_user, feedback))
    form = RejectForm()
    if not form.validate_on_submit():
        return _invalid(feedback, form)
    return _staff_action(feedback, lambda: services.reject_feedback(current_user, feedback, form.reason.data), _("Masukan ditolak dengan alasan."))


@bp.post("/masukan/<number>/tugaskan")
@login_required
def assign(number):
    feedback = queries.get_feedback_or_404(number)
    require(permissions.can_assign_feedback(current_user, feedback))
    form = _manage_forms(feedback)["assign_form"]
    form.process(request.form)
    if not form.validate():
        return _invalid(feedback, form)
    asn = _lookup(AsnProfile, form.asn.data)
    return _staff_action(feedback, lambda: services.assign_feedback(current_user, feedback, asn),
                         _("Masukan ditugaskan kepada %(name)s.", name=asn.name))


@bp.post("/masukan/<number>/ambil")
@login_required
def take(number):
    feedback = queries.get_feedback_or_404(number)
    require(permissions.can_take_feedback(current_user, feedback))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _staff_action(feedback, lambda: services.take_feedback(current_user.asn_profile, feedback),
                         _("Anda menangani masukan ini. Tulis jawaban resmi di bawah."))


@bp.post("/masukan/<number>/jawab")
@login_required
def answer(number):
    feedback = queries.get_feedback_or_404(number)
    require(permissions.can_answer_feedback(current_user, feedback))
    form = AnswerForm()
    valid = form.validate_on_submit()
    # The answer to a public item is public too: the unit may give its own phone or address,
    # never a resident's NIK (UU 27/2022).
    if valid and feedback.is_public and (findings := find_personal_data(form.body.data, kinds=("nik",))):
        form.body.errors.append(personal_data_message(findings))
        valid = False
    if not valid:
        return _invalid(feedback, form)
    return _staff_action(feedback, lambda: services.answer_feedback(current_user.asn_profile, feedback, form.body.data),
                         _("Jawaban resmi terkirim kepada pelapor."))


@bp.get("/masukan/lampiran/<int:attachment_id>")
def attachment(attachment_id):
    item = db.session.get(FeedbackAttachment, attachment_id)
    if item is None:
        abort(404)
    require(permissions.can_view_feedback_attachment(current_user, item.feedback))
    path = services.attachment_path(item)
    if not path.exists():
        abort(404)
    # Photos open in the browser; anything else (a PDF) only downloads, so it never runs in our origin.
    response = send_file(path, mimetype=item.content_type, download_name=item.original_name, max_age=0,
                         as_attachment=not item.content_type.startswith("image/"))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/survei", methods=["GET", "POST"])
def survey():
    form = SurveyForm()
    form.service.choices = choices([("", _("— Pilih layanan —"))] + [(str(s.id), f"{s.unit.name} — {s.name}") for s in list_services()])
    if request.method == "GET":
        form.service.data = request.args.get("layanan", "")
    if form.validate_on_submit():
        service = _lookup(Service, form.service.data)
        try:
            services.record_survey(unit=service.unit, service=service, scores=form.survey_scores(), profile=form.survey_profile())
        except services.InvalidSurvey as error:
            show_on_form(form, error)
        else:
            flash(_("Terima kasih! Survei kepuasan Anda untuk %(service)s sudah tercatat.", service=service.name), "success")
            return redirect(url_for("feedback.ikm"), 303)
    return render_template("feedback/survey.html", form=form, elements=SKM_ELEMENTS), 422 if form.errors or form.form_errors else 200


@bp.get("/ikm")
def ikm():
    today = wib_date(utcnow())
    default = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    error = None
    try:
        period = parse_period(request.args.get("periode") or default)
    except InvalidPeriod as exc:
        error, period = str(exc), parse_period(default)
    units = list_units()
    results = compute_ikm_per_unit(period, [unit.id for unit in units])
    rows = [(unit, results[unit.id]) for unit in units]
    return render_template("feedback/ikm.html", rows=rows, period=period, error=error), 400 if error else 200


