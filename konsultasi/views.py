"""Konsultasi pages. Each view: load or 404, require → 403, validate, call a service; the request commits once."""

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from konsultasi import bp
from konsultasi import services as svc
from konsultasi.forms import (
    AnswerCommentForm,
    AnswerQuestionForm,
    CommentForm,
    ConsultationFilterForm,
    ConsultationForm,
    QuestionForm,
    ReasonForm,
    SectionForm,
    SpeakerForm,
    SummaryForm,
    utc_to_wib,
)
from konsultasi.queries import (
    build_report,
    get_comment_or_404,
    get_consultation_or_404,
    get_question_or_404,
    get_registration_or_404,
    get_section_or_404,
    get_speaker_or_404,
    list_attendance,
    list_consultations,
    list_my_registrations,
    list_my_speaker_roles,
    list_questions,
    list_sections_with_comments,
    live_board,
    registration_counts,
    report_csv,
)
from portal import idempotency
from portal.errors import error_response
from portal.forms import EmptyForm
from portal.organisation.queries import get_unit_or_404, list_unit_choices
from portal.pagination import paginate
from portal.permissions import (
    can_answer_konsultasi_input,
    can_ask_question,
    can_comment_section,
    can_manage_consultation,
    can_register,
    can_view_consultation,
    can_view_consultation_report,
    can_vote_question,
    is_active_participant,
    require,
)
from portal.unit_of_work import refuse_changes, show_on_form

PER_PAGE = 10


# ---------------------------------------------------------------- helpers


def _load(consultation_id):
    """Return a consultation the visitor may see; a draft is a 404 for everyone but moderators."""
    consultation = get_consultation_or_404(consultation_id)
    if not can_view_consultation(current_user, consultation):
        abort(404)
    return consultation


def _require_button_form():
    # A POST whose only field is the CSRF token; a forged or missing token is refused earlier (400).
    if not EmptyForm().validate_on_submit():
        abort(400)


def _attempt(action, once=None):
    """Run a service; return (result, None), or (None, the refusal), and then the request keeps nothing.

    once=(form, endpoint, result URL): record the form's one-time token with the write; a
    duplicate (a racing resubmission) is rolled back, and its result page is the same URL.
    """
    try:
        result = action()
    except svc.KonsultasiError as error:
        refuse_changes()  # some callers redirect (a status below 400) even after a refusal
        return None, error
    if once:
        idempotency.record_once(*once, current_user)
    return result, None


def _refused(error):
    """Answer a refused action with its status (409 or 400) and its Indonesian message."""
    return error_response(error.status, str(error), title=_("Tindakan tidak dapat dilakukan"))


def _wants_json():
    return request.accept_mimetypes.best == "application/json"


# ---------------------------------------------------------------- listing


@bp.get("/")
def index():
    form = ConsultationFilterForm()
    form.set_unit_choices(list_unit_choices())
    if not can_manage_consultation(current_user):
        form.waktu.choices = [c for c in form.waktu.choices if c.value != "draf"]
    valid = form.validate()
    when = form.when if valid else "akan-datang"
    query = list_consultations(when, form.unit.data if valid else None, form.topik.data if valid else None)
    page = paginate(query, per_page=PER_PAGE)
    filtered = valid and bool(form.unit.data or form.topik.data)
    return render_template("konsultasi/index.html", form=form, page=page, when=when, filtered=filtered), (
        200 if valid else 422)


@bp.get("/saya")
@login_required
def mine():
    return render_template("konsultasi/mine.html", registrations=list_my_registrations(current_user),
                           speaking=list_my_speaker_roles(current_user))


# ---------------------------------------------------------------- create, edit, manage


def _consultation_form(consultation=None):
    form = ConsultationForm(obj=consultation)
    form.set_unit_choices(list_unit_choices())
    if consultation is not None and not form.is_submitted():
        form.description.data = consultation.description_md
        form.starts_at.data = utc_to_wib(consultation.starts_at)
        form.ends_at.data = utc_to_wib(consultation.ends_at)
    return form


@bp.route("/baru", methods=["GET", "POST"])
def create():
    require(can_manage_consultation(current_user))
    form = _consultation_form()
    if form.validate_on_submit():
        unit = get_unit_or_404(form.unit_id.data)
        consultation, error = _attempt(lambda: svc.create_consultation(current_user, **form.values(unit)))
        if error is None:
            flash(_("Draf konsultasi dibuat. Lengkapi dokumen dan narasumber, lalu umumkan."), "success")
            return redirect(url_for("konsultasi.manage", consultation_id=consultation.id), 303)
        show_on_form(form, error)
    return render_template("konsultasi/form.html", form=form, consultation=None), 422 if form.errors else 200


@bp.route("/<int:consultation_id>/ubah", methods=["GET", "POST"])
def edit(consultation_id):
    consultation = _load(consultation_id)
    require(can_manage_consultation(current_user))
    form = _consultation_form(consultation)
    if form.validate_on_submit():
        unit = get_unit_or_404(form.unit_id.data)
        promoted, error = _attempt(lambda: svc.update_consultation(current_user, consultation, **form.values(unit)))
        if error is None:
            flash(_("Perubahan disimpan."), "success")
            if promoted:
                flash(_("%(n)d orang dari daftar tunggu kini mendapat kursi.", n=len(promoted)), "info")
            return redirect(url_for("konsultasi.manage", consultation_id=consultation.id), 303)
        if error.field is None and error.status == 409:
            return _refused(error)
        show_on_form(form, error)
    return render_template("konsultasi/form.html", form=form, consultation=consultation), 422 if form.errors else 200


def _render_manage(consultation, section_form=None, speaker_form=None, status=200):
    return render_template(
        "konsultasi/manage.html", consultation=consultation,
        sections=list_sections_with_comments(consultation),
        section_form=section_form or SectionForm(formdata=None),
        speaker_form=speaker_form or SpeakerForm(formdata=None),
        next_phases=svc.allowed_next_phases(consultation),
        counts=registration_counts(consultation),
    ), status


@bp.get("/<int:consultation_id>/kelola")
def manage(consultation_id):
    consultation = _load(consultation_id)
    require(can_manage_consultation(current_user))
    return _render_manage(consultation)


@bp.post("/<int:consultation_id>/tahap/<phase>")
def transition(consultation_id, phase):
    consultation = _load(consultation_id)
    require(can_manage_consultation(current_user))
    _require_button_form()
    _result, error = _attempt(lambda: svc.transition_consultation(current_user, consultation, phase))
    if error is not None:
        return _refused(error)
    flash(_("Tahap konsultasi kini: %(phase)s.", phase=consultation.phase_label), "success")
    return redirect(url_for("konsultasi.manage", consultation_id=consultation.id), 303)


@bp.post("/<int:consultation_id>/bagian")
def section_create(consultation_id):
    consultation = _load(consultation_id)
    require(can_manage_consultation(current_user))
    form = SectionForm()
    if form.validate_on_submit():
        section, error = _attempt(lambda: svc.add_section(
            current_user, consultation, heading=form.heading.data, body=form.body.data))
        if error is None:
            flash(_("Bagian \"%(heading)s\" ditambahkan.", heading=section.heading), "success")
            return redirect(url_for("konsultasi.manage", consultation_id=consultation.id, _anchor="dokumen"), 303)
        return _refused(error)
    return _render_manage(consultation, section_form=form, status=422)


@bp.route("/<int:consultation_id>/bagian/<int:section_id>/ubah", methods=["GET", "POST"])
def section_edit(consultation_id, section_id):
    consultation = _load(consultation_id)
    section = get_section_or_404(consultation, section_id)
    require(can_manage_consultation(current_user))
    form = SectionForm(obj=section)
    if not form.is_submitted():
        form.body.data = section.body_md
    if form.validate_on_submit():
        _result, error = _attempt(lambda: svc.update_section(
            current_user, section, heading=form.heading.data, body=form.body.data))
        if error is None:
            flash(_("Bagian disimpan."), "success")
            return redirect(url_for("konsultasi.manage", consultation_id=consultation.id, _anchor="dokumen"), 303)
        return _refused(error)
    return render_template("konsultasi/section_form.html", consultation=consultation, section=section,
                           form=form), 422 if form.errors else 200


@bp.post("/<int:consultation_id>/bagian/<int:section_id>/hapus")
def section_delete(consultation_id, section_id):
    consultation = _load(consultation_id)
    section = get_section_or_404(consultation, section_id)
    require(can_manage_consultation(current_user))
    _require_button_form()
    _result, error = _attempt(lambda: svc.delete_section(current_user, section))
    if error is not None:
        return _refused(error)
    flash(_("Bagian dihapus."), "success")
    return redirect(url_for("konsultasi.manage", consultation_id=consultation.id, _anchor="dokumen"), 303)


@bp.post("/<int:consultation_id>/narasumber")
def speaker_add(consultation_id):
    consultation = _load(consultation_id)
    require(can_manage_consultation(current_user))
    form = SpeakerForm()
    if form.validate_on_submit():
        speaker, error = _attempt(lambda: svc.add_speaker(
            current_user, consultation, nip=form.nip.data, role=form.role.data))
        if error is None:
            flash(_("%(name)s ditambahkan sebagai narasumber.", name=speaker.asn.name), "success")
            return redirect(url_for("konsultasi.manage", consultation_id=consultation.id, _anchor="narasumber"), 303)
        show_on_form(form, error)
    return _render_manage(consultation, speaker_form=form, status=422)


@bp.post("/<int:consultation_id>/narasumber/<int:speaker_id>/hapus")
def speaker_remove(consultation_id, speaker_id):
    consultation = _load(consultation_id)
    speaker = get_speaker_or_404(consultation, speaker_id)
    require(can_manage_consultation(current_user))
    _require_button_form()
    _attempt(lambda: svc.remove_speaker(current_user, consultation, speaker))
    flash(_("Narasumber dilepas dari konsultasi."), "success")
    return redirect(url_for("konsultasi.manage", consultation_id=consultation.id, _anchor="narasumber"), 303)


# ---------------------------------------------------------------- detail and registration


@bp.get("/<int:consultation_id>")
def detail(consultation_id):
    consultation = _load(consultation_id)
    registration = svc.get_registration(consultation, current_user)
    return render_template(
        "konsultasi/detail.html", consultation=consultation, registration=registration,
        counts=registration_counts(consultation), speaker=consultation.speaker_for(current_user),
        waiting_ahead=_waiting_ahead(consultation, registration),
    )


def _waiting_ahead(consultation, registration):
    if registration is None or registration.status != "menunggu":
        return None
    return sum(1 for r in svc.list_waiting(consultation) if r.waitlist_position < registration.waitlist_position)


@bp.post("/<int:consultation_id>/daftar")
def register(consultation_id):
    consultation = _load(consultation_id)
    require(can_register(current_user, consultation))
    _require_button_form()
    registration, error = _attempt(lambda: svc.register_for_consultation(current_user, consultation))
    if error is not None:
        return _refused(error)
    if registration.status == "terdaftar":
        flash(_("Pendaftaran Anda terkonfirmasi. Kami mengirim email berisi jadwal dan berkas kalender (.ics)."),
              "success")
    else:
        flash(_("Kursi sudah penuh. Anda masuk daftar tunggu nomor %(n)d; kami memberi tahu Anda bila ada kursi kosong.",
                n=registration.waitlist_position), "info")
    return redirect(url_for("konsultasi.detail", consultation_id=consultation.id), 303)


@bp.post("/<int:consultation_id>/batal")
def cancel(consultation_id):
    consultation = _load(consultation_id)
    require(is_active_participant(current_user))
    _require_button_form()
    _result, error = _attempt(lambda: svc.cancel_registration(current_user, consultation))
    if error is not None:
        return _refused(error)
    flash(_("Pendaftaran Anda dibatalkan."), "success")
    return redirect(url_for("konsultasi.detail", consultation_id=consultation.id), 303)


@bp.get("/<int:consultation_id>/kalender.ics")
def calendar(consultation_id):
    consultation = _load(consultation_id)
    registration = svc.get_registration(consultation, current_user)
    # A public event is for anyone's calendar; the online link only in a participant's copy.
    participant = can_manage_consultation(current_user) or (registration is not None and registration.status == "terdaftar")
    return Response(svc.calendar_file(consultation, for_participant=participant), mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="konsultasi-{consultation.id}.ics"'})


@bp.get("/<int:consultation_id>/kehadiran")
def attendance(consultation_id):
    consultation = _load(consultation_id)
    require(can_manage_consultation(current_user))
    return render_template("konsultasi/attendance.html", consultation=consultation,
                           registrations=list_attendance(consultation), counts=registration_counts(consultation))


@bp.post("/<int:consultation_id>/kehadiran/<int:registration_id>")
def check_in(consultation_id, registration_id):
    consultation = _load(consultation_id)
    registration = get_registration_or_404(consultation, registration_id)
    require(can_manage_consultation(current_user))
    _require_button_form()
    attended = request.form.get("hadir") == "1"
    _result, error = _attempt(lambda: svc.set_attendance(current_user, registration, attended))
    if error is not None:
        return _refused(error)
    flash(_("Kehadiran %(name)s dicatat.", name=registration.user.name) if attended
          else _("Catatan hadir %(name)s dibatalkan.", name=registration.user.name), "success")
    return redirect(url_for("konsultasi.attendance", consultation_id=consultation.id,
                            _anchor=f"peserta-{registration.id}"), 303)


# ---------------------------------------------------------------- draft document and comments


def _render_document(consultation, bound=None, status=200):
    bound = bound or {}
    # Blank forms only for signed-in people (visitors see none): a form's CSRF token opens a
    # session, and a visitor's page must set no cookie so a proxy can cache it (issue 14).
    signed_in = current_user.is_authenticated
    return render_template(
        "konsultasi/document.html", consultation=consultation, sections=list_sections_with_comments(consultation),
        comment_forms={sid: form for (kind, sid), form in bound.items() if kind == "comment"},
        hide_forms={cid: form for (kind, cid), form in bound.items() if kind == "hide"},
        blank_comment_form=CommentForm(formdata=None) if signed_in else None,
        blank_reason_form=ReasonForm(formdata=None) if signed_in else None,
        can_answer=can_answer_konsultasi_input(current_user, consultation),
    ), status


@bp.get("/<int:consultation_id>/dokumen")
def document(consultation_id):
    return _render_document(_load(consultation_id))


@bp.post("/<int:consultation_id>/dokumen/<int:section_id>/komentar")
def comment_create(consultation_id, section_id):
    consultation = _load(consultation_id)
    section = get_section_or_404(consultation, section_id)
    require(can_comment_section(current_user, consultation))
    form = CommentForm()
    if form.validate_on_submit():
        comment, error = _attempt(lambda: svc.add_comment(current_user, section, form.body.data))
        if error is not None and error.field is None:
            return _refused(error)
        if error is not None:
            show_on_form(form, error)
            return _render_document(consultation, {("comment", section.id): form}, 422)
        flash(_("Terima kasih, komentar Anda pada %(heading)s sudah tampil.", heading=section.heading), "success")
        return redirect(url_for("konsultasi.document", consultation_id=consultation.id,
                                _anchor=f"komentar-{comment.id}"), 303)
    return _render_document(consultation, {("comment", section.id): form}, 422)


@bp.post("/<int:consultation_id>/komentar/<int:comment_id>/sembunyikan")
def comment_hide(consultation_id, comment_id):
    consultation = _load(consultation_id)
    comment = get_comment_or_404(consultation, comment_id)
    require(can_manage_consultation(current_user))
    form = ReasonForm()
    if form.validate_on_submit():
        _attempt(lambda: svc.hide_comment(current_user, comment, form.reason.data))
        flash(_("Komentar disembunyikan; alasannya tampil di tempatnya."), "success")
        return redirect(url_for("konsultasi.document", consultation_id=consultation.id,
                                _anchor=f"komentar-{comment.id}"), 303)
    return _render_document(consultation, {("hide", comment.id): form}, 422)


@bp.post("/<int:consultation_id>/komentar/<int:comment_id>/tampilkan")
def comment_unhide(consultation_id, comment_id):
    consultation = _load(consultation_id)
    comment = get_comment_or_404(consultation, comment_id)
    require(can_manage_consultation(current_user))
    _require_button_form()
    _attempt(lambda: svc.unhide_comment(current_user, comment))
    flash(_("Komentar ditampilkan kembali."), "success")
    return redirect(url_for("konsultasi.document", consultation_id=consultation.id,
                            _anchor=f"komentar-{comment.id}"), 303)


@bp.route("/<int:consultation_id>/komentar/<int:comment_id>/jawab", methods=["GET", "POST"])
def comment_answer(consultation_id, comment_id):
    consultation = _load(consultation_id)
    comment = get_comment_or_404(consultation, comment_id)
    require(can_answer_konsultasi_input(current_user, consultation))
    form = AnswerCommentForm()
    if form.validate_on_submit():
        _result, error = _attempt(lambda: svc.answer_comment(current_user, comment, form.body.data))
        if error is not None:
            return _refused(error)
        flash(_("Jawaban resmi Anda tersimpan dan tercatat sebagai tanggapan."), "success")
        return redirect(url_for("konsultasi.document", consultation_id=consultation.id,
                                _anchor=f"komentar-{comment.id}"), 303)
    return render_template("konsultasi/comment_answer.html", consultation=consultation, comment=comment,
                           form=form), 422 if form.errors else 200


# ---------------------------------------------------------------- live Q&A


@bp.get("/<int:consultation_id>/tanya-jawab")
def qa(consultation_id):
    consultation = _load(consultation_id)
    return _render_qa(consultation)


def _render_qa(consultation, form=None, status=200):
    can_ask = can_ask_question(current_user, consultation)
    # The form only for those who may ask: its CSRF token would open a session for a visitor (issue 14).
    return render_template(
        "konsultasi/qa.html", consultation=consultation,
        form=form or (QuestionForm(formdata=None) if can_ask else None),
        board=live_board(consultation, current_user), can_ask=can_ask,
    ), status


@bp.get("/<int:consultation_id>/tanya-jawab.json")
def qa_feed(consultation_id):
    consultation = _load(consultation_id)
    board = live_board(consultation, current_user, moderator=can_manage_consultation(current_user))
    response = jsonify(board)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:consultation_id>/tanya-jawab")
def question_create(consultation_id):
    consultation = _load(consultation_id)
    require(can_ask_question(current_user, consultation))
    form = QuestionForm()
    if form.validate_on_submit():
        qa_url = url_for("konsultasi.qa", consultation_id=consultation.id)
        if first := idempotency.first_result(form):
            return redirect(first, 303)
        _question, error = _attempt(lambda: svc.submit_question(
            current_user, consultation, form.body.data, form.anonymous.data),
            once=(form, "konsultasi.question_create", qa_url))
        if error is not None and error.field is None:
            return _refused(error)
        if error is not None:
            show_on_form(form, error)
            return _render_qa(consultation, form, 422)
        flash(_("Pertanyaan Anda terkirim dan menunggu moderasi. Setelah disetujui, pertanyaan tampil di daftar."),
              "success")
        return redirect(url_for("konsultasi.qa", consultation_id=consultation.id), 303)
    return _render_qa(consultation, form, 422)


@bp.post("/<int:consultation_id>/pertanyaan/<int:question_id>/dukung")
def question_vote(consultation_id, question_id):
    consultation = _load(consultation_id)
    question = get_question_or_404(consultation, question_id)
    require(can_vote_question(current_user, question, consultation))
    _require_button_form()
    voted = svc.has_voted(current_user, question)
    action = svc.unvote_question if voted else svc.vote_question
    votes, error = _attempt(lambda: action(current_user, question))
    if error is not None:
        if _wants_json():
            return jsonify(error="conflict", message=str(error)), error.status
        return _refused(error)
    if _wants_json():
        return jsonify(id=question.id, votes=votes, voted=not voted)
    flash(_("Dukungan Anda dibatalkan.") if voted else _("Terima kasih, dukungan Anda tercatat."), "success")
    return redirect(url_for("konsultasi.qa", consultation_id=consultation.id, _anchor=f"pertanyaan-{question.id}"), 303)


def _render_console(consultation, bound=None, status=200):
    bound = bound or {}
    questions = list_questions(consultation)
    answer_form = AnswerQuestionForm(formdata=None)
    answer_form.set_asn_choices(svc.eligible_answerers(consultation))
    return render_template(
        "konsultasi/console.html", consultation=consultation,
        pending=sorted((q for q in questions if q.status == "menunggu"), key=lambda q: (q.created_at, q.id)),
        approved=[q for q in questions if q.status == "disetujui"],
        answered=[q for q in questions if q.status == "dijawab"],
        rejected=[q for q in questions if q.status == "ditolak"],
        reject_forms={qid: form for (kind, qid), form in bound.items() if kind == "reject"},
        blank_reason_form=ReasonForm(formdata=None), answer_form=answer_form,
        version=max((q.id for q in questions), default=0),
    ), status


@bp.get("/<int:consultation_id>/konsol")
def console(consultation_id):
    consultation = _load(consultation_id)
    require(can_manage_consultation(current_user))
    return _render_console(consultation)


def _console_redirect(consultation, anchor=None):
    return redirect(url_for("konsultasi.console", consultation_id=consultation.id, _anchor=anchor), 303)


@bp.post("/<int:consultation_id>/pertanyaan/<int:question_id>/setujui")
def question_approve(consultation_id, question_id):
    consultation = _load(consultation_id)
    question = get_question_or_404(consultation, question_id)
    require(can_manage_consultation(current_user))
    _require_button_form()
    _result, error = _attempt(lambda: svc.approve_question(current_user, question))
    if error is not None:
        return _refused(error)
    flash(_("Pertanyaan disetujui dan kini tampil untuk publik."), "success")
    return _console_redirect(consultation, "menunggu")


@bp.post("/<int:consultation_id>/pertanyaan/<int:question_id>/tolak")
def question_reject(consultation_id, question_id):
    consultation = _load(consultation_id)
    question = get_question_or_404(consultation, question_id)
    require(can_manage_consultation(current_user))
    form = ReasonForm()
    if form.validate_on_submit():
        _result, error = _attempt(lambda: svc.reject_question(current_user, question, form.reason.data))
        if error is not None:
            return _refused(error)
        flash(_("Pertanyaan tidak ditanggapi; alasannya dicatat untuk laporan."), "success")
        return _console_redirect(consultation, "menunggu")
    return _render_console(consultation, {("reject", question.id): form}, 422)


@bp.post("/<int:consultation_id>/pertanyaan/<int:question_id>/sedang-dijawab")
def question_now(consultation_id, question_id):
    consultation = _load(consultation_id)
    question = get_question_or_404(consultation, question_id)
    require(can_manage_consultation(current_user))
    _require_button_form()
    _result, error = _attempt(lambda: svc.set_now_answering(current_user, consultation, question))
    if error is not None:
        return _refused(error)
    flash(_("Pertanyaan ditandai sedang dijawab."), "success")
    return _console_redirect(consultation, "sedang-dijawab")


@bp.route("/<int:consultation_id>/pertanyaan/<int:question_id>/jawab", methods=["GET", "POST"])
def question_answer(consultation_id, question_id):
    consultation = _load(consultation_id)
    question = get_question_or_404(consultation, question_id)
    moderator = can_manage_consultation(current_user)
    require(moderator or can_answer_konsultasi_input(current_user, consultation))
    form = AnswerQuestionForm()
    form.set_asn_choices(svc.eligible_answerers(consultation))
    if not moderator:
        # An ASN answering for themselves: the answer is theirs, whatever the form says.
        form.asn_id.data = current_user.asn_profile.id
    if form.validate_on_submit():
        asn = next((p for p in svc.eligible_answerers(consultation) if p.id == form.asn_id.data), None)
        _result, error = _attempt(lambda: svc.answer_question(current_user, question, asn=asn, answer=form.answer.data))
        if error is not None:
            if error.field:
                show_on_form(form, error)
                return render_template("konsultasi/question_answer.html", consultation=consultation,
                                       question=question, form=form, moderator=moderator), 422
            return _refused(error)
        flash(_("Pertanyaan ditandai dijawab."), "success")
        if moderator:
            return _console_redirect(consultation, "dijawab")
        return redirect(url_for("konsultasi.qa", consultation_id=consultation.id,
                                _anchor=f"pertanyaan-{question.id}"), 303)
    return render_template("konsultasi/question_answer.html", consultation=consultation, question=question,
                           form=form, moderator=moderator), 422 if form.errors else 200


# ---------------------------------------------------------------- report


@bp.route("/<int:consultation_id>/laporan/ringkasan", methods=["GET", "POST"])
def summary(consultation_id):
    consultation = _load(consultation_id)
    require(can_manage_consultation(current_user))
    form = SummaryForm()
    if not form.is_submitted():
        form.summary.data = consultation.summary_md
    if form.validate_on_submit():
        _result, error = _attempt(lambda: svc.save_report_summary(current_user, consultation, form.summary.data))
        if error is not None:
            return _refused(error)
        flash(_("Ringkasan laporan disimpan. Periksa pratinjau laporan, lalu terbitkan."), "success")
        return redirect(url_for("konsultasi.report", consultation_id=consultation.id), 303)
    return render_template("konsultasi/summary_form.html", consultation=consultation, form=form), (
        422 if form.errors else 200)


@bp.get("/<int:consultation_id>/laporan")
def report(consultation_id):
    consultation = _load(consultation_id)
    require(can_view_consultation_report(current_user, consultation))
    return render_template("konsultasi/report.html", consultation=consultation, report=build_report(consultation),
                           next_phases=svc.allowed_next_phases(consultation))


@bp.get("/<int:consultation_id>/laporan.csv")
def report_download(consultation_id):
    consultation = _load(consultation_id)
    require(can_view_consultation_report(current_user, consultation))
    body = report_csv(consultation, build_report(consultation))
    return Response(body.encode("utf-8"), mimetype="text/csv", headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="laporan-konsultasi-{consultation.id}.csv"'})
