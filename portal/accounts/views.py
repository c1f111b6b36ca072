import json

from flask import Response, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import bp, services, sessions, throttle
from portal.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    EmailForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    SignOutEverywhereForm,
)
from portal.accounts.passwords import password_matches
from portal.accounts.tokens import InvalidToken, user_from_token
from portal.db import utcnow
from portal.extensions import limiter
from portal.unit_of_work import keep_changes_on_error, show_on_form
from portal.web import safe_next_url


def _login_rate_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _sign_in(user, remember):
    """Start a fresh session for the user on this browser: new server-side session, new CSRF token."""
    # Session fixation: nothing from before the login carries over, the CSRF token included;
    # only the language choice does.
    lang = session.get("lang")
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    if lang:
        session["lang"] = lang
    sessions.start_session(user, device=sessions.device_summary(request.headers.get("User-Agent")))
    login_user(user, remember=remember)


def _sign_out():
    """End this browser's session: its row goes, so a replayed session or remember-me cookie fails."""
    if current_user.is_authenticated:
        sessions.end_session(current_user.session_token)
    logout_user()


@bp.route("/daftar", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        # A taken address gets the same page; its owner gets a mail instead (no account probing).
        services.register_user(form.name.data, form.email.data, form.password.data)
        return render_template("accounts/check_email.html", email=services.normalize_email(form.email.data)), 201
    return render_template("accounts/register.html", form=form), 422 if form.errors else 200


@bp.get("/verifikasi/<token>")
def verify_email(token):
    try:
        user = user_from_token(token, "verify")
    except InvalidToken as error:
        message = (_("Tautan verifikasi sudah kedaluwarsa. Minta tautan baru di bawah ini.") if error.expired
                   else _("Tautan verifikasi tidak valid."))
        flash(message, "error")
        return redirect(url_for("accounts.resend_verification"))
    services.verify_email(user)
    flash(_("Email Anda sudah terverifikasi. Silakan masuk."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/verifikasi", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def resend_verification():
    form = EmailForm()
    if form.validate_on_submit():
        user = services.get_user_by_email(form.email.data)
        if user is not None and not user.is_deleted and not user.is_verified:
            services.send_verification_mail(user)
        flash(_("Jika alamat itu terdaftar dan belum diverifikasi, tautan verifikasi baru sudah dikirim."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/resend_verification.html", form=form), 422 if form.errors else 200


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next_url(request.args.get("next")))
    form = LoginForm()
    status = 200
    headers = {}
    if form.validate_on_submit():
        email = services.normalize_email(form.email.data)
        known = throttle.is_known_device(request.cookies.get(throttle.KNOWN_DEVICE_COOKIE), email)
        try:
            user = services.authenticate(email, form.password.data, ip=request.remote_addr, known_device=known)
        except services.AccountError as error:
            keep_changes_on_error()  # the failure counts throttle password guessing: keep them
            form.form_errors.append(str(error))
            if isinstance(error, services.LoginThrottled):
                status = 429
                headers["Retry-After"] = str(max(1, int((error.until - utcnow()).total_seconds()) + 1))
            else:
                status = 401 if isinstance(error, services.LoginFailed) else 403
        else:
            _sign_in(user, remember=form.remember.data)
            flash(_("Selamat datang, %(name)s.", name=user.name), "success")
            response = redirect(safe_next_url(request.args.get("next")))
            response.set_cookie(
                throttle.KNOWN_DEVICE_COOKIE, throttle.known_device_value(email),
                max_age=throttle.KNOWN_DEVICE_DAYS * 86400, httponly=True, samesite="Lax",
                secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            )
            return response
    elif form.errors:
        status = 422
    return render_template("accounts/login.html", form=form), status, headers


@bp.post("/keluar")
def logout():
    _sign_out()
    flash(_("Anda sudah keluar."), "success")
    return redirect(url_for("main.home"))


@bp.post("/profil/keluar-semua")
@login_required
def sign_out_everywhere():
    form = SignOutEverywhereForm()
    if not form.validate_on_submit():
        flash(_("Formulir sudah kedaluwarsa. Muat ulang halaman lalu coba lagi."), "error")
        return redirect(url_for("accounts.profile"))
    services.sign_out_everywhere(current_user._get_current_object())
    logout_user()
    flash(_("Anda sudah keluar dari semua perangkat. Silakan masuk lagi."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/lupa-sandi", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def forgot_password():
    form = EmailForm()
    if form.validate_on_submit():
        services.send_password_reset(form.email.data)
        flash(_("Jika alamat itu terdaftar, kami sudah mengirim tautan untuk mengatur ulang kata sandi. Tautan berlaku satu jam."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form), 422 if form.errors else 200


@bp.route("/atur-ulang-sandi/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        user = user_from_token(token, "reset")
    except InvalidToken:
        flash(_("Tautan atur ulang kata sandi tidak valid, sudah dipakai, atau kedaluwarsa. Minta tautan baru."), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    form.account_email, form.account_name = user.email, user.name
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        _sign_out()  # whoever is signed in on this browser
        flash(_("Kata sandi sudah diganti. Silakan masuk dengan kata sandi baru."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form, user=user), 422 if form.errors else 200


@bp.route("/profil", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user if request.method == "GET" else None)
    if request.method == "GET":
        form.locale.data = current_user.locale or ""
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user, name=form.name.data, locale=form.locale.data, handle=form.handle.data,
            )
        except (services.HandleTaken, services.InvalidHandle) as error:
            error.field = "handle"
            show_on_form(form, error)
        else:
            flash(_("Profil sudah disimpan."), "success")
            return redirect(url_for("accounts.profile"))
    return _profile_page(form, ChangePasswordForm(formdata=None)), 422 if form.errors else 200


def _profile_page(form, password_form):
    return render_template(
        "accounts/profile.html", form=form, password_form=password_form,
        sign_out_form=SignOutEverywhereForm(formdata=None), session_count=sessions.count_sessions(current_user),
    )


@bp.post("/profil/sandi")
@login_required
def change_password():
    form = ChangePasswordForm()
    form.account_email, form.account_name = current_user.email, current_user.name
    if form.validate_on_submit():
        if not password_matches(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("Kata sandi saat ini salah."))
        else:
            # This session stays signed in; every other device has to sign in again.
            services.set_password(current_user, form.password.data, keep_session=current_user.session_token)
            flash(_("Kata sandi sudah diganti. Perangkat lain perlu masuk lagi."), "success")
            return redirect(url_for("accounts.profile"))
    return _profile_page(ProfileForm(obj=current_user), form), 422


@bp.get("/profil/ekspor")
@login_required
def export_data():
    data = services.export_user_data(current_user)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=data-saya.json"},
    )


@bp.route("/profil/hapus", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not password_matches(current_user.password_hash, form.password.data):
            form.password.errors.append(_("Kata sandi salah."))
        else:
            services.delete_account(current_user._get_current_object())
            logout_user()
            flash(_("Akun Anda sudah dihapus. Data pribadi Anda dihapus; tulisan Anda tetap ada tanpa nama Anda."), "success")
            return redirect(url_for("main.home"))
    return render_template("accounts/delete.html", form=form), 422 if form.errors else 200
