"""Every role's access to every route: one table, checked through the HTTP client.

Roles: anonymous, warga (citizen), asn, atasan (an ASN who supervises), moderator, admin.
`RULES` holds one row per endpoint of `app.url_map` and one expectation per method it accepts
(HEAD and OPTIONS aside), parameterised routes included; a route that is not in the table fails
every test below with its name, so a new route cannot slip in without a decision on who may use it.

Each role's run (one test per role) builds one world (tests/access_world.py: a real object for
every URL parameter) and requests every rule with real URLs, POSTs with empty forms (CSRF is off
in the tests). `ARGUMENTS` says which object a rule gets where the argument's name alone does not.

* GET: the exact status per role (200 shown, 302 sent on, 403 refused, 404 hidden, LOGIN = sent
  to the sign-in page with `next`, as login_required does).
* POST: whether the role is let through or not. A POST that is let through may change the world
  (pinning a thread, taking a feedback item), so a POST is only checked for *who* is refused: ALLOWED
  means any answer except refusal (403), hiding (404), the sign-in page or a server error; a 422
  with form errors or a 409 from a business rule counts as let through. Each capability's own tests
  check what a successful POST does. Within a run the GETs go first, then the POSTs in table order,
  the destructive ones (`RUN_LAST`) at the end; after a POST that may end the session the role
  signs in again.
"""

import pytest
from flask import url_for

from tests.access_world import ROLES, World, build_world

LOGIN = "sign-in page"  # a 302/303 to /akun/masuk?next=…, where login_required sends visitors
ALLOWED = "let through"  # POST only: anything but 403, 404, the sign-in page and 5xx


def only(*allowed, status=200, anonymous=LOGIN, others=403):
    """Expected answers: `status` for the allowed roles, `others` for the rest, `anonymous` for visitors."""
    return {role: status if role in allowed else anonymous if role == "anonymous" else others for role in ROLES}


def same(status):
    return dict.fromkeys(ROLES, status)


SIGNED_IN_ROLES = ROLES[1:]
PUBLIC = same(200)
SIGNED_IN = only(*SIGNED_IN_ROLES)
GUESTS_ONLY = {"anonymous": 200, **dict.fromkeys(SIGNED_IN_ROLES, 302)}  # signed-in visitors are sent on
ADMIN = only("admin")
MODERATOR = only("moderator")
EVERYONE_POSTS = same(ALLOWED)
SIGNED_IN_POSTS = only(*SIGNED_IN_ROLES, status=ALLOWED)
ADMIN_POSTS = only("admin", status=ALLOWED)
MODERATOR_POSTS = only("moderator", status=ALLOWED)
UNIT_STAFF = ("asn", "atasan")  # the ASN of the unit that answers (and the atasan, also of that unit)


def posts(*allowed, **kwargs):
    return only(*allowed, status=ALLOWED, **kwargs)


# endpoint → {method: expected answer per role}
RULES = {
    "static": {"GET": PUBLIC},
    "healthz": {"GET": PUBLIC},
    "main.home": {"GET": PUBLIC},
    "main.directory": {"GET": PUBLIC},
    # Anyone may choose a language; a GET without a known language is refused with a message.
    "i18n.switch_language": {"GET": same(400), "POST": EVERYONE_POSTS},

    # Accounts. An unknown token sends everyone on to ask for a new link.
    "accounts.register": {"GET": GUESTS_ONLY, "POST": EVERYONE_POSTS},
    "accounts.login": {"GET": GUESTS_ONLY, "POST": EVERYONE_POSTS},
    "accounts.resend_verification": {"GET": PUBLIC, "POST": EVERYONE_POSTS},
    "accounts.verify_email": {"GET": same(302)},
    "accounts.forgot_password": {"GET": PUBLIC, "POST": EVERYONE_POSTS},
    "accounts.reset_password": {"GET": same(302), "POST": EVERYONE_POSTS},
    "accounts.profile": {"GET": SIGNED_IN, "POST": SIGNED_IN_POSTS},
    "accounts.export_data": {"GET": SIGNED_IN},
    "accounts.change_password": {"POST": SIGNED_IN_POSTS},
    "accounts.delete_account": {"GET": SIGNED_IN, "POST": SIGNED_IN_POSTS},
    "accounts.sign_out_everywhere": {"POST": SIGNED_IN_POSTS},  # then on to sign in again, without `next`
    "accounts.logout": {"POST": EVERYONE_POSTS},
    "notifications.index": {"GET": SIGNED_IN},
    "notifications.read_all": {"POST": SIGNED_IN_POSTS},
    "notifications.open_notification": {"POST": posts("warga", others=404)},  # someone else's: not found
    "notifications.settings": {"GET": SIGNED_IN, "POST": SIGNED_IN_POSTS},
    "notifications.unsubscribe": {"GET": same(404), "POST": same(404)},  # the signed token decides; the world's is bad

    # Administration (BKPSDM).
    "admin.dashboard": {"GET": ADMIN},
    "admin.users": {"GET": ADMIN},
    "admin.user_detail": {"GET": ADMIN},
    "admin.grant_role": {"POST": ADMIN_POSTS},
    "admin.revoke_role": {"POST": ADMIN_POSTS},
    "admin.audit_log": {"GET": ADMIN},
    "admin.units": {"GET": ADMIN},
    "admin.unit_create": {"GET": ADMIN, "POST": ADMIN_POSTS},
    "admin.unit_edit": {"GET": ADMIN, "POST": ADMIN_POSTS},
    "admin.unit_delete": {"POST": ADMIN_POSTS},
    "admin.service_create": {"GET": ADMIN, "POST": ADMIN_POSTS},
    "admin.service_edit": {"GET": ADMIN, "POST": ADMIN_POSTS},
    "admin.service_delete": {"POST": ADMIN_POSTS},
    "admin.asn_list": {"GET": ADMIN},
    "admin.asn_create": {"GET": ADMIN, "POST": ADMIN_POSTS},
    "admin.asn_edit": {"GET": ADMIN, "POST": ADMIN_POSTS},
    "admin.asn_import": {"GET": ADMIN, "POST": ADMIN_POSTS},
    "admin.asn_import_confirm": {"POST": ADMIN_POSTS},
    "jobs.index": {"GET": ADMIN},
    "jobs.retry": {"POST": ADMIN_POSTS},
    "jobs.retry_all": {"POST": ADMIN_POSTS},
    "jobs.discard": {"POST": ADMIN_POSTS},
    "workdays.holidays": {"GET": ADMIN, "POST": ADMIN_POSTS},
    "workdays.delete_holiday": {"POST": ADMIN_POSTS},
    "workdays.deadline_policies": {"GET": ADMIN, "POST": ADMIN_POSTS},
    "forum_admin.categories": {"GET": ADMIN},
    "forum_admin.category_create": {"GET": ADMIN, "POST": ADMIN_POSTS},
    "forum_admin.category_edit": {"GET": ADMIN, "POST": ADMIN_POSTS},

    # Forum. The thread and its opening post are the warga's; `post_id` is a neighbour's reply.
    "forum.index": {"GET": PUBLIC},
    "forum.category": {"GET": PUBLIC},
    "forum.thread": {"GET": PUBLIC},
    "forum.post_link": {"GET": same(302)},  # on to the post's page of the thread
    "forum.new_thread": {"GET": SIGNED_IN, "POST": SIGNED_IN_POSTS},
    "forum.reply": {"POST": SIGNED_IN_POSTS},
    "forum.follow": {"POST": SIGNED_IN_POSTS},
    "forum.vote": {"POST": SIGNED_IN_POSTS},
    "forum.flag": {"GET": SIGNED_IN, "POST": SIGNED_IN_POSTS},
    "forum.post_history": {"GET": only("warga", "moderator")},  # the author and the moderators
    "forum.edit_post": {"GET": only("warga", "moderator"), "POST": posts("warga", "moderator")},
    "forum.accept": {"POST": posts("warga", "moderator")},  # the asker accepts an answer
    "forum.rate": {"POST": posts("warga")},  # the asker rates the official answer
    "forum.assign": {"GET": only("atasan", "moderator"), "POST": posts("atasan", "moderator")},
    "forum.needs_response": {"GET": only(*UNIT_STAFF)},
    "forum.moderation": {"GET": MODERATOR},
    "forum.hide": {"GET": MODERATOR, "POST": MODERATOR_POSTS},
    "forum.restore": {"POST": MODERATOR_POSTS},
    "forum.lock": {"POST": MODERATOR_POSTS},
    "forum.pin": {"POST": MODERATOR_POSTS},
    "forum.move": {"GET": MODERATOR, "POST": MODERATOR_POSTS},
    "forum.close": {"POST": MODERATOR_POSTS},
    "forum.reopen": {"POST": MODERATOR_POSTS},
    "forum.suspend": {"GET": MODERATOR, "POST": MODERATOR_POSTS},
    "forum.unsuspend": {"POST": MODERATOR_POSTS},
    "forum.resolve_flag": {"GET": MODERATOR, "POST": MODERATOR_POSTS},
    "forum.purge_revision": {"POST": MODERATOR_POSTS},
    "forum.delete_post": {"POST": posts("warga")},  # the warga's own reply

    # Konsultasi: an event under way, run by the moderator, for the unit of the ASN and atasan.
    "konsultasi.index": {"GET": PUBLIC},
    "konsultasi.mine": {"GET": SIGNED_IN},
    "konsultasi.detail": {"GET": PUBLIC},
    "konsultasi.calendar": {"GET": PUBLIC},
    "konsultasi.document": {"GET": PUBLIC},
    "konsultasi.qa": {"GET": PUBLIC},
    "konsultasi.qa_feed": {"GET": PUBLIC},
    "konsultasi.register": {"POST": SIGNED_IN_POSTS},
    "konsultasi.cancel": {"POST": SIGNED_IN_POSTS},
    "konsultasi.comment_create": {"POST": SIGNED_IN_POSTS},
    "konsultasi.question_create": {"POST": SIGNED_IN_POSTS},
    "konsultasi.question_vote": {"POST": SIGNED_IN_POSTS},
    "konsultasi.comment_answer": {"GET": only(*UNIT_STAFF), "POST": posts(*UNIT_STAFF)},
    "konsultasi.question_answer": {"GET": only(*UNIT_STAFF, "moderator"), "POST": posts(*UNIT_STAFF, "moderator")},
    "konsultasi.create": {"GET": MODERATOR, "POST": MODERATOR_POSTS},
    "konsultasi.edit": {"GET": MODERATOR, "POST": MODERATOR_POSTS},
    "konsultasi.manage": {"GET": MODERATOR},
    "konsultasi.console": {"GET": MODERATOR},
    "konsultasi.attendance": {"GET": MODERATOR},
    "konsultasi.check_in": {"POST": MODERATOR_POSTS},
    "konsultasi.section_create": {"POST": MODERATOR_POSTS},
    "konsultasi.section_edit": {"GET": MODERATOR, "POST": MODERATOR_POSTS},
    "konsultasi.section_delete": {"POST": MODERATOR_POSTS},
    "konsultasi.speaker_add": {"POST": MODERATOR_POSTS},
    "konsultasi.speaker_remove": {"POST": MODERATOR_POSTS},
    "konsultasi.comment_hide": {"POST": MODERATOR_POSTS},
    "konsultasi.comment_unhide": {"POST": MODERATOR_POSTS},
    "konsultasi.question_approve": {"POST": MODERATOR_POSTS},
    "konsultasi.question_reject": {"POST": MODERATOR_POSTS},
    "konsultasi.question_now": {"POST": MODERATOR_POSTS},
    "konsultasi.summary": {"GET": MODERATOR, "POST": MODERATOR_POSTS},
    "konsultasi.transition": {"POST": MODERATOR_POSTS},
    # A closed consultation: the moderators preview its report until it is published.
    "konsultasi.report": {"GET": MODERATOR},
    "konsultasi.report_download": {"GET": MODERATOR},

    # Feedback (masukan). `number` is the warga's public item; the photo is on a neighbour's item.
    "feedback.public_list": {"GET": PUBLIC},
    "feedback.submit": {"GET": PUBLIC, "POST": EVERYONE_POSTS},
    "feedback.submitted": {"GET": same(302)},  # only right after submitting; otherwise on to tracking
    "feedback.detail": {"GET": PUBLIC},
    "feedback.track_lookup": {"GET": PUBLIC},
    "feedback.track": {"GET": PUBLIC},
    # The submitter's own actions; a visitor with the private link is the submitter too, so no sign-in page.
    "feedback.rate": {"POST": posts("warga", anonymous=403)},
    "feedback.confirm": {"POST": posts("warga", anonymous=403)},
    "feedback.reopen": {"POST": posts("warga", anonymous=403)},
    "feedback.mine": {"GET": SIGNED_IN},
    "feedback.inbox": {"GET": only(*UNIT_STAFF, "moderator")},
    "feedback.manage": {"GET": only(*UNIT_STAFF, "moderator")},
    "feedback.verify": {"POST": posts(*UNIT_STAFF, "moderator")},
    "feedback.reject": {"POST": posts(*UNIT_STAFF, "moderator")},
    "feedback.assign": {"POST": posts("atasan", "moderator")},
    "feedback.take": {"POST": posts(*UNIT_STAFF)},
    "feedback.answer": {"POST": posts(*UNIT_STAFF)},
    "feedback.attachment": {"GET": only("asn", "atasan", "moderator", "admin")},  # not the warga: not theirs
    "feedback.survey": {"GET": PUBLIC, "POST": EVERYONE_POSTS},
    "feedback.ikm": {"GET": PUBLIC},

    # Search and the public API.
    "search.index": {"GET": PUBLIC},
    "search.suggestions": {"GET": PUBLIC},
    "api.openapi_document": {"GET": PUBLIC},
    "api.units": {"GET": PUBLIC},
    "api.unit_ikm": {"GET": PUBLIC},
    "api.service_ikm": {"GET": PUBLIC},
    "api.search_content": {"GET": PUBLIC},
    "api.get_feedback": {"GET": PUBLIC},  # a public item
    "api.create_feedback": {"POST": EVERYONE_POSTS},

    # Pembinaan: the ASN's development record (DOMAIN §6): the ASN, the atasan, HR (admin).
    "pembinaan.mine": {"GET": {"anonymous": LOGIN, "warga": 403, "asn": 302, "atasan": 302, "moderator": 403,
                               "admin": 403}},
    "pembinaan.team": {"GET": only("atasan")},
    "pembinaan.overview": {"GET": ADMIN},
    "pembinaan.export_csv": {"GET": ADMIN},
    "pembinaan.settings": {"GET": ADMIN, "POST": ADMIN_POSTS},
    "pembinaan.contests": {"GET": MODERATOR},
    "pembinaan.decide": {"POST": MODERATOR_POSTS},
    "pembinaan.record": {"GET": only("asn", "atasan", "admin")},
    "pembinaan.evaluation": {"GET": only("asn", "atasan", "admin")},
    "pembinaan.respond": {"POST": posts("asn")},
    "pembinaan.evaluate": {"GET": only("atasan"), "POST": posts("atasan")},
    "pembinaan.propose_goal": {"GET": only("atasan"), "POST": posts("atasan")},
    "pembinaan.acknowledge_goal": {"POST": posts("asn")},
    "pembinaan.goal_status": {"POST": posts("asn", "atasan")},
    "pembinaan.peer_feedback": {"GET": only("atasan"), "POST": posts("atasan")},  # a colleague, not oneself
    "pembinaan.add_target": {"GET": only("asn", "atasan"), "POST": posts("asn", "atasan")},
    "pembinaan.target": {"GET": only("asn", "atasan", "admin")},
    "pembinaan.target_progress": {"POST": posts("asn")},
    "pembinaan.target_feedback": {"POST": posts("atasan")},
    "pembinaan.add_training": {"GET": only("asn", "admin"), "POST": posts("asn", "admin")},
    "pembinaan.certificate": {"GET": only("asn", "atasan", "admin")},
    "pembinaan.delete_training": {"POST": posts("asn", "admin")},
    "pembinaan.contest": {"GET": only("asn"), "POST": posts("asn")},  # the ASN contests a rating of theirs
}

# Which world object a URL argument names, where the default (the argument's own name) is not the one.
ARGUMENTS = {
    "forum.category": {"slug": "category_slug"},
    "forum.post_history": {"post_id": "opening_post_id"},
    "forum.edit_post": {"post_id": "opening_post_id"},
    "forum.rate": {"post_id": "official_post_id"},
    "forum.delete_post": {"post_id": "own_post_id"},
    "api.service_ikm": {"slug": "service_slug"},
    "pembinaan.goal_status": {"goal_id": "running_goal_id"},  # a goal the ASN agreed to: its status may move
    "jobs.discard": {"job_id": "discarded_job_id"},
    "konsultasi.question_approve": {"question_id": "pending_question_id"},
    "konsultasi.question_reject": {"question_id": "pending_question_id"},
    "konsultasi.report": {"consultation_id": "closed_consultation_id"},
    "konsultasi.report_download": {"consultation_id": "closed_consultation_id"},
}

# POSTs that change the world for the rest of the run, in the order they run, after all the others.
RUN_LAST = ("forum.delete_post", "konsultasi.section_delete", "konsultasi.speaker_remove", "konsultasi.cancel",
            "konsultasi.transition", "pembinaan.delete_training", "jobs.discard", "jobs.retry_all", "admin.service_delete", "admin.unit_delete",
            "workdays.delete_holiday", "accounts.delete_account", "accounts.sign_out_everywhere", "accounts.logout")
ENDS_THE_SESSION = {"accounts.delete_account", "accounts.sign_out_everywhere", "accounts.logout"}

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def routes(app, method):
    """The app's rules that accept `method`, in the order a role's run requests them."""
    rules = [rule for rule in app.url_map.iter_rules() if method in rule.methods]
    return sorted(rules, key=lambda rule: RUN_LAST.index(rule.endpoint) + 1 if rule.endpoint in RUN_LAST else 0)


def url_for_rule(world, rule):
    names = ARGUMENTS.get(rule.endpoint, {})
    return url_for(rule.endpoint, **{name: world.args[names.get(name, name)] for name in rule.arguments})


def answer(response):
    """What the response says, in the table's terms."""
    status = response.status_code
    path, _, query = response.headers.get("Location", "").partition("?")
    if status in (302, 303) and path.endswith("/akun/masuk") and "next=" in query:
        return LOGIN
    return status


def let_through(got):
    return got not in (LOGIN, 403, 404) and got < 500


def check(app, client, login, world, role, method):
    """Request every rule accepting `method` as the role; return {rule: (got, expected)} where they differ."""
    user = world.people[role]
    if user is not None:
        login(user)
    wrong = {}
    for rule in routes(app, method):
        expected = RULES.get(rule.endpoint, {}).get(method)
        name = f"{method} {rule.endpoint} ({rule.rule})"
        if expected is None:
            wrong[name] = "not in RULES"
            continue
        response = client.open(url_for_rule(world, rule), method=method, data={})
        got = answer(response)
        response.close()  # files (static, photos) stay open otherwise
        ok = let_through(got) if expected[role] == ALLOWED else got == expected[role]
        if not ok:
            wrong[name] = (got, expected[role])
        if rule.endpoint in ENDS_THE_SESSION and user is not None:
            login(user)
    return wrong


@pytest.fixture
def world(app, make_user, make_unit, make_asn):
    return build_world(app, make_user, make_unit, make_asn)


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_table_says(app, client, login, world, role):
    # One world per role: the pages first, then the state changes (see the module docstring).
    assert check(app, client, login, world, role, "GET") == {}, f"{role}: page → (got, expected)"
    assert check(app, client, login, world, role, "POST") == {}, f"{role}: state change → (got, expected)"


def test_every_route_is_classified(app):
    in_the_app = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
                  for method in rule.methods - IGNORED_METHODS}
    in_the_table = {(endpoint, method) for endpoint, methods in RULES.items() for method in methods}
    assert sorted(in_the_app - in_the_table) == [], "routes without a row in RULES"
    assert sorted(in_the_table - in_the_app) == [], "rows in RULES for routes the app no longer has"
    assert all(set(expected) == set(ROLES) for methods in RULES.values() for expected in methods.values())
    assert not any(ALLOWED in methods.get("GET", {}).values() for methods in RULES.values())


def test_the_sweep_fails_on_a_route_nobody_classified(app, client, login):
    # A method no other route accepts, so the run requests this route alone.
    @app.route("/rute-baru/<int:thread_id>", methods=["PUT"])
    def unclassified_route(thread_id):
        return "ok"

    nobody = World(people={"anonymous": None})
    assert check(app, client, login, nobody, "anonymous", "PUT") == {
        "PUT unclassified_route (/rute-baru/<int:thread_id>)": "not in RULES"}
