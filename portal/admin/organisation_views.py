"""Admin pages for the city's organisation: units (OPD), their services, ASN profiles."""

import hashlib

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal.admin import bp
from portal.admin.forms import AsnSearchForm
from portal.audit import record_audit
from portal.extensions import db
from portal.forms import EmptyForm
from portal.organisation import importer, services
from portal.organisation.forms import (
    AsnImportConfirmForm,
    AsnImportForm,
    AsnProfileCreateForm,
    AsnProfileEditForm,
    ServiceCreateForm,
    ServiceEditForm,
    UnitCreateForm,
    UnitEditForm,
)
from portal.organisation.nip import format_nip
from portal.organisation.queries import (
    get_asn_profile_or_404,
    get_service_or_404,
    get_unit_or_404,
    list_unit_choices,
    list_units_with_counts,
    search_asn_profiles,
)
from portal.pagination import paginate
from portal.permissions import can_manage_organisation, require
from portal.unit_of_work import flash_refusal, refuse_changes, show_on_form
from portal.uploads import clean_upload_name

ASN_PER_PAGE = 25


def _save(form, action):
    """Run a service; on a refusal put its message on the form and return None (nothing is kept)."""
    try:
        # A savepoint, flushed at its end: a unique index that lost a race fails here, not in
        # the commit after the response, and the form can still be shown again.
        with db.session.begin_nested():
            return action()
    except services.OrganisationError as error:
        show_on_form(form, error)
    except IntegrityError:
        # Checked before writing; this is someone else saving the same name or NIP a moment earlier.
        show_on_form(form, services.OrganisationError(_(
            "Data ini bentrok dengan data yang baru saja disimpan (nama, slug, NIP, atau akun sudah dipakai). "
            "Periksa isian lalu kirim lagi.")))
    return None


def _delete(action):
    """Run a delete service; on a refusal flash its message and return False (nothing is kept)."""
    try:
        with db.session.begin_nested():  # flushed here: a row still in use fails now, not after the response
            action()
    except services.OrganisationError as error:
        flash_refusal(error)
        return False
    except IntegrityError:
        flash_refusal(services.OrganisationError(_("Data ini masih dipakai data lain, jadi tidak dapat dihapus.")))
        return False
    return True


def _require_button_form():
    if not EmptyForm().validate_on_submit():
        abort(400)


# ---------------------------------------------------------------- units


@bp.get("/unit")
def units():
    require(can_manage_organisation(current_user))
    return render_template("organisation/units.html", rows=list_units_with_counts())


@bp.route("/unit/baru", methods=["GET", "POST"])
def unit_create():
    require(can_manage_organisation(current_user))
    form = UnitCreateForm()
    if form.validate_on_submit():
        unit = _save(form, lambda: services.create_unit(
            current_user, name=form.name.data, slug=form.slug.data, description=form.description.data))
        if unit is not None:
            flash(_("Perangkat daerah %(name)s ditambahkan.", name=unit.name), "success")
            return redirect(url_for("admin.unit_edit", unit_id=unit.id), 303)
    return render_template("organisation/unit_form.html", form=form, unit=None), 422 if form.errors else 200


@bp.route("/unit/<int:unit_id>/ubah", methods=["GET", "POST"])
def unit_edit(unit_id):
    require(can_manage_organisation(current_user))
    unit = get_unit_or_404(unit_id)
    form = UnitEditForm(obj=unit)
    if form.validate_on_submit():
        saved = _save(form, lambda: services.update_unit(
            current_user, unit, name=form.name.data, slug=form.slug.data, description=form.description.data))
        if saved is not None:
            flash(_("Perubahan pada %(name)s disimpan.", name=unit.name), "success")
            return redirect(url_for("admin.unit_edit", unit_id=unit.id), 303)
    return render_template("organisation/unit_form.html", form=form, unit=unit), 422 if form.errors else 200


@bp.post("/unit/<int:unit_id>/hapus")
def unit_delete(unit_id):
    require(can_manage_organisation(current_user))
    unit = get_unit_or_404(unit_id)
    _require_button_form()
    name = unit.name
    if not _delete(lambda: services.delete_unit(current_user, unit)):
        return render_template("organisation/unit_form.html", form=UnitEditForm(obj=unit, formdata=None), unit=unit), 409
    flash(_("Perangkat daerah %(name)s dihapus.", name=name), "success")
    return redirect(url_for("admin.units"), 303)


# ---------------------------------------------------------------- services (layanan)


@bp.route("/unit/<int:unit_id>/layanan/baru", methods=["GET", "POST"])
def service_create(unit_id):
    require(can_manage_organisation(current_user))
    unit = get_unit_or_404(unit_id)
    form = ServiceCreateForm()
    if form.validate_on_submit():
        service = _save(form, lambda: services.create_service(
            current_user, unit, name=form.name.data, slug=form.slug.data, description=form.description.data))
        if service is not None:
            flash(_("Layanan %(name)s ditambahkan ke %(unit)s.", name=service.name, unit=unit.name), "success")
            return redirect(url_for("admin.unit_edit", unit_id=unit.id), 303)
    return render_template(
        "organisation/service_form.html", form=form, unit=unit, service=None
    ), 422 if form.errors else 200


@bp.route("/layanan/<int:service_id>/ubah", methods=["GET", "POST"])
def service_edit(service_id):
    require(can_manage_organisation(current_user))
    service = get_service_or_404(service_id)
    form = ServiceEditForm(obj=service)
    if form.validate_on_submit():
        saved = _save(form, lambda: services.update_service(
            current_user, service, name=form.name.data, slug=form.slug.data, description=form.description.data))
        if saved is not None:
            flash(_("Perubahan pada layanan %(name)s disimpan.", name=service.name), "success")
            return redirect(url_for("admin.unit_edit", unit_id=service.unit_id), 303)
    return render_template(
        "organisation/service_form.html", form=form, unit=service.unit, service=service
    ), 422 if form.errors else 200


@bp.post("/layanan/<int:service_id>/hapus")
def service_delete(service_id):
    require(can_manage_organisation(current_user))
    service = get_service_or_404(service_id)
    _require_button_form()
    name, unit_id = service.name, service.unit_id
    if not _delete(lambda: services.delete_service(current_user, service)):
        form = ServiceEditForm(obj=service, formdata=None)
        return render_template("organisation/service_form.html", form=form, unit=service.unit, service=service), 409
    flash(_("Layanan %(name)s dihapus.", name=name), "success")
    return redirect(url_for("admin.unit_edit", unit_id=unit_id), 303)


# ---------------------------------------------------------------- ASN profiles


@bp.get("/asn")
def asn_list():
    require(can_manage_organisation(current_user))
    form = AsnSearchForm()
    form.set_unit_choices(list_unit_choices())
    valid = form.validate()
    query = search_asn_profiles(form.q.data, form.unit.data) if valid else search_asn_profiles()
    page = paginate(query, per_page=ASN_PER_PAGE, error_out=True)
    filtered = valid and bool(form.q.data or form.unit.data)
    return render_template("organisation/asn_list.html", form=form, page=page, filtered=filtered), 200 if valid else 422


@bp.route("/asn/baru", methods=["GET", "POST"])
def asn_create():
    require(can_manage_organisation(current_user))
    # ?email= comes from an account page: "make this account an ASN".
    form = AsnProfileCreateForm(email=request.args.get("email", ""))
    form.set_unit_choices(list_unit_choices())
    if form.validate_on_submit():
        profile = _save(form, lambda: services.create_asn_profile(current_user, **_asn_values(form)))
        if profile is not None:
            _flash_asn_saved(profile)
            return redirect(url_for("admin.asn_list"), 303)
    return render_template("organisation/asn_form.html", form=form, profile=None), 422 if form.errors else 200


@bp.route("/asn/<int:profile_id>/ubah", methods=["GET", "POST"])
def asn_edit(profile_id):
    require(can_manage_organisation(current_user))
    profile = get_asn_profile_or_404(profile_id)
    form = AsnProfileEditForm(
        nip=format_nip(profile.nip),
        name=profile.name,
        jabatan=profile.jabatan,
        unit_id=profile.unit_id,
        supervisor_nip=format_nip(profile.supervisor.nip) if profile.supervisor else "",
        email=profile.user.email if profile.user else "",
    )
    form.set_unit_choices(list_unit_choices())
    if form.validate_on_submit():
        saved = _save(form, lambda: services.update_asn_profile(current_user, profile, **_asn_values(form)))
        if saved is not None:
            _flash_asn_saved(saved)
            return redirect(url_for("admin.asn_list"), 303)
    return render_template("organisation/asn_form.html", form=form, profile=profile), 422 if form.errors else 200


def _asn_values(form):
    return {
        "nip": form.nip.data,
        "name": form.name.data,
        "jabatan": form.jabatan.data,
        "unit": get_unit_or_404(form.unit_id.data),
        "supervisor_nip": form.supervisor_nip.data or "",
        "email": form.email.data or "",
    }


def _flash_asn_saved(profile):
    if profile.user is not None:
        flash(_("Profil ASN %(name)s disimpan dan terhubung ke akun %(email)s (berperan ASN).",
                name=profile.name, email=profile.user.email), "success")
    else:
        flash(_("Profil ASN %(name)s disimpan.", name=profile.name), "success")



# ---------------------------------------------------------------- ASN import from CSV (BKPSDM)

# Default for ASN_IMPORT_MAX_BYTES: some 30,000 rows, all of Surabaya's ASN in one file.
ASN_IMPORT_MAX_BYTES = 4 * 1024 * 1024


def _import_limit():
    return current_app.config.get("ASN_IMPORT_MAX_BYTES", ASN_IMPORT_MAX_BYTES)


def _size_label(size):
    return f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"


def _import_page(form, status=200, **context):
    context.setdefault("preview", None)
    context.setdefault("confirm_form", None)
    context.setdefault("filename", "")
    return render_template("organisation/asn_import.html", form=form, columns=importer.COLUMNS,
                           max_size=_size_label(_import_limit()), **context), status


@bp.route("/asn/impor", methods=["GET", "POST"])
def asn_import():
    require(can_manage_organisation(current_user))
    form = AsnImportForm()
    if request.method == "GET":
        return _import_page(form)
    if not form.validate_on_submit():
        return _import_page(form, 400 if "csrf_token" in form.errors else 422)
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        form.file.errors.append(_("Pilih berkas CSV berisi data ASN."))
        return _import_page(form, 422)
    limit = _import_limit()
    try:
        data = upload.stream.read(limit + 1)
    finally:
        upload.close()  # a large upload is spooled to a temporary file: let it go now
    if len(data) > limit:
        form.file.errors.append(_("Berkas lebih besar dari %(size)s. Bagi menjadi beberapa berkas lalu impor satu "
                                  "per satu.", size=_size_label(limit)))
        return _import_page(form, 413)
    filename = clean_upload_name(upload.filename, extension="csv", fallback="asn")
    # A dry run: nothing is written, whatever the file holds.
    preview = importer.preview_asn_csv(data)
    refuse_changes()
    confirm_form = None
    if preview.ok:
        confirm_form = AsnImportConfirmForm(formdata=None, token=importer.sign_import(data, filename, current_user.id))
    return _import_page(form, 200 if preview.ok else 422, preview=preview, confirm_form=confirm_form,
                        filename=filename)


@bp.post("/asn/impor/simpan")
def asn_import_confirm():
    require(can_manage_organisation(current_user))
    # The signed file travels in a form field: allow it the size of the largest file (base64 of
    # the compressed text stays below twice that).
    request.max_form_memory_size = 2 * _import_limit()
    form = AsnImportConfirmForm()
    upload_form = AsnImportForm(formdata=None)
    if not form.validate_on_submit():
        return _import_page(upload_form, 400)
    try:
        data, filename = importer.read_signed_import(form.token.data, current_user.id)
    except importer.SignedImportInvalid as error:
        upload_form.form_errors.append(str(error))
        return _import_page(upload_form, 400)
    try:
        # In a savepoint, flushed at its end: a NIP or e-mail added a moment ago by someone else
        # fails here (a 409 that keeps nothing), not in the commit after the response.
        with db.session.begin_nested():
            # Checked again from scratch: the preview is never trusted (the portal may have changed).
            summary = importer.import_asn_csv(data, actor=current_user, source=filename)
            record_audit(current_user, "asn.import", ("asn_import", None), after={
                "file": filename, "sha256": hashlib.sha256(data).hexdigest(), "profiles": summary.profiles,
                "accounts_created": summary.accounts_created, "accounts_linked": summary.accounts_linked})
    except importer.ImportRejected as error:
        upload_form.form_errors.append(_("Data portal berubah sejak berkas diperiksa; tidak ada yang diimpor. "
                                         "Perbaiki masalah di bawah ini lalu unggah lagi."))
        preview = importer.ImportPreview(importer.read_asn_csv(data)[0], error.problems)
        return _import_page(upload_form, 409, preview=preview, filename=filename)
    except IntegrityError:
        upload_form.form_errors.append(_("Data portal berubah selama impor (NIP atau email yang sama baru saja "
                                         "ditambahkan). Tidak ada yang diimpor; unggah berkasnya lagi."))
        return _import_page(upload_form, 409)
    for line in summary.lines():
        flash(line, "success")
    return redirect(url_for("admin.asn_list"), 303)
