"""Forum operations: threads, replies, official answers, votes, follows and moderation.

Every function flushes but never commits (the view commits once) and never reads the request
or the signed-in user: the web views, the demo seeder and the tests call the same functions.
A business rule that refuses raises a ForumError subclass whose text is the message for the
person and whose `status` is the HTTP status a view answers with.
"""

import re
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from slugify import slugify
from sqlalchemy import and_, case, delete, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from forum.models import (
    FLAG_REASONS,
    Category,
    Flag,
    Post,
    PostRevision,
    PostVote,
    Thread,
    ThreadEscalation,
    ThreadFollow,
)
from portal import permissions
from portal.accounts.models import User, UserRole
from portal.audit import record_audit
from portal.db import UTCDateTime, utcnow
from portal.extensions import db
from portal.markup import render_markdown
from portal.notifications.services import notify_many
from portal.organisation.queries import list_unit_atasan, list_unit_staff_accounts
from portal.personal_text import ALL_KINDS, find_personal_data, personal_data_message
from portal.responses import services as responses
from portal.responses.escalation import escalation_levels, holidays_for_run, level2_working_days, unit_head
from portal.responses.models import Assignment
from portal.unit_of_work import ServiceError
from portal.web import wib
from portal.workdays.calendar import add_working_days
from portal.workdays.deadlines import deadlines_for

SOURCE = "forum"
ITEM_TYPE = "thread"
TITLE_MAX = 200
BODY_MAX = 20_000
PSEUDONYM_MAX = 60
REASON_MAX = 500
MAX_MENTIONS = 20  # a post naming more people than this is noise, not a conversation
# Words a pseudonym may not carry: nobody may pass for the city or its moderators.
RESERVED_PSEUDONYM_WORDS = ("admin", "moderator", "resmi", "dinas", "pemkot", "pemerintah", "asn")


class ForumError(ServiceError):
    """A business rule refused the action; str(error) is the message, `field` the form field it concerns."""



class PostingBlocked(ForumError):
    status = 403


class NotAllowed(ForumError):
    status = 403


class RateLimited(ForumError):
    status = 429


class InvalidInput(ForumError):
    status = 422


class ThreadHasReplies(ForumError):
    pass


class AlreadyFlagged(ForumError):
    pass


class AlreadyResolved(ForumError):
    pass


class NoResponseEvent(ForumError):
    pass


class CategoryTaken(ForumError):
    status = 422


# ---------------------------------------------------------------- helpers


def _config(key, default):
    return current_app.config.get(key, default)


def _path(endpoint, **values):
    # Services run without a request (CLI, seeding): build the path from the URL map itself.
    return current_app.url_map.bind("localhost").build(endpoint, values)


def thread_path(thread):
    """Return the path of a thread's page."""
    return _path("forum.thread", thread_id=thread.id)


def post_path(post):
    """Return the path that leads to a post (it redirects to the right page and anchor)."""
    return _path("forum.post_link", post_id=post.id)


def answer_deadline(category, service_id, now):
    """Return when the first official answer is due (DOMAIN.md §4).

    Forum threads in a category linked to a unit get their first official answer within 2
    working days by default (SP4N-LAPOR! practice, Perpres 76/2013); the unit, or the thread's
    service, may set its own number of days in the deadline policies feedback uses too.
    """
    days = deadlines_for(category.unit_id, service_id).forum_answer_working_days
    return add_working_days(now, days)


def thread_deadline(thread):
    """Return the thread's answer deadline: counted from its opening, whoever answers it later.

    DOMAIN.md §4: the resident has waited since they asked; handing the thread to another ASN or
    unit never gives the city more time (issue 12 point 17).
    """
    return answer_deadline(thread.category, thread.service_id, thread.created_at)


def _insert_ignore(model, **values):
    """Insert a row unless its key exists already; return whether it was inserted.

    INSERT … ON CONFLICT DO NOTHING on both databases, so a double click or two workers racing
    never raise an IntegrityError (and never a 500), and no savepoint is needed.
    """
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(model.__table__).values(**values).on_conflict_do_nothing()
    # SQLAlchemy only promises a rowcount for INSERT when asked to keep it.
    return db.session.execute(statement, execution_options={"preserve_rowcount": True}).rowcount == 1


def _bump(model, row, column, delta):
    """Add delta to a counter in the database itself (UPDATE … SET n = n + delta), race-free."""
    table = model.__table__
    db.session.execute(update(table).where(table.c.id == row.id).values({column: table.c[column] + delta}))
    db.session.expire(row, [column])


def plain(value):
    """Trim a text value and drop NUL characters (PostgreSQL refuses them; nobody types them)."""
    return (value or "").replace("\x00", "").strip()


def _text(value, limit, field, empty_message):
    value = plain(value)
    if not value:
        raise InvalidInput(empty_message, field=field)
    if len(value) > limit:
        raise InvalidInput(_("Maksimal %(max)d karakter.", max=limit), field=field)
    return value


def refuse_personal_data(value, field, kinds=ALL_KINDS):
    """Raise InvalidInput on `field` when published text holds a NIK, phone number or e-mail address.

    UU 27/2022 (PDP) Pasal 16, DOMAIN.md §6: the forum is public. An ASN's official answer may
    give the unit's own phone or e-mail, so it is checked for NIK only (kinds=("nik",)).
    """
    findings = find_personal_data(value, kinds)
    if findings:
        raise InvalidInput(str(personal_data_message(findings)), field=field)
    return value


OFFICIAL_KINDS = ("nik",)


def clean_pseudonym(value):
    """Return the pseudonym to show, or None for "use my name"; refuse ones that pass for the city."""
    value = " ".join(plain(value).split())
    if not value:
        return None
    if len(value) < 2 or len(value) > PSEUDONYM_MAX:
        raise InvalidInput(_("Nama samaran harus 2–%(max)d karakter.", max=PSEUDONYM_MAX), field="pseudonym")
    words = set(re.findall(r"[a-z]+", value.lower()))
    if words & set(RESERVED_PSEUDONYM_WORDS):
        raise InvalidInput(
            _("Nama samaran tidak boleh memakai kata seperti admin, moderator, dinas, atau resmi."), field="pseudonym"
        )
    return refuse_personal_data(value, "pseudonym")


def _user_snapshot(user):
    return {"suspended_until": user.suspended_until.isoformat() if user.suspended_until else None,
            "suspension_reason": user.suspension_reason}


def _thread_snapshot(thread):
    return {
        "status": thread.status,
        "is_locked": thread.is_locked,
        "is_pinned": thread.is_pinned,
        "category_id": thread.category_id,
        "accepted_post_id": thread.accepted_post_id,
        "hidden": thread.hidden_at is not None,
    }


def _post_snapshot(post):
    return {"hidden": post.hidden_at is not None, "hidden_reason": post.hidden_reason,
            "deleted": post.deleted_at is not None}


def _assignment_snapshot(assignment):
    if assignment is None:
        return None
    return {"unit_id": assignment.unit_id, "asn_id": assignment.asn_id,
            "deadline_at": assignment.deadline_at.isoformat() if assignment.deadline_at else None}


# ---------------------------------------------------------------- who may post, and how often


def posting_refusal(user, now=None):
    """Return why the person may not write in the forum now, or None if they may."""
    if not permissions.is_signed_in(user) or user.is_deleted:
        return _("Silakan masuk untuk menulis di forum.")
    if not user.is_verified:
        return _("Verifikasi alamat email Anda terlebih dahulu; setelah itu Anda dapat menulis di forum.")
    if user.is_suspended(now):
        return _("Akun Anda ditangguhkan dari forum sampai %(until)s. Alasan: %(reason)s",
                 until=wib(user.suspended_until), reason=user.suspension_reason or "-")
    return None


def ensure_can_post(user, now=None):
    """Raise PostingBlocked unless the person may write in the forum now."""
    message = posting_refusal(user, now)
    if message:
        raise PostingBlocked(message)


def _check_rate_limit(user, kind, now):
    # New accounts are where spam comes from; staff accounts are trusted from day one.
    if user.has_role("asn") or user.has_role("moderator") or user.has_role("admin"):
        return
    days = _config("FORUM_NEW_ACCOUNT_DAYS", 7)
    if now - user.created_at >= timedelta(days=days):
        return
    # Counted in the database, so the limit holds across every gunicorn worker.
    since = now - timedelta(hours=1)
    if kind == "thread":
        limit = _config("FORUM_NEW_ACCOUNT_THREADS_PER_HOUR", 3)
        count = db.session.scalar(
            select(func.count(Thread.id)).where(Thread.author_id == user.id, Thread.created_at > since)
        )
        message = _("Akun baru (kurang dari %(days)d hari) dapat membuka paling banyak %(limit)d utas per jam. "
                    "Coba lagi nanti.", days=days, limit=limit)
    else:
        limit = _config("FORUM_NEW_ACCOUNT_POSTS_PER_HOUR", 10)
        count = db.session.scalar(
            select(func.count(Post.id)).where(Post.author_id == user.id, Post.created_at > since)
        )
        message = _("Akun baru (kurang dari %(days)d hari) dapat mengirim paling banyak %(limit)d pesan per jam. "
                    "Coba lagi nanti.", days=days, limit=limit)
    if count >= limit:
        raise RateLimited(message)


# ---------------------------------------------------------------- mentions and notifications

_FENCED = re.compile(r"(^|\n)(```|~~~).*?(\n\2|$)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_QUOTE_LINE = re.compile(r"^\s*>.*$", re.M)
_MENTION = re.compile(r"(?<![\w@/.])@([a-z0-9][a-z0-9_]{1,39})", re.I)


def mentioned_handles(body):
    """Return the @handles a post names, in order, once each (not inside code or quotes)."""
    text = _FENCED.sub("\n", body or "")
    text = _INLINE_CODE.sub(" ", text)
    # A quote repeats someone else's words: its @mentions were notified when first written.
    text = _QUOTE_LINE.sub("", text)
    handles = []
    for handle in _MENTION.findall(text):
        handle = handle.lower()
        if handle not in handles:
            handles.append(handle)
    return handles[:MAX_MENTIONS]


def _mentioned_users(body):
    handles = mentioned_handles(body)
    if not handles:
        return []
    return db.session.scalars(
        select(User).where(func.lower(User.handle).in_(handles), User.deleted_at.is_(None))
    ).all()


def _followers(thread):
    return db.session.scalars(
        select(User).join(ThreadFollow, ThreadFollow.user_id == User.id)
        .where(ThreadFollow.thread_id == thread.id, User.deleted_at.is_(None))
        .order_by(ThreadFollow.created_at)
    ).all()


def _notify_about_post(post, thread, actor):
    """Tell each person once: an official answer beats a mention, a mention beats a reply."""
    url = post_path(post)
    name = post.official_asn.name if post.is_official else post.display_name
    messages = {
        "official_answer": _("Jawaban resmi dari %(unit)s di utas \"%(title)s\"",
                             unit=thread.category.unit.name, title=thread.title),
        "mention": _("%(name)s menyebut Anda di utas \"%(title)s\"", name=name, title=thread.title),
        "reply": _("Balasan baru dari %(name)s di utas \"%(title)s\"", name=name, title=thread.title),
    }
    followers = _followers(thread) if post.number > 1 else []
    by_kind = {"official_answer": [], "mention": [], "reply": []}
    if post.is_official:
        by_kind["official_answer"] = [thread.author, *followers]
    by_kind["mention"] = _mentioned_users(post.body_md)
    by_kind["reply"] = followers
    told = {actor.id}
    for kind in ("official_answer", "mention", "reply"):
        people = [person for person in by_kind[kind] if person.id not in told]
        told.update(person.id for person in people)
        notify_many(people, kind, messages[kind], url, exclude=actor)
    return told


def _notify_unit_of_thread(thread, actor, told=()):
    """Tell the unit's ASN that a thread landed in their queue; once per person, never its author."""
    unit = thread.category.unit
    # The signed-up ASN of the unit: everyone whose "Perlu ditanggapi" shows the unit's threads.
    people = [person for person in list_unit_staff_accounts(unit.id) if person.id not in told]
    message = _("Utas \"%(title)s\" menunggu jawaban resmi %(unit)s paling lambat %(deadline)s.",
                unit=unit.name, title=thread.title, deadline=wib(thread.deadline_at))
    notify_many(people, "assignment", message, thread_path(thread), exclude=actor)


def _moderators():
    return db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "moderator", User.deleted_at.is_(None))
        .order_by(User.id)
    ).all()


def follow_thread(user, thread, now=None):
    """Follow a thread (notifications for its replies); return whether it was newly followed."""
    return _insert_ignore(ThreadFollow, thread_id=thread.id, user_id=user.id, created_at=now or utcnow())


def unfollow_thread(user, thread):
    """Stop following a thread; return whether the person was following it."""
    result = db.session.execute(
        delete(ThreadFollow).where(ThreadFollow.thread_id == thread.id, ThreadFollow.user_id == user.id)
    )
    return result.rowcount > 0


# ---------------------------------------------------------------- threads and posts


def open_thread(user, category, *, title, body, service=None, kecamatan=None, kelurahan=None, pseudonym=None,
                now=None, notify=True):
    """Open a thread with its first post; the category's unit must answer within the deadline."""
    now = now or utcnow()
    ensure_can_post(user, now)
    title = refuse_personal_data(_text(title, TITLE_MAX, "title", _("Tulis judul utas.")), "title")
    body = refuse_personal_data(_text(body, BODY_MAX, "body", _("Tulis isi utas.")), "body")
    pseudonym = clean_pseudonym(pseudonym)
    refuse_personal_data(plain(kelurahan), "kelurahan")
    if service is not None and service.unit_id != category.unit_id:
        raise InvalidInput(_("Layanan %(service)s bukan layanan %(unit)s. Pilih layanan dari kategori ini.",
                             service=service.name, unit=category.unit.name), field="service")
    _check_rate_limit(user, "thread", now)
    deadline = answer_deadline(category, service.id if service is not None else None, now)
    thread = Thread(
        category=category, author=user, pseudonym=pseudonym, title=title, service=service,
        kecamatan=plain(kecamatan)[:80] or None, kelurahan=plain(kelurahan)[:80] or None,
        status="terbuka", created_at=now, last_activity_at=now, post_count=1, reply_count=0, deadline_at=deadline,
    )
    db.session.add(thread)
    db.session.flush()
    post = Post(thread_id=thread.id, number=1, author=user, pseudonym=pseudonym, body_md=body,
                body_html=render_markdown(body), created_at=now)
    db.session.add(post)
    db.session.flush()
    _count_in_category(category.id, 1, activity_at=now)
    responses.assign_item(
        source=SOURCE, item_type=ITEM_TYPE, item_id=thread.id, title=title, url=thread_path(thread),
        unit=category.unit, asn=None, deadline_at=deadline, now=now,
    )
    follow_thread(user, thread, now)
    if notify:
        told = _notify_about_post(post, thread, user)
        _notify_unit_of_thread(thread, user, told)
    return thread


def _listed(thread):
    """Whether the thread shows in its category's list (and counts in its total)."""
    return thread.deleted_at is None and thread.hidden_at is None


def _listed_in(category_id):
    """The condition for the threads listed in a category (an id or a correlated column)."""
    return and_(Thread.category_id == category_id, Thread.deleted_at.is_(None), Thread.hidden_at.is_(None))


def _count_in_category(category_id, delta, activity_at=None):
    """Count a thread coming into (+1) or leaving (−1) the category's list, or (0) a reply's activity.

    The count is one atomic UPDATE, safe with concurrent requests (a recount inside each
    transaction would miss the other's uncommitted thread). A thread leaving may have been the
    latest activity, so the last activity is looked up again among the threads still listed
    (moderation and deletions are rare; replies only move it forward).
    """
    table = Category.__table__
    values = {"thread_count": table.c.thread_count + delta}
    if activity_at is not None:
        values["last_activity_at"] = _later(table.c.last_activity_at, activity_at)
    if delta < 0:
        db.session.flush()  # the leaving thread's new state must be in the database for the lookup
        values["last_activity_at"] = (
            select(func.max(Thread.last_activity_at)).where(_listed_in(category_id)).scalar_subquery()
        )
    db.session.execute(update(table).where(table.c.id == category_id).values(**values))
    _expire_category(category_id)


def _later(column, when):
    when = literal(when, UTCDateTime)
    return case((column.is_(None), when), (column < when, when), else_=column)


def _expire_category(category_id):
    # The UPDATE bypassed the ORM: a loaded Category reads its new totals on next access.
    category = db.session.identity_map.get(db.session.identity_key(Category, category_id))
    if category is not None:
        db.session.expire(category, ["thread_count", "last_activity_at"])


def rebuild_category_totals():
    """Recount every category's listed threads and last activity from the threads (repairs drift)."""
    listed = _listed_in(Category.id)
    db.session.execute(update(Category).values(
        thread_count=select(func.count(Thread.id)).where(listed).scalar_subquery(),
        last_activity_at=select(func.max(Thread.last_activity_at)).where(listed).scalar_subquery(),
    ).execution_options(synchronize_session=False))


def _next_post_number(thread, now):
    # One atomic statement numbers the post and counts it: concurrent replies never share a
    # number, and on PostgreSQL the row lock orders them (RETURNING needs SQLite ≥ 3.35).
    table = Thread.__table__
    number = db.session.execute(
        update(table).where(table.c.id == thread.id)
        .values(post_count=table.c.post_count + 1, reply_count=table.c.reply_count + 1, last_activity_at=now)
        .returning(table.c.post_count)
    ).scalar_one()
    db.session.expire(thread, ["post_count", "reply_count", "last_activity_at"])
    _count_in_category(thread.category_id, 0, activity_at=now)
    return number


def reply(user, thread, body, *, official=False, quote_of=None, pseudonym=None, now=None, notify=True):
    """Add a reply (or an official answer by an ASN of the thread's unit) and tell who should know."""
    now = now or utcnow()
    ensure_can_post(user, now)
    if not permissions.can_reply(user, thread):
        if thread.deleted_at is not None:
            raise NotAllowed(_("Utas ini sudah dihapus."))
        raise NotAllowed(_("Utas ini dikunci atau disembunyikan moderator; balasan baru tidak dapat dikirim."))
    if official and not permissions.can_answer_officially(user, thread):
        raise NotAllowed(_("Hanya ASN %(unit)s yang dapat memberi jawaban resmi di kategori ini.",
                           unit=thread.category.unit.name), field="official")
    body = _text(body, BODY_MAX, "body", _("Tulis isi balasan."))
    refuse_personal_data(body, "body", OFFICIAL_KINDS if official else ALL_KINDS)
    if official:
        pseudonym = None  # an official answer is given in the ASN's own name
    elif pseudonym:
        pseudonym = clean_pseudonym(pseudonym)
    elif user.id == thread.author_id:
        pseudonym = thread.pseudonym
    if quote_of is not None and (quote_of.thread_id != thread.id or not quote_of.is_visible):
        quote_of = None
    _check_rate_limit(user, "post", now)
    number = _next_post_number(thread, now)
    profile = user.asn_profile if official else None
    post = Post(
        thread_id=thread.id, number=number, author=user, pseudonym=pseudonym, body_md=body,
        body_html=render_markdown(body), quote_of_id=quote_of.id if quote_of else None,
        is_official=official, official_asn=profile, created_at=now,
    )
    db.session.add(post)
    db.session.flush()
    if official:
        responses.record_response(
            source=SOURCE, item_type=ITEM_TYPE, item_id=thread.id, answer_id=post.id, title=thread.title,
            url=post_path(post), asn=profile, opened_at=thread.created_at, deadline_at=thread.deadline_at, now=now,
        )
        thread.has_official_answer = True
        if thread.status == "terbuka":
            thread.status = "dijawab"
    follow_thread(user, thread, now)
    if notify:
        _notify_about_post(post, thread, user)
    return post


def edit_post(user, post, body, *, title=None, now=None):
    """Change a post's text, keeping the earlier version; return whether anything changed."""
    now = now or utcnow()
    if not permissions.can_edit_post(user, post, now):
        if post.author_id == user.id and post.deleted_at is None and post.hidden_at is None:
            raise NotAllowed(_("Pesan hanya dapat diubah dalam %(minutes)d menit setelah dikirim.",
                               minutes=_config("FORUM_EDIT_WINDOW_MINUTES", 30)))
        raise NotAllowed(_("Anda tidak dapat mengubah pesan ini."))
    thread = post.thread
    body = _text(body, BODY_MAX, "body", _("Tulis isi pesan."))
    refuse_personal_data(body, "body", OFFICIAL_KINDS if post.is_official else ALL_KINDS)
    new_title = _text(title, TITLE_MAX, "title", _("Tulis judul utas.")) if post.is_opening and title else None
    if new_title is not None:
        refuse_personal_data(new_title, "title")
    title_changed = new_title is not None and new_title != thread.title
    if body == post.body_md and not title_changed:
        return False
    revision = PostRevision(
        post_id=post.id, body_md=post.body_md, body_html=post.body_html, replaced_at=now, editor_id=user.id,
        title=thread.title if title_changed else None,
    )
    db.session.add(revision)
    db.session.flush()
    post.body_md = body
    post.body_html = render_markdown(body)
    post.edited_at = now
    post.edit_count = (post.edit_count or 0) + 1
    if title_changed:
        thread.title = new_title
    if user.id != post.author_id:
        # The earlier text lives in the revision only, never copied here: a moderator can purge it.
        record_audit(user, "forum.post.edit", post, before={"revision_id": revision.id},
                     after={"edit_count": post.edit_count, "title_changed": title_changed})
    db.session.flush()
    return True


def purge_revision(moderator, revision, reason=None, now=None):
    """Erase the text of an earlier version of a post (e.g. a NIK its author removed); return whether it changed.

    UU 27/2022 (PDP) Pasal 43: personal data is erased when no longer needed. The row stays so the
    history still shows that an edit happened; the audit entry names the version, never its text.
    """
    now = now or utcnow()
    _ensure_moderator(moderator)
    reason = _reason(reason, required=False)
    if reason:
        refuse_personal_data(reason, "reason")
    if revision.purged_at is not None:
        return False
    had_title = revision.title is not None
    revision.body_md = ""
    revision.body_html = ""
    revision.title = None
    revision.purged_at, revision.purged_by_id = now, moderator.id
    record_audit(moderator, "forum.revision.purge", revision,
                 before={"post_id": revision.post_id, "purged": False, "had_title": had_title},
                 after={"post_id": revision.post_id, "purged": True}, reason=reason)
    db.session.flush()
    return True


def delete_post(user, post, now=None):
    """Soft-delete one's own post; the opening post takes the thread with it, but only while unanswered."""
    now = now or utcnow()
    if not permissions.can_delete_post(user, post):
        raise NotAllowed(_("Anda hanya dapat menghapus pesan Anda sendiri."))
    thread = post.thread
    if post.is_opening:
        replies = db.session.scalar(
            select(func.count(Post.id)).where(Post.thread_id == thread.id, Post.number > 1, Post.deleted_at.is_(None))
        )
        if replies:
            raise ThreadHasReplies(_("Utas ini sudah mendapat balasan, jadi tidak dapat dihapus lagi. "
                                     "Anda masih dapat mengubah isinya dalam batas waktu, atau meminta moderator "
                                     "menutupnya."))
        was_listed = _listed(thread)
        post.deleted_at = now
        thread.deleted_at = now
        if was_listed:  # after the change: the lookup of the last activity must not see it
            _count_in_category(thread.category_id, -1)
        responses.end_assignments(SOURCE, ITEM_TYPE, thread.id, now=now)
        record_audit(user, "forum.thread.delete", thread, before={"deleted": False}, after={"deleted": True})
        return thread
    was_visible = post.is_visible
    post.deleted_at = now
    if thread.accepted_post_id == post.id:
        thread.accepted_post_id = None
    if was_visible:
        _bump(Thread, thread, "reply_count", -1)
    record_audit(user, "forum.post.delete", post, before={"deleted": False}, after={"deleted": True})
    return thread


def toggle_vote(user, post, *, want=None, now=None):
    """Add or take back the person's upvote (want=True/False sets it); return whether they now vote."""
    if not permissions.can_vote(user, post):
        raise NotAllowed(_("Anda tidak dapat memberi dukungan pada pesan ini."))
    if want is not True:
        removed = db.session.execute(
            delete(PostVote).where(PostVote.post_id == post.id, PostVote.user_id == user.id)
        ).rowcount
        if removed:
            _bump(Post, post, "vote_count", -1)
            return False
        if want is False:
            return False
    if _insert_ignore(PostVote, post_id=post.id, user_id=user.id, created_at=now or utcnow()):
        _bump(Post, post, "vote_count", 1)
    return True


def accept_answer(user, post, now=None):
    """Mark a reply as the thread's accepted answer; the thread is then done (selesai)."""
    now = now or utcnow()
    thread = post.thread
    if post.is_opening or not post.is_visible:
        raise InvalidInput(_("Hanya balasan yang tampil yang dapat ditandai sebagai jawaban."))
    if thread.accepted_post_id == post.id and thread.status == "selesai":
        return thread
    if not permissions.can_accept_answer(user, post):
        raise NotAllowed(_("Hanya penulis utas atau moderator yang dapat menandai jawaban."))
    before = _thread_snapshot(thread)
    thread.accepted_post_id = post.id
    thread.status = "selesai"
    responses.end_assignments(SOURCE, ITEM_TYPE, thread.id, now=now)
    record_audit(user, "forum.thread.accept_answer", thread, before=before, after=_thread_snapshot(thread))
    return thread


def rate_answer(user, post, rating, comment=None, now=None):
    """Store the thread author's 1–5 rating of an official answer on its response event."""
    if not permissions.can_rate_answer(user, post):
        raise NotAllowed(_("Hanya penulis utas yang dapat menilai jawaban resmi."))
    event = responses.event_for_answer(SOURCE, post.id)
    if event is None:
        raise NoResponseEvent(_("Jawaban ini tidak tercatat sebagai jawaban resmi, jadi tidak dapat dinilai."))
    comment = plain(comment)
    if len(comment) > 1000:
        raise InvalidInput(_("Maksimal %(max)d karakter.", max=1000), field="comment")
    try:
        responses.rate_response(event, rating, comment, rated_by=user, now=now or utcnow())
    except responses.InvalidRating:
        raise InvalidInput(_("Pilih nilai 1 sampai 5 bintang."), field="rating") from None
    return event


def assign_thread(actor, thread, *, asn=None, now=None, notify=True):
    """Give the thread to its unit or a named ASN of that unit; the deadline still runs from the opening."""
    now = now or utcnow()
    if not permissions.can_assign_thread(actor, thread):
        raise NotAllowed(_("Hanya moderator atau atasan di %(unit)s yang dapat menugaskan utas ini.",
                           unit=thread.category.unit.name))
    unit = thread.category.unit
    if asn is not None and asn.unit_id != unit.id:
        raise InvalidInput(_("%(name)s bukan ASN %(unit)s.", name=asn.name, unit=unit.name), field="target")
    previous = responses.current_assignment(SOURCE, ITEM_TYPE, thread.id)
    before = _assignment_snapshot(previous)
    deadline = thread.deadline_at or thread_deadline(thread)
    assignment = responses.assign_item(
        source=SOURCE, item_type=ITEM_TYPE, item_id=thread.id, title=thread.title, url=thread_path(thread),
        unit=unit, asn=asn, assigned_by=actor, deadline_at=deadline, now=now,
    )
    thread.deadline_at = deadline
    record_audit(actor, "forum.thread.assign", thread, before=before, after=_assignment_snapshot(assignment))
    if notify:
        # A whole unit: its atasan share the work out (everyone else sees it in "Perlu ditanggapi").
        people = [asn.user] if asn is not None else [atasan.user for atasan in list_unit_atasan(unit.id)]
        message = _("Utas \"%(title)s\" ditugaskan untuk ditanggapi sebelum %(deadline)s.",
                    title=thread.title, deadline=wib(deadline))
        notify_many(people, "assignment", message, thread_path(thread), exclude=actor)
    return assignment


def escalate_overdue_threads(now=None):
    """Report threads past their answer deadline up the chain, once per level; return the new escalations.

    DOMAIN.md §4, the same ladder as feedback (portal/responses/escalation.py): the assignee's
    atasan, then the unit head FEEDBACK_ESCALATION_LEVEL2_WORKING_DAYS working days later. A
    unique row per (thread, level) makes a second cron run send nothing.
    """
    now = now or utcnow()
    level2_after = level2_working_days()
    overdue = db.session.scalars(
        select(Thread).where(
            Thread.deadline_at < now, Thread.has_official_answer.is_(False), Thread.status != "selesai",
            Thread.deleted_at.is_(None), Thread.hidden_at.is_(None),
        ).order_by(Thread.id)
    ).all()
    ids = [thread.id for thread in overdue] or [0]
    done = {(row.thread_id, row.level) for row in db.session.scalars(
        select(ThreadEscalation).where(ThreadEscalation.thread_id.in_(ids)))}
    assignees = {row.item_id: row.asn for row in db.session.scalars(
        select(Assignment).where(
            Assignment.source == SOURCE, Assignment.item_type == ITEM_TYPE, Assignment.item_id.in_(ids),
            Assignment.ended_at.is_(None), Assignment.answered_at.is_(None),
        ).order_by(Assignment.assigned_at))}
    holidays = holidays_for_run([thread.deadline_at for thread in overdue], now)
    created = []
    heads = {}  # one lookup per unit, not per thread
    for thread in overdue:
        unit_id = thread.category.unit_id
        if unit_id not in heads:
            heads[unit_id] = unit_head(unit_id)
        for level, person in escalation_levels(assignees.get(thread.id), heads[unit_id], thread.deadline_at, now,
                                               level2_after, holidays):
            if (thread.id, level) in done or person is None:
                continue
            escalation = ThreadEscalation(thread_id=thread.id, level=level, deadline_at=thread.deadline_at,
                                          notified_user_id=person.user_id, created_at=now)
            db.session.add(escalation)
            created.append(escalation)
            record_audit(None, "forum.thread.escalate", thread, after={"level": level, "to_asn": person.id})
            if person.user is not None:
                notify_many([person.user], "escalation",
                            _("Utas \"%(title)s\" belum mendapat jawaban resmi dan melewati tenggat %(deadline)s. "
                              "Mohon ditindaklanjuti.", title=thread.title, deadline=wib(thread.deadline_at)),
                            thread_path(thread))
    db.session.flush()
    return created


# ---------------------------------------------------------------- flags


def flag_post(user, post, reason, detail=None, now=None, notify=True):
    """Report a post to the moderators; one open report per person per post."""
    if not permissions.can_flag(user, post):
        raise NotAllowed(_("Anda tidak dapat melaporkan pesan ini."))
    if reason not in FLAG_REASONS:
        raise InvalidInput(_("Pilih alasan laporan."), field="reason")
    detail = plain(detail) or None
    if detail and len(detail) > REASON_MAX:
        raise InvalidInput(_("Maksimal %(max)d karakter.", max=REASON_MAX), field="detail")
    open_flag = db.session.scalar(
        select(Flag.id).where(Flag.post_id == post.id, Flag.reporter_id == user.id, Flag.resolved_at.is_(None))
    )
    if open_flag is not None:
        raise AlreadyFlagged(_("Anda sudah melaporkan pesan ini. Moderator akan memeriksanya."))
    others_open = db.session.scalar(
        select(Flag.id).where(Flag.post_id == post.id, Flag.resolved_at.is_(None)).limit(1)
    )
    flag = Flag(post_id=post.id, reporter_id=user.id, reason=reason, detail=detail, created_at=now or utcnow())
    db.session.add(flag)
    db.session.flush()
    if notify and others_open is None:
        # One bell per reported post while its reports are open, however many people report it.
        notify_many(_moderators(), "moderation",
                    _("Pesan di utas \"%(title)s\" dilaporkan: %(reason)s. Mohon diperiksa.",
                      title=post.thread.title, reason=flag.reason_label),
                    _path("forum.resolve_flag", flag_id=flag.id), exclude=user)
    return flag


def _resolve_open_flags(moderator, post, resolution, now):
    db.session.execute(
        update(Flag).where(Flag.post_id == post.id, Flag.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by_id=moderator.id, resolution=resolution)
    )


def resolve_flag(moderator, flag, action, reason=None, now=None):
    """Settle a report: hide the post (settling every report on it) or dismiss this report."""
    now = now or utcnow()
    _ensure_moderator(moderator)
    if flag.resolved_at is not None:
        raise AlreadyResolved(_("Laporan ini sudah diselesaikan."))
    if action == "hide":
        reason = plain(reason) or str(flag.reason_label)
        hide_post(moderator, flag.post, reason, now=now)
    elif action == "dismiss":
        flag.resolved_at, flag.resolved_by_id, flag.resolution = now, moderator.id, "dismissed"
        record_audit(moderator, "forum.flag.dismiss", flag, before={"resolution": None},
                     after={"resolution": "dismissed"}, reason=plain(reason) or None)
    else:
        raise InvalidInput(_("Pilih tindakan: sembunyikan pesan atau abaikan laporan."), field="action")
    return flag


# ---------------------------------------------------------------- moderation


def _ensure_moderator(user):
    if not permissions.can_moderate_forum(user):
        raise NotAllowed(_("Hanya moderator yang dapat melakukan tindakan ini."))


def _reason(reason, required=True):
    reason = plain(reason)
    if required and not reason:
        raise InvalidInput(_("Tulis alasannya; alasan ini ditampilkan kepada warga."), field="reason")
    if len(reason) > REASON_MAX:
        raise InvalidInput(_("Maksimal %(max)d karakter.", max=REASON_MAX), field="reason")
    # Moderators' reasons are shown where the post was: no resident's NIK, phone or e-mail there.
    return refuse_personal_data(reason, "reason") or None


def hide_post(moderator, post, reason, now=None):
    """Hide a post behind its reason (the opening post hides the thread from lists); return whether it changed."""
    now = now or utcnow()
    _ensure_moderator(moderator)
    reason = _reason(reason)
    if post.hidden_at is not None:
        return False
    thread = post.thread
    before = _post_snapshot(post)
    was_visible = post.is_visible
    post.hidden_at, post.hidden_reason, post.hidden_by_id = now, reason, moderator.id
    if post.is_opening:
        was_listed = _listed(thread)
        thread.hidden_at, thread.hidden_reason = now, reason
        if was_listed:
            _count_in_category(thread.category_id, -1)
    elif was_visible:
        _bump(Thread, thread, "reply_count", -1)
    _resolve_open_flags(moderator, post, "hidden", now)
    record_audit(moderator, "forum.post.hide", post, before=before, after=_post_snapshot(post), reason=reason)
    notify_many([post.author], "moderation",
                _("Pesan Anda di utas \"%(title)s\" disembunyikan oleh moderator. Alasan: %(reason)s",
                  title=thread.title, reason=reason), post_path(post), exclude=moderator)
    return True


def restore_post(moderator, post, now=None):
    """Show a hidden post again; return whether it changed."""
    _ensure_moderator(moderator)
    if post.hidden_at is None:
        return False
    thread = post.thread
    before = _post_snapshot(post)
    post.hidden_at = post.hidden_reason = post.hidden_by_id = None
    if post.is_opening:
        thread.hidden_at = thread.hidden_reason = None
        if _listed(thread):
            _count_in_category(thread.category_id, 1, activity_at=thread.last_activity_at)
    elif post.deleted_at is None:
        _bump(Thread, thread, "reply_count", 1)
    record_audit(moderator, "forum.post.restore", post, before=before, after=_post_snapshot(post))
    return True


def _set_thread_flag(moderator, thread, attribute, value, action, reason=None):
    _ensure_moderator(moderator)
    if getattr(thread, attribute) == value:
        return False
    before = _thread_snapshot(thread)
    setattr(thread, attribute, value)
    record_audit(moderator, action, thread, before=before, after=_thread_snapshot(thread), reason=reason)
    return True


def lock_thread(moderator, thread, reason=None):
    """Lock a thread: no new replies (moderators still may); return whether it changed."""
    return _set_thread_flag(moderator, thread, "is_locked", True, "forum.thread.lock", _reason(reason, False))


def unlock_thread(moderator, thread):
    """Open a locked thread for replies again; return whether it changed."""
    return _set_thread_flag(moderator, thread, "is_locked", False, "forum.thread.unlock")


def pin_thread(moderator, thread):
    """Pin a thread to the top of its category; return whether it changed."""
    return _set_thread_flag(moderator, thread, "is_pinned", True, "forum.thread.pin")


def unpin_thread(moderator, thread):
    """Unpin a thread; return whether it changed."""
    return _set_thread_flag(moderator, thread, "is_pinned", False, "forum.thread.unpin")


def _assign_to_unit(actor, thread, now):
    # The new unit's own policy applies, counted from the opening: the deadline never moves later.
    deadline = thread_deadline(thread)
    responses.assign_item(
        source=SOURCE, item_type=ITEM_TYPE, item_id=thread.id, title=thread.title, url=thread_path(thread),
        unit=thread.category.unit, asn=None, assigned_by=actor, deadline_at=deadline, now=now,
    )
    thread.deadline_at = deadline
    _notify_unit_of_thread(thread, actor)


def move_thread(moderator, thread, category, now=None):
    """Move a thread to another category; an unanswered one goes to the new unit, deadline from the opening."""
    now = now or utcnow()
    _ensure_moderator(moderator)
    if category.id == thread.category_id:
        return False
    before = _thread_snapshot(thread)
    unit_changed = category.unit_id != thread.category.unit_id
    old_category_id = thread.category_id
    thread.category = category
    if _listed(thread):
        _count_in_category(old_category_id, -1)
        _count_in_category(category.id, 1, activity_at=thread.last_activity_at)
    if unit_changed:
        if thread.service is not None and thread.service.unit_id != category.unit_id:
            thread.service = None
        if not thread.has_official_answer and thread.status != "selesai":
            _assign_to_unit(moderator, thread, now)
    record_audit(moderator, "forum.thread.move", thread, before=before, after=_thread_snapshot(thread))
    return True


def close_thread(moderator, thread, reason=None, now=None):
    """Close a thread as done (selesai); nobody needs to answer it any more."""
    now = now or utcnow()
    _ensure_moderator(moderator)
    reason = _reason(reason, required=False)
    if thread.status == "selesai":
        return False
    before = _thread_snapshot(thread)
    thread.status = "selesai"
    responses.end_assignments(SOURCE, ITEM_TYPE, thread.id, now=now)
    record_audit(moderator, "forum.thread.close", thread, before=before, after=_thread_snapshot(thread), reason=reason)
    return True


def reopen_thread(moderator, thread, now=None):
    """Reopen a finished thread; without an official answer its unit must answer again."""
    now = now or utcnow()
    _ensure_moderator(moderator)
    if thread.status != "selesai":
        return False
    before = _thread_snapshot(thread)
    thread.accepted_post_id = None
    thread.status = "dijawab" if thread.has_official_answer else "terbuka"
    if not thread.has_official_answer:
        _assign_to_unit(moderator, thread, now)
    record_audit(moderator, "forum.thread.reopen", thread, before=before, after=_thread_snapshot(thread))
    return True


def suspend_user(moderator, user, days, reason, now=None):
    """Stop a person from posting for a number of days, with a reason they are told."""
    now = now or utcnow()
    _ensure_moderator(moderator)
    if not permissions.can_suspend_user(moderator, user):
        raise NotAllowed(_("Akun moderator, admin, atau akun yang sudah dihapus tidak dapat ditangguhkan di sini."))
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise InvalidInput(_("Lama penangguhan harus 1–365 hari."), field="days")
    reason = _reason(reason)
    before = _user_snapshot(user)
    user.suspended_until = now + timedelta(days=days)
    user.suspension_reason = reason
    record_audit(moderator, "forum.user.suspend", user, before=before, after=_user_snapshot(user), reason=reason)
    notify_many([user], "moderation",
                _("Akun Anda ditangguhkan dari forum sampai %(until)s. Alasan: %(reason)s",
                  until=wib(user.suspended_until), reason=reason), _path("forum.index"), exclude=moderator)
    return user


def unsuspend_user(moderator, user, now=None):
    """Lift a suspension early; return whether the person was suspended."""
    _ensure_moderator(moderator)
    if not user.is_suspended(now or utcnow()):
        return False
    before = _user_snapshot(user)
    user.suspended_until = None
    user.suspension_reason = None
    record_audit(moderator, "forum.user.unsuspend", user, before=before, after=_user_snapshot(user))
    return True


# ---------------------------------------------------------------- categories (admins)


def _category_values(name, slug, description, position):
    name = " ".join(plain(name).split())
    if not 2 <= len(name) <= 120:
        raise InvalidInput(_("Nama kategori harus 2–120 karakter."), field="name")
    slug = plain(slug) or slugify(name, max_length=80)
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug) or len(slug) > 80:
        raise InvalidInput(_("Slug hanya boleh huruf kecil, angka, dan tanda hubung."), field="slug")
    return name, slug, plain(description), int(position or 0)


def _ensure_category_unique(name, slug, category_id=None):
    for column, value, field, message in (
        (Category.name, name, "name", _("Nama kategori ini sudah dipakai.")),
        (Category.slug, slug, "slug", _("Slug ini sudah dipakai kategori lain.")),
    ):
        clash = db.session.scalar(select(Category.id).where(func.lower(column) == value.lower()))
        if clash is not None and clash != category_id:
            raise CategoryTaken(message, field=field)


def _category_snapshot(category):
    return {"name": category.name, "slug": category.slug, "description": category.description,
            "unit_id": category.unit_id, "position": category.position}


def create_category(admin, *, name, slug, description, unit, position=0):
    """Add a forum category answered by a unit."""
    if not permissions.can_manage_forum_categories(admin):
        raise NotAllowed(_("Hanya admin yang dapat mengelola kategori forum."))
    name, slug, description, position = _category_values(name, slug, description, position)
    _ensure_category_unique(name, slug)
    category = Category(name=name, slug=slug, description=description, unit=unit, position=position)
    db.session.add(category)
    db.session.flush()
    record_audit(admin, "forum.category.create", category, after=_category_snapshot(category))
    return category


def update_category(admin, category, *, name, slug, description, unit, position=0):
    """Change a forum category; its threads follow it to a new unit for later answers."""
    if not permissions.can_manage_forum_categories(admin):
        raise NotAllowed(_("Hanya admin yang dapat mengelola kategori forum."))
    name, slug, description, position = _category_values(name, slug, description, position)
    _ensure_category_unique(name, slug, category.id)
    before = _category_snapshot(category)
    category.name, category.slug, category.description, category.position = name, slug, description, position
    category.unit = unit
    after = _category_snapshot(category)
    if before != after:
        record_audit(admin, "forum.category.update", category, before=before, after=after)
    db.session.flush()
    return category


# ---------------------------------------------------------------- account deletion


def anonymise_forum_contributions(user):
    """Drop a deleted person's pseudonyms and follows; their posts stay, shown as "Pengguna terhapus"."""
    # UU 27/2022 (PDP): erase what identifies the person, keep threads others replied to readable.
    db.session.execute(update(Post).where(Post.author_id == user.id).values(pseudonym=None))
    db.session.execute(update(Thread).where(Thread.author_id == user.id).values(pseudonym=None))
    db.session.execute(delete(ThreadFollow).where(ThreadFollow.user_id == user.id))
