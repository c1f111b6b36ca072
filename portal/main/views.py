from flask import render_template

from portal.main import bp
from portal.organisation.queries import list_units_with_services


@bp.get("/")
def home():
    units = list_units_with_services()
    return render_template("home.html", units=units, service_count=sum(len(u.services) for u in units))


@bp.get("/layanan")
def directory():
    return render_template("organisation/directory.html", units=list_units_with_services())
