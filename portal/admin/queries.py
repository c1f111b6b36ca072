"""Read-only queries of the admin area: accounts and the audit log."""

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User, UserRole
from portal.audit import AuditEntry
from portal.extensions import db


def get_user_or_404(user_id):
    """Return the account (deleted ones included) or abort with 404."""
    return db.get_or_404(User, user_id)


def search_users(text="", role=""):
    """Build the query for accounts matching a name or e-mail, optionally with a role, by name."""
    # The list shows every account's roles: one query for all of them, not one per row.
    query = select(User).options(selectinload(User.role_rows)).order_by(User.name, User.id)
    text = (text or "").strip()
    if text:
        query = query.where(or_(User.name.icontains(text, autoescape=True), User.email.icontains(text, autoescape=True)))
    if role:
        query = query.where(User.role_rows.any(UserRole.role == role))
    return query


def search_audit_log(action="", target_type="", target_id=""):
    """Build the query for audit entries, newest first, optionally filtered."""
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    if target_type:
        query = query.where(AuditEntry.target_type == target_type)
    if target_id:
        query = query.where(AuditEntry.target_id == target_id)
    return query


def list_audit_actions():
    """List the distinct actions in the audit log, alphabetically."""
    return db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()


def list_audit_target_types():
    """List the distinct object types in the audit log, alphabetically."""
    return db.session.scalars(select(AuditEntry.target_type).distinct().order_by(AuditEntry.target_type)).all()
