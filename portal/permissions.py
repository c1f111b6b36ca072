"""Every permission rule of the portal, in one place.

Views call these through `require(...)`; templates call the same functions (they are
template globals), so a button is shown exactly when the server would allow the action.
"""

from datetime import timedelta

from flask import abort, current_app

from portal.db import utcnow
from portal.feedback import workflow


def require(allowed):
    """Stop the request unless the check passed: visitors go to sign in, others get 403."""
    if allowed:
        return
    from flask import request
    from flask_login import current_user

    from portal.extensions import login_manager

    if not current_user.is_authenticated and not request.path.startswith("/api/"):
        abort(login_manager.unauthorized())
    abort(403)


def is_signed_in(user):
    """Say whether the visitor has an account and is signed in."""
    # getattr: a feedback viewer known only by its private key (FeedbackView) is nobody's account.
    return bool(user and getattr(user, "is_authenticated", False))


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


# ---------------------------------------------------------------- konsultasi
# The phase rules live on the Consultation model (is_open_for_registration, is_live, …), so
# this module needs no import from the konsultasi package.


def is_active_participant(user):
    """Say whether the user may take part: signed in, e-mail verified, not suspended."""
    return is_signed_in(user) and user.is_verified and not user.is_deleted and not user.is_suspended()


def can_manage_consultation(user):
    """Say whether the user may create consultations and run them (moderator console, report)."""
    return is_moderator(user)


def can_view_consultation(user, consultation):
    """Say whether the user may see the consultation (drafts only for moderators)."""
    return consultation.phase != "draf" or can_manage_consultation(user)


def can_register(user, consultation):
    """Say whether the user may register for the consultation now."""
    return is_active_participant(user) and consultation.is_open_for_registration


def can_comment_section(user, consultation):
    """Say whether the user may comment on the consultation's draft document now."""
    return is_active_participant(user) and consultation.is_open_for_comments


def can_ask_question(user, consultation):
    """Say whether the user may ask a question in the live session now."""
    return is_active_participant(user) and consultation.is_live


def can_vote_question(user, question, consultation):
    """Say whether the user may upvote this question (approved, live, and not their own)."""
    return (
        is_active_participant(user)
        and consultation.is_live
        and question.status == "disetujui"
        and question.author_id != user.id
    )


def can_answer_konsultasi_input(user, consultation):
    """Say whether the user may answer for the city: an ASN of the responsible unit or a speaker."""
    if not is_asn(user):
        return False
    profile = user.asn_profile
    return profile.unit_id == consultation.unit_id or consultation.has_speaker(profile)


def can_view_consultation_report(user, consultation):
    """Say whether the user may read the report (public once published; moderators preview it)."""
    return consultation.has_report or (consultation.phase == "ditutup" and can_manage_consultation(user))


def can_edit_consultation_document(user, consultation):
    """Say whether the user may add, change or remove sections (moderators, while a draft: comments cite the text)."""
    return can_manage_consultation(user) and consultation.phase == "draf"


def can_write_report_summary(user, consultation):
    """Say whether the user may write the report summary (moderators, once closed and before the report is out)."""
    return can_manage_consultation(user) and consultation.phase == "ditutup"


def can_cancel_registration(user, registration):
    """Say whether the user may give up this seat or waiting place (their own, while registration is open)."""
    return (
        is_signed_in(user)
        and registration is not None
        and registration.user_id == user.id
        and registration.is_active
        and registration.consultation.is_open_for_registration
    )


def can_check_in(user, registration):
    """Say whether the user may record this participant's attendance (moderators, a seat, during check-in)."""
    return (
        can_manage_consultation(user)
        and registration.status == "terdaftar"
        and registration.consultation.is_check_in_open
    )


def can_moderate_questions(user, consultation):
    """Say whether the user may approve, decline and mark questions answered now (moderators, while open)."""
    return can_manage_consultation(user) and consultation.is_moderation_open


def can_set_now_answering(user, question, consultation):
    """Say whether the user may show this approved question as the one answered now (live session)."""
    return (
        can_manage_consultation(user)
        and consultation.is_live
        and question.status == "disetujui"
        and question.id != consultation.now_answering_id
    )


def template_globals():
    """Every predicate of this module, for templates (read at app start, so later additions count)."""
    return {name: value for name, value in globals().items() if name.startswith(("can_", "is_")) or name == "supervises"}


# --- Service feedback -------------------------------------------------------------------------


def _asn_of_unit(user, unit_id):
    return is_asn(user) and user.asn_profile.unit_id == unit_id


def can_handle_feedback(user, feedback):
    """Say whether the user handles this feedback item: its unit's ASN or a moderator (who verifies, rejects, follows it)."""
    return _asn_of_unit(user, feedback.unit_id) or is_moderator(user)


def is_feedback_assigner(user, feedback):
    """Say whether the user may hand feedback items of this unit to an ASN (an atasan of its unit, or a moderator)."""
    return (is_atasan(user) and _asn_of_unit(user, feedback.unit_id)) or is_moderator(user)


def is_feedback_assignee(user, feedback):
    """Say whether the user is the ASN assigned to answer this item."""
    return is_asn(user) and feedback.assigned_asn_id == user.asn_profile.id


def is_feedback_owner(viewer, feedback):
    """Say whether the viewer is the resident who sent the item.

    The viewer is a FeedbackView (it holds the private key or is the signed-in submitter; an
    anonymous reporter has only the key) or a user.
    """
    owner = getattr(viewer, "owner", None)
    return bool(owner) if owner is not None else is_feedback_submitter(viewer, feedback)


def _may_act_on_feedback(action, user, feedback):
    # The workflow table says from which statuses an action starts and who takes it.
    step = workflow.ACTIONS[action]
    return feedback.status in step.sources and FEEDBACK_ACTORS[step.actor](user, feedback)


def can_verify_feedback(user, feedback):
    """Say whether the user may verify this new item as complete."""
    return _may_act_on_feedback("verify", user, feedback)


def can_reject_feedback(user, feedback):
    """Say whether the user may reject this item with a reason (before it is assigned)."""
    return _may_act_on_feedback("reject", user, feedback)


def can_assign_feedback(user, feedback):
    """Say whether the user may assign (or hand over) this verified item to an ASN of its unit."""
    return _may_act_on_feedback("assign", user, feedback)


def can_take_feedback(user, feedback):
    """Say whether the user may take this verified, unassigned item to answer it (any ASN of its unit)."""
    return _may_act_on_feedback("take", user, feedback) and feedback.assigned_asn_id is None


def can_answer_feedback(user, feedback):
    """Say whether the user may write the official answer now (the assigned ASN, while in process)."""
    return _may_act_on_feedback("answer", user, feedback)


def can_rate_feedback(viewer, feedback):
    """Say whether the viewer may rate the answer (the resident, once it is answered)."""
    return _may_act_on_feedback("rate", viewer, feedback)


def can_confirm_feedback(viewer, feedback):
    """Say whether the viewer may confirm the answer solved the problem (the resident)."""
    return _may_act_on_feedback("confirm", viewer, feedback)


def can_reopen_feedback(viewer, feedback):
    """Say whether the viewer may reopen the answered item (the resident, once only)."""
    return _may_act_on_feedback("reopen", viewer, feedback) and feedback.reopen_count == 0


def is_feedback_submitter(user, feedback):
    """Say whether the signed-in user sent this feedback."""
    return is_signed_in(user) and feedback.submitter_id == user.id


# Who takes each workflow step (workflow.ACTIONS[...].actor), as (user, feedback) predicates.
FEEDBACK_ACTORS = {
    "handler": can_handle_feedback,
    "assigner": is_feedback_assigner,
    "unit_asn": lambda user, feedback: _asn_of_unit(user, feedback.unit_id),
    "assignee": is_feedback_assignee,
    "resident": is_feedback_owner,
    "system": lambda user, feedback: False,  # scheduled jobs only (auto-close), never a button
}


def can_see_feedback_text(user, feedback):
    """Say whether the user may read the full text (public items: everyone; private: submitter and handlers)."""
    return feedback.is_public or is_feedback_submitter(user, feedback) or can_handle_feedback(user, feedback) or is_admin(user)


def can_see_feedback_identity(user, feedback):
    """Say whether the user may see who sent it (UU 27/2022: never the public; confidential hides it from the ASN)."""
    if is_feedback_submitter(user, feedback) or is_moderator(user) or is_admin(user):
        return True
    return not feedback.confidential and _asn_of_unit(user, feedback.unit_id)


def can_view_feedback_attachment(user, feedback):
    """Say whether the user may open the photo (submitter, the unit's ASN, moderators, admins)."""
    return is_feedback_submitter(user, feedback) or can_handle_feedback(user, feedback) or is_admin(user)


def can_use_feedback_inbox(user):
    """Say whether the user has a unit inbox of feedback (ASN) or sees all (moderator)."""
    return is_asn(user) or is_moderator(user)


def can_manage_jobs(user):
    """Say whether the user may see failed background jobs and retry or discard them (admins)."""
    return is_admin(user)


def can_manage_calendar(user):
    """Say whether the user may edit holidays and deadline policies (admins)."""
    return is_admin(user)


# --- Forum -------------------------------------------------------------------------------------


def can_post(user, now=None):
    """Say whether the person may write in the forum at all (signed in, verified, not suspended)."""
    return is_signed_in(user) and not user.is_deleted and user.is_verified and not user.is_suspended(now)


def can_open_thread(user):
    """Say whether the person may open a new thread."""
    return can_post(user)


def can_reply(user, thread):
    """Say whether the person may reply in this thread (locked or hidden threads: moderators only)."""
    if not can_post(user) or thread.deleted_at is not None:
        return False
    if thread.is_locked or thread.is_hidden:
        return is_moderator(user)
    return True


def can_answer_officially(user, thread):
    """Say whether the person may post an official answer: an ASN of the category's unit."""
    return can_reply(user, thread) and is_asn(user) and user.asn_profile.unit_id == thread.category.unit_id


def can_edit_post(user, post, now=None):
    """Say whether the person may edit the post: its author within the edit window, a moderator any time."""
    if not is_signed_in(user) or post.deleted_at is not None or post.thread.deleted_at is not None:
        return False
    if is_moderator(user):
        return True
    if post.author_id != user.id or post.hidden_at is not None or post.thread.is_locked or not can_post(user, now):
        return False
    window = timedelta(minutes=current_app.config.get("FORUM_EDIT_WINDOW_MINUTES", 30))
    return (now or utcnow()) - post.created_at <= window


def can_delete_post(user, post):
    """Say whether the person may delete the post (its author; moderators hide instead)."""
    return is_signed_in(user) and post.author_id == user.id and post.deleted_at is None and post.thread.deleted_at is None


def can_view_post_history(user, post):
    """Say whether the person may read the post's earlier versions: its author and moderators only.

    UU 27/2022 (PDP): what an author removed (often a NIK or phone number) stays removed for
    everyone else. Hidden or deleted posts: moderators only.
    """
    if is_moderator(user):
        return True
    if post.deleted_at is not None or post.hidden_at is not None or post.thread.deleted_at is not None:
        return False
    return is_signed_in(user) and not user.is_deleted and post.author_id == user.id


def can_purge_revision(user, revision):
    """Say whether the person may erase the text of an earlier version of a post (moderators)."""
    return is_moderator(user) and revision.purged_at is None


def can_vote(user, post):
    """Say whether the person may upvote the post: never their own, never a hidden or deleted one."""
    return can_post(user) and post.author_id != user.id and post.is_visible and post.thread.deleted_at is None


def can_flag(user, post):
    """Say whether the person may report the post to the moderators (anyone signed in but its author)."""
    return is_signed_in(user) and post.author_id != user.id and post.deleted_at is None


def can_follow_thread(user, thread):
    """Say whether the person may follow the thread and be notified of replies."""
    return is_signed_in(user) and thread.deleted_at is None


def can_accept_answer(user, post):
    """Say whether the person may mark this reply as the accepted answer: the thread's author or a moderator.

    Only a visible reply, never the opening post. Accepting the accepted answer again is a
    harmless repeat (a double click), so it stays allowed.
    """
    thread = post.thread
    if not is_signed_in(user) or thread.deleted_at is not None:
        return False
    if post.is_opening or not post.is_visible:
        return False
    return thread.author_id == user.id or is_moderator(user)


def can_rate_answer(user, post):
    """Say whether the person may rate this official answer (the thread's author only)."""
    return (
        is_signed_in(user)
        and post.is_official
        and post.is_visible
        and post.thread.author_id == user.id
        and post.thread.deleted_at is None
    )


def can_assign_thread(user, thread):
    """Say whether the person may assign the thread: a moderator, or an atasan of the category's unit."""
    if thread.deleted_at is not None:
        return False
    return is_moderator(user) or (is_atasan(user) and user.asn_profile.unit_id == thread.category.unit_id)


def can_see_needs_response(user):
    """Say whether the person has a "Perlu ditanggapi" list (an ASN with a profile)."""
    return is_asn(user)


def can_moderate_forum(user):
    """Say whether the person may hide posts, lock, pin, move and close threads, and suspend users."""
    return is_moderator(user)


def can_close_thread(user, thread):
    """Say whether the person may close the thread as done (a moderator, while it is not done yet)."""
    return can_moderate_forum(user) and thread.status != "selesai"


def can_reopen_thread(user, thread):
    """Say whether the person may reopen the finished thread (a moderator)."""
    return can_moderate_forum(user) and thread.status == "selesai"


def can_suspend_user(user, target):
    """Say whether the person may suspend this account from the forum (a moderator; never staff or themselves)."""
    if not can_moderate_forum(user) or target.is_deleted or target.id == user.id:
        return False
    return not (target.has_role("moderator") or target.has_role("admin"))


def can_see_thread_assignee(user, thread, assignment):
    """Say whether the person may see which ASN holds the thread (who assigns it, and that ASN)."""
    if assignment is None or assignment.asn_id is None:
        return False
    return can_assign_thread(user, thread) or (is_asn(user) and user.asn_profile.id == assignment.asn_id)


def can_see_author_account(user):
    """Say whether the person may see the account behind a pseudonym (moderators, to handle abuse)."""
    return is_moderator(user)


def can_manage_forum_categories(user):
    """Say whether the person may create and edit forum categories."""
    return is_admin(user)


# --- Rekam pembinaan (development record) -------------------------------------------------------
# DOMAIN §6 (UU 27/2022): linking public input to one ASN is performance monitoring, so only the
# ASN, their supervisors up the chain and HR (admins) see the record. Moderators and citizens never.


def is_own_record(user, profile):
    """Say whether the profile is the signed-in ASN's own."""
    return is_asn(user) and profile is not None and user.asn_profile.id == profile.id


def is_direct_supervisor(user, profile):
    """Say whether the user is the ASN's direct atasan (the rater under PermenPANRB 6/2022)."""
    return is_asn(user) and profile is not None and profile.supervisor_id == user.asn_profile.id


def can_view_pembinaan_record(user, profile):
    """Say whether the user may open the ASN's development record (own, atasan up the chain, HR)."""
    return is_own_record(user, profile) or supervises(user, profile) or is_admin(user)


def can_open_own_pembinaan_record(user):
    """Say whether the user has a development record of their own (an ASN with a profile)."""
    return is_asn(user)


def can_record_training(user, profile):
    """Say whether the user may add or remove trainings on the record (the ASN, or HR)."""
    return is_own_record(user, profile) or is_admin(user)


def can_plan_work_target(user, profile):
    """Say whether the user may add a work target (the ASN or anyone up the chain; planning is shared)."""
    return is_own_record(user, profile) or supervises(user, profile)


def can_update_work_progress(user, profile):
    """Say whether the user may record progress on the ASN's work targets (the ASN only)."""
    return is_own_record(user, profile)


def can_comment_work_target(user, profile):
    """Say whether the user may give continuous feedback on the ASN's targets (atasan up the chain)."""
    return supervises(user, profile)


def can_evaluate_asn(user, profile):
    """Say whether the user may rate the ASN's period (the direct atasan only, PermenPANRB 6/2022)."""
    return is_direct_supervisor(user, profile)


def can_respond_to_evaluation(user, profile):
    """Say whether the user may answer an evaluation of this record (dialog kinerja: the ASN)."""
    return is_own_record(user, profile)


def can_give_peer_feedback(user, profile):
    """Say whether the user may give peer feedback to this ASN (a colleague of the same unit)."""
    return is_asn(user) and profile is not None and user.asn_profile.id != profile.id \
        and user.asn_profile.unit_id == profile.unit_id


def can_propose_development_goal(user, profile):
    """Say whether the user may propose a development goal for the ASN (atasan up the chain)."""
    return supervises(user, profile)


def can_acknowledge_development_goal(user, profile):
    """Say whether the user may acknowledge goals proposed for this record (the ASN)."""
    return is_own_record(user, profile)


def can_update_development_goal(user, profile):
    """Say whether the user may change a goal's status (the ASN or an atasan up the chain)."""
    return is_own_record(user, profile) or supervises(user, profile)


def can_change_goal_status(user, goal, profile):
    """Say whether the user may move this goal on now: acknowledged by the ASN and still open (proposed or running)."""
    return goal.acknowledged_at is not None and goal.status in ("berjalan", "diusulkan") \
        and can_update_development_goal(user, profile)


def can_contest_rating(user, event):
    """Say whether the user may contest this rating (the ASN who gave the rated answer)."""
    return is_asn(user) and event.asn_id == user.asn_profile.id and event.rating is not None \
        and not event.rating_excluded


def can_review_rating_contests(user):
    """Say whether the user may keep or exclude contested ratings (moderators)."""
    return is_moderator(user)


def can_view_team_pembinaan(user):
    """Say whether the user has a team page (an ASN who supervises someone)."""
    return is_atasan(user)


def can_view_pembinaan_overview(user):
    """Say whether the user may see every ASN's figures, export them, and change settings (HR)."""
    return is_admin(user)
