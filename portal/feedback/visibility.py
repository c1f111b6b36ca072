"""What one viewer may see of one feedback item: a single decision for the tracking page, the detail page and the API."""

from dataclasses import dataclass

from portal import permissions
from portal.feedback import queries, services


@dataclass(frozen=True)
class FeedbackView:
    """The parts of a feedback item one viewer may see."""

    feedback: object
    secret: str
    owner: bool  # the resident who sent it: holds the private key or is the signed-in submitter
    show_text: bool  # title and body
    show_answer: bool  # the official answers (they may repeat the resident's name or phone)
    show_rating: bool  # the resident's own rating of the answer
    show_resident_notes: bool  # notes the resident wrote, e.g. the reopen reason

    @property
    def history(self):
        return queries.public_history(self.feedback, show_resident_notes=self.show_resident_notes)

    @property
    def answer_event(self):
        return services.latest_answer_event(self.feedback) if self.show_rating else None


def feedback_view(user, feedback, secret=None):
    """Decide what this viewer (signed-in user and/or private key) may see of the feedback item."""
    secret = secret or ""
    owner = services.secret_matches(feedback, secret) or permissions.is_feedback_submitter(user, feedback)
    staff = permissions.can_handle_feedback(user, feedback) or permissions.is_admin(user)
    readable = feedback.is_public or owner or permissions.can_see_feedback_text(user, feedback)
    return FeedbackView(
        feedback=feedback, secret=secret if owner else "", owner=owner, show_text=readable, show_answer=readable,
        show_rating=owner, show_resident_notes=owner or staff,
    )

