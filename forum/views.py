"""Forum pages. Each view loads its object, checks permission, validates and calls one service."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import admin_bp, bp, queries, services
from forum.forms import (
    RATINGS,
    AssignForm,
    CategoryForm,
    FlagForm,
    MoveForm,
    OptionalReasonForm,
    PostEditForm,
    RateAnswerForm,
    ReasonForm,
    ReplyForm,
    ResolveFlagForm,
    SuspendForm,
    ThreadCreateForm,
    ThreadFilterForm,
    ToggleForm,
)
from portal import idempotency, pagination
from portal.errors import error_response
from portal.extensions import db
from portal.forms import EmptyForm
from portal.markup import plain_text
from portal.organisation.models import AsnProfile, Unit
from portal.organisation.queries import list_unit_asn, list_unit_choices
from portal.pagination import MAX_PAGE
from portal.permissions import (
    can_accept_answer,
    can_answer_officially,
    can_assign_thread,
    can_delete_post,
    can_edit_post,
    can_flag,
    can_follow_thread,
    can_manage_forum_categories,
    can_moderate_forum,
    can_purge_revision,
    can_rate_answer,
    can_reply,
    can_see_needs_response,
    can_view_post_history,
    can_vote,
    require,
)
from portal.unit_of_work import show_on_form
from portal.web import wib

# ---------------------------------------------------------------- helpers


def page_arg(limit=MAX_PAGE):
    """The ?page= number of a list (portal/pagination.py); a thread's own pages may go further."""
    return pagination.page_arg(limit=limit)


def thread_page_arg():
    # Thread pages select posts by number, not OFFSET, so a long thread stays readable to its end.
    return page_arg(limit=queries.MAX_PAGE)


def refused(error, back):
    """Answer a service's refusal with its status and message, and a link back to where the person was.

    The status is 400 or more, so the request keeps nothing (portal/unit_of_work.py).
    """
    return render_template("forum/refused.html", code=error.status, message=str(error), back=back), error.status


def require_button_form(form=None):
    """Check the CSRF token of a button-only form (the real forms check it in validate_on_submit)."""
    if not (form or EmptyForm()).validate_on_submit():
        abort(400)


def require_posting():
    """403 with the reason when the signed-in person may not write (suspended, unverified)."""
    message = services.posting_refusal(current_user)
    if message:
        abort(make_response(error_response(403, message, title=_("Anda belum dapat menulis di forum"))))


def thread_url(thread, page=None, anchor=None):
    url = url_for("forum.thread", thread_id=thread.id, page=page if page and page > 1 else None)
    return f"{url}#{anchor}" if anchor else url


def post_url(post):
    """The thread page that shows the post, scrolled to it."""
    return thread_url(post.thread, queries.page_of_post(post.number), f"post-{post.id}")


def quote_markdown(post):
    """A Markdown blockquote of a post, with who wrote it, to start a reply with."""
    lines = [f"**{post.display_name}** {_('menulis')}:", "", *post.body_md.splitlines()]
    return "\n".join("> " + line if line else ">" for line in lines) + "\n\n"


def render_thread(thread, page, reply_form=None, rate_form=None, rate_post_id=None, status=200):
    data = queries.thread_page(thread, page, current_user)
    # Only for those who may reply: a form's CSRF token opens a session, and a visitor's page
    # must set no cookie so a proxy can cache it (issue 14).
    if reply_form is None and can_reply(current_user, thread):
        reply_form = ReplyForm(formdata=None)
        quoted = queries.get_quotable_post(thread, request.args.get("kutip", type=int))
        if quoted is not None:
            reply_form.body.data = quote_markdown(quoted)
            reply_form.quote_of.data = quoted.id
    return render_template(
        "forum/thread.html", data=data, thread=thread, reply_form=reply_form,
        rate_form=rate_form, rate_post_id=rate_post_id, rating_choices=RATINGS,
        # The signed-in person without the proxy: _post.html asks about them many times per post.
        viewer=current_user._get_current_object(),
    ), status


def _categories_or_flash():
    categories = queries.list_category_choices()
    if not categories:
        flash(_("Forum belum punya kategori. Admin perlu menambahkannya lebih dulu."), "warning")
    return categories


# ---------------------------------------------------------------- reading


@bp.get("/")
def index():
    return render_template("forum/index.html", rows=queries.list_categories())


@bp.get("/k/<slug>")
def category(slug):
    category = queries.get_category_or_404(slug)
    form = ThreadFilterForm()
    status = form.status.data if form.validate() else None
    page = queries.category_threads(category, page_arg(), status=status,
                                    include_hidden=can_moderate_forum(current_user))
    return render_template("forum/category.html", category=category, page=page, form=form), 200 if not form.errors else 422


@bp.get("/t/<int:thread_id>")
def thread(thread_id):
    thread = queries.get_thread_or_404(thread_id, include_deleted=can_moderate_forum(current_user))
    return render_thread(thread, thread_page_arg())


@bp.get("/p/<int:post_id>")
def post_link(post_id):
    return redirect(post_url(queries.get_post_or_404(post_id)))


@bp.get("/p/<int:post_id>/riwayat")
def post_history(post_id):
    post = queries.get_post_or_404(post_id)
    require(can_view_post_history(current_user, post))
    return render_template("forum/history.html", post=post, revisions=queries.post_revisions(post),
                           purge_form=OptionalReasonForm(formdata=None))


@bp.post("/revisi/<int:revision_id>/hapus")
@login_required
def purge_revision(revision_id):
    revision = queries.get_revision_or_404(revision_id)
    require(can_moderate_forum(current_user))
    back = url_for("forum.post_history", post_id=revision.post_id)
    form = OptionalReasonForm()
    if not form.validate_on_submit():
        return refused(services.InvalidInput(_("Alasan maksimal %(max)d karakter.", max=services.REASON_MAX)),
                       back=back)
    if not can_purge_revision(current_user, revision):
        flash(_("Isi versi ini sudah dihapus."), "warning")
        return redirect(back, 303)
    try:
        services.purge_revision(current_user, revision, form.reason.data)
    except services.ForumError as error:
        return refused(error, back=back)
    flash(_("Isi versi lama itu sudah dihapus dari riwayat. Tindakan ini tercatat di log audit."), "success")
    return redirect(back, 303)


# ---------------------------------------------------------------- writing


@bp.route("/baru", methods=["GET", "POST"])
@login_required
def new_thread():
    require_posting()
    form = ThreadCreateForm()
    form.set_choices(_categories_or_flash(), queries.list_service_choices())
    if request.method == "GET":
        preselect = request.args.get("kategori")
        if preselect:
            form.category.data = queries.category_id_for_slug(preselect)
    if form.validate_on_submit():
        if first := idempotency.first_result(form):
            return redirect(first, 303)
        category = queries.get_category_by_id_or_404(form.category.data)
        try:
            thread = services.open_thread(
                current_user, category, title=form.title.data, body=form.body.data,
                service=queries.get_service(form.service.data), kecamatan=form.kecamatan.data,
                kelurahan=form.kelurahan.data, pseudonym=form.pseudonym.data,
            )
        except services.InvalidInput as error:
            show_on_form(form, error)
        else:
            if first := idempotency.record_once(form, "forum.new_thread", thread_url(thread), current_user):
                return redirect(first, 303)
            flash(_("Utas Anda sudah terbit. %(unit)s akan menanggapi paling lambat %(deadline)s.",
                    unit=category.unit.name, deadline=wib(thread.deadline_at)), "success")
            return redirect(thread_url(thread), 303)
    return render_template("forum/new_thread.html", form=form), 422 if form.errors else 200


@bp.post("/t/<int:thread_id>/balas")
@login_required
def reply(thread_id):
    thread = queries.get_thread_or_404(thread_id)
    require_posting()
    form = ReplyForm()
    page = thread_page_arg()
    if form.validate_on_submit():
        if first := idempotency.first_result(form):
            return redirect(first, 303)
        official = bool(form.official.data)
        if official:
            require(can_answer_officially(current_user, thread))
        quote_of = queries.get_quotable_post(thread, form.quote_of.data)
        try:
            post = services.reply(current_user, thread, form.body.data, official=official, quote_of=quote_of,
                                  pseudonym=form.pseudonym.data)
        except services.InvalidInput as error:
            show_on_form(form, error)
        except services.ForumError as error:
            return refused(error, back=thread_url(thread))
        else:
            if first := idempotency.record_once(form, "forum.reply", post_url(post), current_user):
                return redirect(first, 303)
            flash(_("Jawaban resmi Anda sudah terbit.") if official else _("Balasan Anda sudah terkirim."), "success")
            return redirect(post_url(post), 303)
    return render_thread(thread, page, reply_form=form, status=422)


@bp.route("/p/<int:post_id>/ubah", methods=["GET", "POST"])
@login_required
def edit_post(post_id):
    post = queries.get_post_or_404(post_id)
    require(can_edit_post(current_user, post))
    form = PostEditForm(body=post.body_md, title=post.thread.title if post.is_opening else None)
    if form.validate_on_submit():
        try:
            changed = services.edit_post(current_user, post, form.body.data,
                                         title=form.title.data if post.is_opening else None)
        except services.InvalidInput as error:
            show_on_form(form, error)
        except services.ForumError as error:
            return refused(error, back=post_url(post))
        else:
            flash(_("Perubahan disimpan.") if changed else _("Tidak ada yang berubah."), "success")
            return redirect(post_url(post), 303)
    return render_template("forum/edit_post.html", form=form, post=post), 422 if form.errors else 200


@bp.post("/p/<int:post_id>/hapus")
@login_required
def delete_post(post_id):
    post = queries.get_post_or_404(post_id)
    require(can_delete_post(current_user, post))
    require_button_form()
    thread = post.thread
    try:
        services.delete_post(current_user, post)
    except services.ForumError as error:
        return refused(error, back=post_url(post))
    if thread.deleted_at is not None:
        flash(_("Utas Anda sudah dihapus."), "success")
        return redirect(url_for("forum.category", slug=thread.category.slug), 303)
    flash(_("Pesan Anda sudah dihapus."), "success")
    return redirect(post_url(post), 303)


@bp.post("/p/<int:post_id>/suara")
@login_required
def vote(post_id):
    post = queries.get_post_or_404(post_id)
    require(can_vote(current_user, post))
    form = ToggleForm()
    require_button_form(form)
    services.toggle_vote(current_user, post, want=form.value.data)
    return redirect(post_url(post), 303)


@bp.post("/t/<int:thread_id>/ikuti")
@login_required
def follow(thread_id):
    thread = queries.get_thread_or_404(thread_id)
    require(can_follow_thread(current_user, thread))
    form = ToggleForm()
    require_button_form(form)
    want = form.value.data
    if want is None:
        want = not queries.is_following(current_user, thread)
    if want:
        services.follow_thread(current_user, thread)
        flash(_("Anda mengikuti utas ini dan akan diberi tahu bila ada balasan."), "success")
    else:
        services.unfollow_thread(current_user, thread)
        flash(_("Anda berhenti mengikuti utas ini."), "success")
    return redirect(thread_url(thread, thread_page_arg()), 303)


@bp.post("/p/<int:post_id>/terima")
@login_required
def accept(post_id):
    post = queries.get_post_or_404(post_id)
    require(can_accept_answer(current_user, post))
    require_button_form()
    try:
        services.accept_answer(current_user, post)
    except services.ForumError as error:
        return refused(error, back=post_url(post))
    flash(_("Balasan ini ditandai sebagai jawaban. Utas selesai."), "success")
    return redirect(post_url(post), 303)


@bp.post("/p/<int:post_id>/nilai")
@login_required
def rate(post_id):
    post = queries.get_post_or_404(post_id)
    require(can_rate_answer(current_user, post))
    form = RateAnswerForm()
    if form.validate_on_submit():
        try:
            services.rate_answer(current_user, post, int(form.rating.data), form.comment.data)
        except services.InvalidInput as error:
            show_on_form(form, error)
        except services.ForumError as error:
            return refused(error, back=post_url(post))
        else:
            flash(_("Terima kasih. Penilaian Anda membantu %(unit)s memperbaiki layanannya.",
                    unit=post.official_asn.unit.name if post.official_asn else post.thread.category.unit.name),
                  "success")
            return redirect(post_url(post), 303)
    return render_thread(post.thread, queries.page_of_post(post.number), rate_form=form, rate_post_id=post.id,
                         status=422)


@bp.route("/p/<int:post_id>/laporkan", methods=["GET", "POST"])
@login_required
def flag(post_id):
    post = queries.get_post_or_404(post_id)
    require(can_flag(current_user, post))
    form = FlagForm()
    if form.validate_on_submit():
        try:
            services.flag_post(current_user, post, form.reason.data, form.detail.data)
        except services.InvalidInput as error:
            show_on_form(form, error)
        except services.ForumError as error:
            return refused(error, back=post_url(post))
        else:
            flash(_("Terima kasih, laporan Anda sudah diterima. Moderator akan memeriksanya."), "success")
            return redirect(post_url(post), 303)
    return render_template("forum/flag.html", form=form, post=post,
                           excerpt=plain_text(post.body_md, 300)), 422 if form.errors else 200


@bp.route("/t/<int:thread_id>/tugaskan", methods=["GET", "POST"])
@login_required
def assign(thread_id):
    thread = queries.get_thread_or_404(thread_id)
    require(can_assign_thread(current_user, thread))
    unit = thread.category.unit
    form = AssignForm()
    form.set_choices(unit, list_unit_asn(unit.id, with_account=True))  # only they can sign in to answer
    if form.validate_on_submit():
        asn = None if form.target.data == "unit" else db.session.get(AsnProfile, int(form.target.data))
        try:
            assignment = services.assign_thread(current_user, thread, asn=asn)
        except services.InvalidInput as error:
            show_on_form(form, error)
        except services.ForumError as error:
            return refused(error, back=thread_url(thread))
        else:
            flash(_("Utas ditugaskan kepada %(who)s. Tenggat: %(deadline)s.",
                    who=asn.name if asn else unit.name, deadline=wib(assignment.deadline_at)), "success")
            return redirect(thread_url(thread), 303)
    return render_template("forum/assign.html", form=form, thread=thread), 422 if form.errors else 200


@bp.get("/perlu-ditanggapi")
@login_required
def needs_response():
    require(can_see_needs_response(current_user))
    profile = current_user.asn_profile
    return render_template("forum/needs_response.html", page=queries.needs_response(profile, page_arg()),
                           profile=profile)


# ---------------------------------------------------------------- moderation


def _moderator():
    require(can_moderate_forum(current_user))


@bp.get("/moderasi")
@login_required
def moderation():
    _moderator()
    return render_template("forum/moderation.html", page=queries.moderation_queue(page_arg()),
                           suspended=queries.list_suspended_users(), resolve_form=ResolveFlagForm(formdata=None))


@bp.route("/p/<int:post_id>/sembunyikan", methods=["GET", "POST"])
@login_required
def hide(post_id):
    _moderator()
    post = queries.get_post_or_404(post_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.hide_post(current_user, post, form.reason.data)
        except services.InvalidInput as error:
            show_on_form(form, error)
        except services.ForumError as error:
            return refused(error, back=post_url(post))
        else:
            flash(_("Pesan disembunyikan. Alasannya ditampilkan di tempat pesan itu."), "success")
            return redirect(post_url(post), 303)
    return render_template("forum/hide.html", form=form, post=post,
                           excerpt=plain_text(post.body_md, 300)), 422 if form.errors else 200


@bp.post("/p/<int:post_id>/tampilkan")
@login_required
def restore(post_id):
    _moderator()
    post = queries.get_post_or_404(post_id)
    require_button_form()
    services.restore_post(current_user, post)
    flash(_("Pesan ditampilkan kembali."), "success")
    return redirect(post_url(post), 303)


def _toggle_thread(thread_id, on, off, message_on, message_off, current):
    _moderator()
    thread = queries.get_thread_or_404(thread_id)
    form = ToggleForm()
    require_button_form(form)
    want = form.value.data
    if want is None:
        want = not current(thread)
    (on if want else off)(current_user, thread)
    flash(message_on if want else message_off, "success")
    return redirect(thread_url(thread), 303)


@bp.post("/t/<int:thread_id>/kunci")
@login_required
def lock(thread_id):
    return _toggle_thread(thread_id, services.lock_thread, services.unlock_thread,
                          _("Utas dikunci: warga tidak dapat membalas lagi."), _("Kunci utas dibuka."),
                          lambda thread: thread.is_locked)


@bp.post("/t/<int:thread_id>/sematkan")
@login_required
def pin(thread_id):
    return _toggle_thread(thread_id, services.pin_thread, services.unpin_thread,
                          _("Utas disematkan di atas kategorinya."), _("Utas tidak lagi disematkan."),
                          lambda thread: thread.is_pinned)


@bp.route("/t/<int:thread_id>/pindah", methods=["GET", "POST"])
@login_required
def move(thread_id):
    _moderator()
    thread = queries.get_thread_or_404(thread_id)
    form = MoveForm(category=thread.category_id)
    form.set_choices(queries.list_category_choices())
    if form.validate_on_submit():
        category = queries.get_category_by_id_or_404(form.category.data)
        services.move_thread(current_user, thread, category)
        flash(_("Utas dipindahkan ke kategori %(name)s.", name=category.name), "success")
        return redirect(thread_url(thread), 303)
    return render_template("forum/move.html", form=form, thread=thread), 422 if form.errors else 200


@bp.post("/t/<int:thread_id>/tutup")
@login_required
def close(thread_id):
    _moderator()
    thread = queries.get_thread_or_404(thread_id)
    form = OptionalReasonForm()
    if not form.validate_on_submit():
        return refused(services.InvalidInput(_("Alasan maksimal %(max)d karakter.", max=services.REASON_MAX)),
                       back=thread_url(thread))
    services.close_thread(current_user, thread, form.reason.data)
    flash(_("Utas ditutup dan ditandai selesai."), "success")
    return redirect(thread_url(thread), 303)


@bp.post("/t/<int:thread_id>/buka")
@login_required
def reopen(thread_id):
    _moderator()
    thread = queries.get_thread_or_404(thread_id)
    require_button_form()
    services.reopen_thread(current_user, thread)
    flash(_("Utas dibuka kembali."), "success")
    return redirect(thread_url(thread), 303)


@bp.route("/pengguna/<int:user_id>/tangguhkan", methods=["GET", "POST"])
@login_required
def suspend(user_id):
    _moderator()
    user = queries.get_user_or_404(user_id)
    form = SuspendForm()
    if form.validate_on_submit():
        try:
            services.suspend_user(current_user, user, form.days.data, form.reason.data)
        except services.InvalidInput as error:
            show_on_form(form, error)
        except services.ForumError as error:
            return refused(error, back=url_for("forum.moderation"))
        else:
            flash(_("%(name)s ditangguhkan dari forum sampai %(until)s.",
                    name=user.name, until=wib(user.suspended_until)), "success")
            return redirect(url_for("forum.moderation"), 303)
    return render_template("forum/suspend.html", form=form, user=user), 422 if form.errors else 200


@bp.post("/pengguna/<int:user_id>/pulihkan")
@login_required
def unsuspend(user_id):
    _moderator()
    user = queries.get_user_or_404(user_id)
    require_button_form()
    services.unsuspend_user(current_user, user)
    flash(_("Penangguhan %(name)s dicabut.", name=user.name), "success")
    return redirect(url_for("forum.moderation"), 303)


@bp.route("/laporan/<int:flag_id>/selesaikan", methods=["GET", "POST"])
@login_required
def resolve_flag(flag_id):
    _moderator()
    flag = queries.get_flag_or_404(flag_id)
    form = ResolveFlagForm()
    if form.validate_on_submit():
        try:
            services.resolve_flag(current_user, flag, form.action.data, form.reason.data)
        except services.InvalidInput as error:
            show_on_form(form, error)
        except services.ForumError as error:
            return refused(error, back=url_for("forum.moderation"))
        else:
            flash(_("Pesan disembunyikan dan laporannya selesai.") if form.action.data == "hide"
                  else _("Laporan diabaikan."), "success")
            return redirect(url_for("forum.moderation"), 303)
    return render_template("forum/resolve_flag.html", form=form, flag=flag,
                           excerpt=plain_text(flag.post.body_md, 300)), 422 if form.errors else 200


# ---------------------------------------------------------------- categories (admins, /admin/forum)


@admin_bp.before_request
@login_required
def admins_only():
    require(can_manage_forum_categories(current_user))


@admin_bp.get("/")
def categories():
    return render_template("forum/admin_categories.html", rows=queries.list_categories())


def _save_category(form, action):
    try:
        category = action()
    except services.ForumError as error:
        show_on_form(form, error)
        return None
    return category


@admin_bp.route("/baru", methods=["GET", "POST"])
def category_create():
    form = CategoryForm()
    form.set_choices(list_unit_choices())
    if form.validate_on_submit():
        category = _save_category(form, lambda: services.create_category(
            current_user, name=form.name.data, slug=form.slug.data, description=form.description.data,
            unit=db.session.get(Unit, form.unit.data), position=form.position.data or 0))
        if category is not None:
            flash(_("Kategori %(name)s ditambahkan.", name=category.name), "success")
            return redirect(url_for("forum_admin.categories"), 303)
    return render_template("forum/admin_category_form.html", form=form, category=None), 422 if form.errors else 200


@admin_bp.route("/<int:category_id>/ubah", methods=["GET", "POST"])
def category_edit(category_id):
    category = queries.get_category_by_id_or_404(category_id)
    form = CategoryForm(obj=category, unit=category.unit_id)
    form.set_choices(list_unit_choices())
    if form.validate_on_submit():
        saved = _save_category(form, lambda: services.update_category(
            current_user, category, name=form.name.data, slug=form.slug.data, description=form.description.data,
            unit=db.session.get(Unit, form.unit.data), position=form.position.data or 0))
        if saved is not None:
            flash(_("Perubahan pada kategori %(name)s disimpan.", name=saved.name), "success")
            return redirect(url_for("forum_admin.categories"), 303)
    return render_template("forum/admin_category_form.html", form=form, category=category), 422 if form.errors else 200
