"""Read-only queries for forum pages. Each page costs a fixed number of queries, however big the data."""

from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from forum.models import THREAD_STATUSES, Category, Flag, Post, PostRevision, PostVote, Thread, ThreadFollow
from portal import permissions
from portal.accounts.models import User
from portal.db import utcnow
from portal.extensions import db
from portal.organisation.models import AsnProfile, Service, Unit
from portal.pagination import MAX_PAGE as LIST_MAX_PAGE
from portal.pagination import Paginated, count_up_to
from portal.responses.models import Assignment, ResponseEvent

PER_PAGE = 20
MAX_PAGE = 100_000  # beyond any real thread; stops absurd OFFSETs before they reach the database

SOURCE = "forum"


@dataclass
class PageOf(Paginated):
    """One page of a list, shaped like Flask-SQLAlchemy's Pagination for the `pagination` macro."""

    items: list
    page: int
    per_page: int
    total: int
    extra: dict = field(default_factory=dict)


def check_page(page):
    """Abort with 404 for a page number no list can have."""
    if page is None or page < 1 or page > MAX_PAGE:
        abort(404)
    return page


def page_of_post(number):
    """Return the page of a thread on which post number n appears."""
    return (number - 1) // PER_PAGE + 1


# ---------------------------------------------------------------- lookups


def _sane(slug):
    # A slug from the URL: PostgreSQL refuses NUL characters, and no slug is longer than its column.
    return bool(slug) and "\x00" not in slug and len(slug) <= 80


def _sane_id(value):
    # An id from a form or query string: beyond PostgreSQL's integer it cannot exist.
    return value is not None and 0 < value < 2**31


def get_category_or_404(slug):
    """Return the category with this slug, or abort with 404."""
    category = db.session.scalar(select(Category).where(Category.slug == slug)) if _sane(slug) else None
    if category is None:
        abort(404)
    return category


def category_id_for_slug(slug):
    """Return the id of the category with this slug, or None."""
    return db.session.scalar(select(Category.id).where(Category.slug == slug)) if _sane(slug) else None


def is_following(user, thread):
    """Say whether the person follows the thread."""
    return db.session.scalar(
        select(ThreadFollow.user_id).where(ThreadFollow.thread_id == thread.id, ThreadFollow.user_id == user.id)
    ) is not None


def get_category_by_id_or_404(category_id):
    """Return the category with this id, or abort with 404."""
    category = db.session.get(Category, category_id) if _sane_id(category_id) else None
    if category is None:
        abort(404)
    return category


def get_thread_or_404(thread_id, *, include_deleted=False):
    """Return the thread, or abort with 404 (deleted threads too, unless asked for)."""
    thread = db.session.get(Thread, thread_id) if _sane_id(thread_id) else None
    if thread is None or (thread.deleted_at is not None and not include_deleted):
        abort(404)
    return thread


def get_post_or_404(post_id):
    """Return the post with its thread, or abort with 404 (also when the thread was deleted)."""
    if not _sane_id(post_id):
        abort(404)
    post = db.session.scalar(
        select(Post).where(Post.id == post_id).options(joinedload(Post.thread), joinedload(Post.author))
    )
    if post is None or post.thread.deleted_at is not None:
        abort(404)
    return post


def get_revision_or_404(revision_id):
    """Return an earlier version of a post, with its post and thread, or abort with 404."""
    revision = db.session.get(PostRevision, revision_id) if _sane_id(revision_id) else None
    if revision is None:
        abort(404)
    get_post_or_404(revision.post_id)  # a deleted thread takes its history with it
    return revision


def get_flag_or_404(flag_id):
    """Return the report, or abort with 404."""
    flag = db.session.get(Flag, flag_id) if _sane_id(flag_id) else None
    if flag is None:
        abort(404)
    return flag


def get_user_or_404(user_id):
    """Return the account, or abort with 404."""
    user = db.session.get(User, user_id) if _sane_id(user_id) else None
    if user is None:
        abort(404)
    return user


def list_category_choices():
    """List (id, name) of every category in display order, for select boxes."""
    return db.session.execute(select(Category.id, Category.name).order_by(Category.position, Category.name)).all()


def list_service_choices():
    """List (id, service name, unit name) of the services of units that have a category, for a select box."""
    with_category = select(Category.unit_id)
    return db.session.execute(
        select(Service.id, Service.name, Unit.name)
        .join(Unit, Unit.id == Service.unit_id)
        .where(Service.unit_id.in_(with_category))
        .order_by(Unit.name, Service.name)
    ).all()


def get_service(service_id):
    """Return the service with this id, or None."""
    return db.session.get(Service, service_id) if _sane_id(service_id) else None


# ---------------------------------------------------------------- lists


def list_categories():
    """List categories in display order as (category, thread count, last activity), from their kept totals."""
    return [(category, category.thread_count, category.last_activity_at) for category in db.session.scalars(
        select(Category).order_by(Category.position, Category.name)
    )]


def category_threads(category, page=1, status=None, include_hidden=False):
    """One page of a category's threads: pinned first, then newest activity; rows of (thread, votes).

    Like every list, it stops at MAX_PAGE pages (portal/pagination.py): the total is the kept
    count of listed threads, or for a filtered or moderator's view a count that stops after the
    last page it could show, so neither the count nor the OFFSET grows with the category.
    """
    if page is None or page < 1 or page > LIST_MAX_PAGE:
        abort(404)
    conditions = [Thread.category_id == category.id, Thread.deleted_at.is_(None)]
    if not include_hidden:
        conditions.append(Thread.hidden_at.is_(None))
    if status in THREAD_STATUSES:
        conditions.append(Thread.status == status)
    if include_hidden or status in THREAD_STATUSES:
        total = count_up_to(select(Thread.id).where(*conditions), LIST_MAX_PAGE * PER_PAGE + 1)
    else:
        total = category.thread_count
    # The thread's votes are its opening post's.
    rows = db.session.execute(
        select(Thread, Post.vote_count)
        .join(Post, and_(Post.thread_id == Thread.id, Post.number == 1))
        .where(*conditions)
        .order_by(Thread.is_pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    result = PageOf(items=rows, page=page, per_page=PER_PAGE, total=total)
    result.page_limit = LIST_MAX_PAGE
    if page > result.pages:
        abort(404)
    return result


@dataclass
class ThreadPage:
    """What a thread page shows: its posts on this page and the viewer's state, each in one query."""

    thread: Thread
    posts: PageOf
    voted: set
    events: dict
    following: bool
    assignment: Assignment | None


def thread_page(thread, page, user):
    """Load one page of a thread: posts with authors and ASN badges, the viewer's votes, events, follow."""
    check_page(page)
    total = thread.post_count  # every post ever numbered, deleted ones included: numbers have no gaps
    first = (page - 1) * PER_PAGE + 1
    # Posts are numbered 1..post_count, so a page is a range on the (thread, number) index: the
    # last page of a 10,000-post thread costs the same as the first (no OFFSET scan).
    author = joinedload(Post.author)
    if user is not None and permissions.can_moderate_forum(user):
        # A moderator sees "Tangguhkan" beside authors who are not staff: their roles, in one query.
        author = author.selectinload(User.role_rows)
    posts = db.session.scalars(
        select(Post)
        .where(Post.thread_id == thread.id, Post.number.between(first, first + PER_PAGE - 1))
        .options(author, joinedload(Post.official_asn).joinedload(AsnProfile.unit))
        .order_by(Post.number)
    ).unique().all()
    result = PageOf(items=posts, page=page, per_page=PER_PAGE, total=total)
    if page > result.pages:
        abort(404)
    ids = [post.id for post in posts]
    voted, following = set(), False
    if user is not None and user.is_authenticated:
        voted = set(db.session.scalars(
            select(PostVote.post_id).where(PostVote.user_id == user.id, PostVote.post_id.in_(ids))
        ))
        following = is_following(user, thread)
    events = {
        event.answer_id: event
        for event in db.session.scalars(
            select(ResponseEvent).where(ResponseEvent.source == SOURCE, ResponseEvent.answer_id.in_(ids))
        )
    }
    assignment = db.session.scalar(
        select(Assignment)
        .where(Assignment.source == SOURCE, Assignment.item_type == "thread", Assignment.item_id == thread.id,
               Assignment.ended_at.is_(None), Assignment.answered_at.is_(None))
        .options(joinedload(Assignment.asn), joinedload(Assignment.unit))
        .order_by(Assignment.assigned_at.desc())
        .limit(1)
    )
    return ThreadPage(thread=thread, posts=result, voted=voted, events=events, following=following,
                      assignment=assignment)


def post_revisions(post):
    """List the earlier versions of a post, newest first, with their editors."""
    return db.session.scalars(
        select(PostRevision).where(PostRevision.post_id == post.id)
        .options(joinedload(PostRevision.editor))
        .order_by(PostRevision.replaced_at.desc(), PostRevision.id.desc())
    ).all()


@dataclass
class Waiting:
    """One row of "Perlu ditanggapi": the assignment, how long it has waited, and whether it is late."""

    assignment: Assignment
    waited: object  # timedelta since the thread opened: its deadline runs from then (DOMAIN.md §4)
    overdue: bool


def needs_response(asn, page=1, now=None):
    """The "Perlu ditanggapi" list: open forum assignments for this ASN or their whole unit, oldest first."""
    check_page(page)
    now = now or utcnow()
    conditions = [
        Assignment.source == SOURCE,
        Assignment.ended_at.is_(None),
        Assignment.answered_at.is_(None),
        or_(Assignment.asn_id == asn.id, and_(Assignment.asn_id.is_(None), Assignment.unit_id == asn.unit_id)),
    ]
    total = db.session.scalar(select(func.count(Assignment.id)).where(*conditions))
    rows = db.session.scalars(
        select(Assignment).where(*conditions)
        .order_by(Assignment.assigned_at, Assignment.id)
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    # A reassigned thread has waited since it opened, not since it reached this officer.
    opened = dict(db.session.execute(
        select(Thread.id, Thread.created_at).where(Thread.id.in_([row.item_id for row in rows]))
    ).all()) if rows else {}
    items = [
        Waiting(assignment=row, waited=now - opened.get(row.item_id, row.assigned_at),
                overdue=row.deadline_at is not None and row.deadline_at < now)
        for row in rows
    ]
    result = PageOf(items=items, page=page, per_page=PER_PAGE, total=total)
    if page > result.pages:
        abort(404)
    return result


def moderation_queue(page=1):
    """Open reports, oldest first, with their post, thread, author and reporter."""
    check_page(page)
    conditions = [Flag.resolved_at.is_(None)]
    total = db.session.scalar(select(func.count(Flag.id)).where(*conditions))
    flags = db.session.scalars(
        select(Flag).where(*conditions)
        .options(
            joinedload(Flag.post).joinedload(Post.thread),
            joinedload(Flag.post).joinedload(Post.author),
            joinedload(Flag.reporter),
        )
        .order_by(Flag.created_at, Flag.id)
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).unique().all()
    result = PageOf(items=flags, page=page, per_page=PER_PAGE, total=total)
    if page > result.pages:
        abort(404)
    return result


def list_suspended_users(now=None):
    """List the accounts suspended right now, the soonest to return first."""
    return db.session.scalars(
        select(User).where(User.suspended_until > (now or utcnow())).order_by(User.suspended_until)
    ).all()


def get_quotable_post(thread, post_id):
    """Return a visible post of this thread to quote, or None."""
    if not _sane_id(post_id):
        return None
    post = db.session.get(Post, post_id)
    if post is None or post.thread_id != thread.id or not post.is_visible:
        return None
    return post
