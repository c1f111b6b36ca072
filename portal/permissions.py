"""Every permission rule of the portal, in one place.

Views call these through `require(...)`; templates call the same functions (they are
template globals), so a button is shown exactly when the server would allow the action.
"""

from flask import abort


def require(allowed):
    """Abort with 403 unless the permission check passed."""
    if not allowed:
        abort(403)


def is_signed_in(user):
    """Say whether the visitor has an account and is signed in."""
    return bool(user and user.is_authenticated)


def is_admin(user):
    """Say whether the user is an HR admin (BKPSDM)."""
    return is_signed_in(user) and user.has_role("admin")


def is_moderator(user):
    """Say whether the user moderates community content."""
    return is_signed_in(user) and user.has_role("moderator")


def is_asn(user):
    """Say whether the user is a civil servant with a profile."""
    return is_signed_in(user) and user.has_role("asn") and user.asn_profile is not None


def is_atasan(user):
    """Say whether the user supervises at least one ASN."""
    return is_asn(user) and bool(user.asn_profile.subordinates)


def supervises(user, profile):
    """Say whether the user is the ASN's atasan or anyone above in the chain."""
    if not is_asn(user) or profile is None:
        return False
    mine = user.asn_profile.id
    seen = set()
    boss = profile.supervisor
    while boss is not None and boss.id not in seen:  # guard against a cycle in bad data
        if boss.id == mine:
            return True
        seen.add(boss.id)
        boss = boss.supervisor
    return False


def can_access_admin(user):
    """Say whether the user may open the /admin/ area."""
    return is_admin(user)


def can_manage_roles(user):
    """Say whether the user may grant and revoke roles."""
    return is_admin(user)


def can_manage_organisation(user):
    """Say whether the user may edit units, services and ASN profiles."""
    return is_admin(user)


def can_view_audit_log(user):
    """Say whether the user may read the audit log."""
    return is_admin(user)


def can_change_role(actor, target, role):
    """Say whether the actor may grant or revoke this role on this account."""
    if not can_manage_roles(actor) or target.is_deleted:
        return False
    # An admin cannot remove their own admin role: the city must never lock itself out.
    return not (role == "admin" and actor.id == target.id)


TEMPLATE_GLOBALS = {
    name: value
    for name, value in globals().items()
    if name.startswith(("can_", "is_")) or name == "supervises"
}
