"""The search page (/cari) and title suggestions for the new-thread form (/cari/saran)."""

from flask import jsonify, render_template, request
from sqlalchemy import select

from portal.extensions import db, limiter
from portal.organisation.models import Unit
from portal.pagination import page_arg
from portal.search import bp
from portal.search.service import SORTS, clean_filters, search, suggest_titles

SUGGEST_MIN_CHARS = 3


@bp.get("/cari")
def index():
    args = request.args
    filters = clean_filters(type=args.get("type"), unit=args.get("unit"), status=args.get("status"),
                            service=args.get("service"), kelurahan=args.get("kelurahan"))
    result = None
    if "q" in args:
        result = search(args.get("q", ""), filters=filters, sort=args.get("sort", "relevance"),
                        page=page_arg())
    units = db.session.execute(select(Unit.slug, Unit.name).order_by(Unit.name)).all()
    return render_template("search/index.html", result=result, filters=filters, units=units, sorts=SORTS,
                           query=args.get("q", ""), sort=args.get("sort", "relevance"))


@bp.get("/cari/saran")
@limiter.limit(lambda: "120 per minute")
def suggestions():
    text = request.args.get("q", "")
    if len(text.strip()) < SUGGEST_MIN_CHARS:
        return jsonify(items=[])
    return jsonify(items=[{"title": item.title, "url": item.url()} for item in suggest_titles(text)])
