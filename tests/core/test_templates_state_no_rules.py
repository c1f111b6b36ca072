"""Templates restate no workflow rule: a button or form is offered by a permission predicate alone.

Issue 13 point 7: `{% if feedback.status == 'diterima' and can_handle_feedback(...) %}<form …>` kept
the rule in two places; the predicate (portal/permissions.py, reading the workflow table) now says
it. A status or phase shown as a badge or a notice is fine; one that decides whether a <form> or
a post_button is shown is a rule and belongs in a predicate.
"""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TAG = re.compile(r"{%-?\s*(if|elif|else|endif)\b(.*?)-?%}", re.S)
STATE_TEST = re.compile(r"\.(status|phase)\s*(==|!=|\bin\b|\bnot in\b)")
ACTION = re.compile(r"<form\b|post_button\(|toggle_button\(")


def branches(source):
    """Yield (condition, body) for each if/elif branch of the template, nested ones included."""
    stack = []  # per open if: [condition, body start] of its current branch
    for match in TAG.finditer(source):
        kind, condition = match.group(1), match.group(2)
        if kind == "if":
            stack.append([condition, match.end()])
            continue
        if not stack:  # an inline `x if y else z` expression is not a tag; nothing to close
            continue
        open_condition, start = stack[-1]
        if open_condition is not None:
            yield open_condition, source[start:match.start()]
        if kind == "endif":
            stack.pop()
        else:
            stack[-1] = [condition if kind == "elif" else None, match.end()]


def restated_rules(source):
    return [condition.strip() for condition, body in branches(source)
            if STATE_TEST.search(condition) and ACTION.search(body)]


def test_the_checker_finds_a_restated_rule_and_passes_a_predicate():
    restated = "{% if feedback.status == 'diterima' and can_handle_feedback(u, f) %}<form method=post></form>{% endif %}"
    assert restated_rules(restated) == ["feedback.status == 'diterima' and can_handle_feedback(u, f)"]
    nested = "{% if x.phase in ('a', 'b') %}<p>{% if ok %}{{ post_button(url, 'Go') }}{% endif %}</p>{% endif %}"
    assert restated_rules(nested) == ["x.phase in ('a', 'b')"]
    # A badge by status, and a form behind the predicate alone, are fine.
    fine = ("{% if thread.status == 'selesai' %}<span class=badge>Selesai</span>{% endif %}"
            "{% if can_verify_feedback(u, f) %}<form></form>{% elif f.status != 'x' %}<p>—</p>{% endif %}")
    assert restated_rules(fine) == []


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_decides_an_action_by_status_or_phase(path):
    assert restated_rules(path.read_text(encoding="utf-8")) == []
