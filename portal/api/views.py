from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.api import bp
from portal.converters import parse_int
from portal.db import utcnow
from portal.errors import error_response
from portal.extensions import db
from portal.feedback import queries, services
from portal.feedback.forms import FeedbackSubmitForm
from portal.feedback.ikm import ELEMENT_CODES, InvalidPeriod, compute_ikm, parse_period
from portal.feedback.limits import submit_limit, track_limit
from portal.feedback.visibility import feedback_view
from portal.forms import choices
from portal.observability import keep_request_anonymous
from portal.organisation.models import Service, Unit
from portal.organisation.queries import list_units_with_services
from portal.pagination import MAX_PAGE
from portal.workdays.calendar import wib_date


def _unprocessable(message, field=None):
    response, status = error_response(422, message)
    if field:
        body = response.get_json()
        body["field"] = field
        response = jsonify(body)
    return response, status


@bp.get("/v1/units")
def units():
    rows = list_units_with_services()
    return jsonify([
        {"slug": u.slug, "name": u.name, "services": [{"slug": s.slug, "name": s.name} for s in u.services]}
        for u in rows
    ])


def _public_feedback(view):
    # Exactly what /lacak/<number> and /masukan/<number> show this viewer (feedback_view decides for both):
    # never name, contact, submitter or photo; text and answer only if public or with the private key.
    feedback = view.feedback
    answer = feedback.answers[-1] if feedback.answers and view.show_answer else None
    event = view.answer_event if answer is not None else None
    deadline = feedback.current_deadline
    return {
        "tracking_number": feedback.tracking_number,
        "type": feedback.type,
        "status": feedback.status,
        "unit": feedback.unit.slug,
        "service": feedback.service.slug if feedback.service else None,
        "title": feedback.title if view.show_text else None,
        "body": feedback.body_md if view.show_text else None,
        "created_at": feedback.created_at.isoformat(),
        "deadline_at": deadline.isoformat() if deadline else None,
        "rejected_reason": feedback.rejected_reason,
        "history": [{"status": step.status, "at": step.at.isoformat(), "note": step.note} for step in view.history],
        "answer": None if answer is None else {
            "body": answer.body_md, "answered_at": answer.created_at.isoformat(),
            "by": {"name": answer.asn.name, "jabatan": answer.asn.jabatan, "unit": answer.asn.unit.name},
            "rating": event.rating if event else None,
        },
        "url": url_for("feedback.track", number=feedback.tracking_number, _external=True),
    }


# The web form's field → the API's name for it, in the order errors are reported.
FEEDBACK_FIELDS = {
    "unit": "unit", "service": "service", "type": "type", "title": "title", "body": "body", "is_public": "public",
    "contact_name": "contact.name", "contact_email": "contact.email", **dict.fromkeys(ELEMENT_CODES, "skm"),
}


def _feedback_form(data, unit, service, contact):
    """The web's FeedbackSubmitForm filled from the JSON: one validation of every value for both."""
    values = {
        "unit": str(unit.id) if unit else "", "service": str(service.id) if service else "",
        "type": data.get("type") or "", "title": data.get("title") or "", "body": data.get("body") or "",
        "contact_name": contact.get("name") or "", "contact_email": contact.get("email") or "",
    }
    if data.get("public"):
        values["is_public"] = "y"
    for code, score in (data.get("skm") or {}).items():
        if score is not None:
            values[code] = str(score)
    form = FeedbackSubmitForm(formdata=MultiDict(values), meta={"csrf": False})
    form.unit.choices = choices([("", "")] + ([(str(unit.id), unit.name)] if unit else []))
    form.service.choices = choices([("", "")] + ([(str(service.id), service.name)] if service else []))
    return form


def _first_form_error(form):
    for name, api_field in FEEDBACK_FIELDS.items():
        if errors := form.errors.get(name):
            return _unprocessable(str(errors[0]), api_field)
    name, errors = next(iter(form.errors.items()))  # a field the API does not send: say which
    return _unprocessable(str(errors[0]), name)


@bp.post("/v1/feedback")
@submit_limit
def create_feedback():
    keep_request_anonymous()  # API reports have no account: the log keeps no IP either
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return error_response(400, _("Badan permintaan harus JSON objek yang sah."))
    # Here only the JSON's shape; every rule on a value comes from the web's FeedbackSubmitForm.
    for field in ("unit", "type", "title", "body"):
        if data.get(field) is not None and not isinstance(data[field], str):
            return _unprocessable(_("Kolom %(field)s wajib diisi (teks).", field=field), field)
    if "public" in data and not isinstance(data["public"], bool):
        return _unprocessable(_("Kolom public harus true atau false."), "public")
    if data.get("service") is not None and not isinstance(data["service"], str):
        return _unprocessable(_("Kolom service harus teks (slug layanan)."), "service")
    contact = data.get("contact") or {}
    if not isinstance(contact, dict) or any(v is not None and not isinstance(v, str) for v in contact.values()):
        return _unprocessable(_("Kolom contact harus objek berisi name dan email (teks)."), "contact")
    survey = data.get("skm")
    if survey is not None and not isinstance(survey, dict):
        return _unprocessable(_("Kolom skm harus objek u1…u9 bernilai 1–4."), "skm")
    # An element may be null or left out (PermenPANRB 14/2017: each is averaged over who answered it).
    if survey is not None and any(v is not None and (isinstance(v, bool) or not isinstance(v, int)) for v in survey.values()):
        return _unprocessable(_("Nilai skm harus bilangan bulat 1–4 atau null."), "skm")
    if survey is not None and (unknown := sorted(set(survey) - set(ELEMENT_CODES))):
        return _unprocessable(_("Unsur survei %(code)s tidak dikenal: gunakan u1 sampai u9.", code=unknown[0]), "skm")
    unit = db.session.scalar(select(Unit).filter_by(slug=data["unit"])) if data.get("unit") else None
    if data.get("unit") and unit is None:
        return error_response(404, _("Perangkat daerah '%(slug)s' tidak ditemukan.", slug=data["unit"]))
    service = db.session.scalar(select(Service).filter_by(slug=data["service"])) if data.get("service") else None
    if data.get("service") and service is None:
        return error_response(404, _("Layanan '%(slug)s' tidak ditemukan.", slug=data["service"]))
    form = _feedback_form(data, unit, service, contact)
    if not form.validate():
        return _first_form_error(form)
    try:
        feedback, secret = services.submit_feedback(
            unit=unit, service=service, type=form.type.data, title=form.title.data, body=form.body.data,
            is_public=form.is_public.data, contact_name=form.contact_name.data or None,
            contact_email=form.contact_email.data or None,
            # An empty object is a survey with no answer, refused as such; a missing one is no survey.
            survey=form.survey_scores() if survey is not None else None,
        )
    except services.InvalidSurvey as error:
        return _unprocessable(str(error), "skm")  # a 422: the request keeps nothing
    except services.FeedbackError as error:
        return _unprocessable(str(error), "service")
    return jsonify(
        tracking_number=feedback.tracking_number, status=feedback.status,
        url=services.private_link(feedback, secret),
    ), 201


@bp.get("/v1/feedback/<number>")
@track_limit
def get_feedback(number):
    feedback = queries.get_feedback_or_404(number)
    if feedback.submitter_id is None:
        keep_request_anonymous()
    return jsonify(_public_feedback(feedback_view(current_user, feedback, request.args.get("kunci"))))


def _ikm_response(subject_key, subject, **filters):
    try:
        # The current year in WIB: at 00:30 WIB on 1 January the server's UTC date is still last year.
        period = parse_period(request.args.get("period") or str(wib_date(utcnow()).year))
    except InvalidPeriod as error:
        return _unprocessable(str(error), "period")
    result = compute_ikm(period, **filters)
    result.pop("value")
    return jsonify({subject_key: subject.slug, **result})


@bp.get("/v1/units/<slug>/ikm")
def unit_ikm(slug):
    unit = db.session.scalar(select(Unit).filter_by(slug=slug))
    if unit is None:
        return error_response(404, _("Perangkat daerah '%(slug)s' tidak ditemukan.", slug=slug))
    return _ikm_response("unit", unit, unit_id=unit.id)


@bp.get("/v1/services/<slug>/ikm")
def service_ikm(slug):
    service = db.session.scalar(select(Service).filter_by(slug=slug))
    if service is None:
        return error_response(404, _("Layanan '%(slug)s' tidak ditemukan.", slug=slug))
    return _ikm_response("service", service, service_id=service.id)


@bp.get("/v1/search")
def search_content():
    from portal.search import service as search_service

    args = request.args
    page = parse_int(args.get("page", "1"), minimum=1, maximum=MAX_PAGE)
    if page is None:
        return _unprocessable(_("Kolom page harus bilangan bulat dari 1 sampai %(n)s.", n=MAX_PAGE), "page")
    types = search_service.document_types()
    if args.get("type") and args["type"] not in types:
        return _unprocessable(_("Kolom type harus salah satu dari: %(types)s.", types=", ".join(types)), "type")
    if args.get("sort") and args["sort"] not in search_service.SORTS:
        return _unprocessable(_("Kolom sort harus relevance atau newest."), "sort")
    result = search_service.search(
        args.get("q", ""), page=page, sort=args.get("sort", "relevance"),
        filters=search_service.clean_filters(type=args.get("type"), unit=args.get("unit"), status=args.get("status")),
    )
    return jsonify(
        query=result.text, total=result.total, page=result.page, pages=result.pages, per_page=result.per_page,
        message=" ".join(result.messages) or None, did_you_mean=result.did_you_mean,
        results=[{
            "type": item.type, "id": item.object_id, "title": item.title, "url": item.url(external=True),
            "snippet": str(item.snippet), "score": item.score, "unit": item.unit, "status": item.status,
            "date": item.date.isoformat(),
        } for item in result.items],
        facets={name: [{"value": value, "label": label, "count": count} for value, label, count in values]
                for name, values in result.facets.items()},
    )

