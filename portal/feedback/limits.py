"""Rate limits shared by the feedback pages and the JSON API, read from the config on each request."""

from flask import current_app

from portal.extensions import limiter


def _track_rate_limit():
    return current_app.config["TRACK_RATE_LIMIT"]


def _submit_rate_limit():
    return current_app.config["FEEDBACK_SUBMIT_RATE_LIMIT"]


# Tracking numbers are a readable counter: one budget per client over /lacak, /lacak/<number>, the
# resident actions and GET /api/v1/feedback/<number> makes guessing numbers pointless.
track_limit = limiter.shared_limit(_track_rate_limit, scope="feedback-track", override_defaults=False)
# Each submission may carry a photo of several MB: one budget per client for the form and the API, POST only.
submit_limit = limiter.shared_limit(_submit_rate_limit, scope="feedback-submit", methods=["POST"], override_defaults=False)
