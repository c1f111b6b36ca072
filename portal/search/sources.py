"""The public content the portal searches: forum threads, public feedback, consultations.

Each source reads its capability's tables with plain selects (fast for a full reindex) and says
which model changes touch which documents. Only what the public already sees is indexed: never
account names behind pseudonyms, contact details, submitters, drafts, hidden or deleted items.
Imported by `portal.search.init_app` (inside create_app), never by the capabilities.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, true

from forum.models import THREAD_STATUSES, Category, Post, Thread
from konsultasi.models import PHASE_LABELS, Comment, Consultation, Question, Section
from portal.feedback.models import STATUSES as FEEDBACK_STATUSES
from portal.feedback.models import Feedback, FeedbackAnswer
from portal.organisation.models import Service, Unit
from portal.search.analysis import html_to_text
from portal.search.documents import Document, Registry, Source, doc_key, join_body

PUBLIC_QUESTION_STATUSES = ("disetujui", "dijawab")


def _grouped(rows):
    grouped = {}
    for owner_id, *values in rows:
        grouped.setdefault(owner_id, []).extend(values)
    return grouped


class ThreadSource(Source):
    type = "thread"
    label = _l("Forum")
    statuses = THREAD_STATUSES

    @staticmethod
    def _visible():
        return (Thread.hidden_at.is_(None), Thread.deleted_at.is_(None))

    def visible_ids(self, session, ids):
        return set(session.scalars(select(Thread.id).where(Thread.id.in_(ids), *self._visible())))

    def all_ids(self, session):
        return list(session.scalars(select(Thread.id).where(*self._visible()).order_by(Thread.id)))

    def build(self, session, ids):
        rows = session.execute(
            select(Thread.id, Thread.title, Thread.status, Thread.created_at, Thread.kelurahan, Unit.slug, Service.slug)
            .join(Category, Category.id == Thread.category_id)
            .join(Unit, Unit.id == Category.unit_id)
            .outerjoin(Service, Service.id == Thread.service_id)
            .where(Thread.id.in_(ids), *self._visible())
        ).all()
        if not rows:
            return {}
        posts = _grouped(session.execute(
            select(Post.thread_id, Post.body_html)
            .where(Post.thread_id.in_([r[0] for r in rows]), Post.deleted_at.is_(None), Post.hidden_at.is_(None))
            .order_by(Post.thread_id, Post.number)
        ))
        return {
            thread_id: Document(
                key=doc_key(self.type, thread_id), type=self.type, object_id=thread_id, title=title,
                body=join_body(html_to_text(html) for html in posts.get(thread_id, ())),
                date=created_at, unit=unit, service=service, status=status, kelurahan=kelurahan,
            )
            for thread_id, title, status, created_at, kelurahan, unit, service in rows
        }

    def watch(self):
        return {
            Thread: ("thread", "id", ("title", "status", "hidden_at", "deleted_at", "category_id", "service_id",
                                      "kelurahan", "created_at", "posts")),
            Post: ("thread", "thread_id", ("body_html", "hidden_at", "deleted_at", "thread_id")),
            Category: ("category", "id", ("unit_id",)),
            Unit: ("unit", "id", ("slug",)),
            Service: ("service", "id", ("slug",)),
        }

    def expand(self, session, group, group_id):
        if group == "category":
            return session.scalars(select(Thread.id).where(Thread.category_id == group_id)).all()
        if group == "unit":
            return session.scalars(
                select(Thread.id).join(Category, Category.id == Thread.category_id).where(Category.unit_id == group_id)
            ).all()
        if group == "service":
            return session.scalars(select(Thread.id).where(Thread.service_id == group_id)).all()
        return []


class FeedbackSource(Source):
    type = "feedback"
    label = _l("Masukan")
    statuses = FEEDBACK_STATUSES

    def visible_ids(self, session, ids):
        return set(session.scalars(select(Feedback.id).where(Feedback.id.in_(ids), Feedback.is_public == true())))

    def all_ids(self, session):
        return list(session.scalars(select(Feedback.id).where(Feedback.is_public == true()).order_by(Feedback.id)))

    def build(self, session, ids):
        # Only the text the resident chose to publish: never contact, submitter or identity fields.
        rows = session.execute(
            select(Feedback.id, Feedback.tracking_number, Feedback.title, Feedback.body_html, Feedback.status,
                   Feedback.created_at, Feedback.kelurahan, Unit.slug, Service.slug)
            .join(Unit, Unit.id == Feedback.unit_id)
            .outerjoin(Service, Service.id == Feedback.service_id)
            .where(Feedback.id.in_(ids), Feedback.is_public == true())
        ).all()
        if not rows:
            return {}
        answers = _grouped(session.execute(
            select(FeedbackAnswer.feedback_id, FeedbackAnswer.body_html)
            .where(FeedbackAnswer.feedback_id.in_([r[0] for r in rows]))
            .order_by(FeedbackAnswer.feedback_id, FeedbackAnswer.created_at, FeedbackAnswer.id)
        ))
        return {
            feedback_id: Document(
                key=doc_key(self.type, feedback_id), type=self.type, object_id=feedback_id, ref=number, title=title,
                body=join_body([html_to_text(body_html), *(html_to_text(a) for a in answers.get(feedback_id, ()))]),
                date=created_at, unit=unit, service=service, status=status, kelurahan=kelurahan,
            )
            for feedback_id, number, title, body_html, status, created_at, kelurahan, unit, service in rows
        }

    def watch(self):
        return {
            Feedback: ("feedback", "id", ("title", "body_html", "is_public", "status", "unit_id", "service_id",
                                          "kelurahan", "created_at", "answers")),
            FeedbackAnswer: ("feedback", "feedback_id", ("body_html", "feedback_id")),
        }

    def expand(self, session, group, group_id):
        if group == "unit":
            return session.scalars(select(Feedback.id).where(Feedback.unit_id == group_id)).all()
        if group == "service":
            return session.scalars(select(Feedback.id).where(Feedback.service_id == group_id)).all()
        return []


class ConsultationSource(Source):
    type = "konsultasi"
    label = _l("Konsultasi")
    statuses = PHASE_LABELS

    def visible_ids(self, session, ids):
        return set(session.scalars(select(Consultation.id).where(Consultation.id.in_(ids), Consultation.phase != "draf")))

    def all_ids(self, session):
        return list(session.scalars(select(Consultation.id).where(Consultation.phase != "draf").order_by(Consultation.id)))

    def build(self, session, ids):
        rows = session.execute(
            select(Consultation.id, Consultation.title, Consultation.description_html, Consultation.document_title,
                   Consultation.summary_html, Consultation.phase, Consultation.starts_at, Unit.slug)
            .join(Unit, Unit.id == Consultation.unit_id)
            .where(Consultation.id.in_(ids), Consultation.phase != "draf")
        ).all()
        if not rows:
            return {}
        found = [r[0] for r in rows]
        sections = _grouped(session.execute(
            select(Section.consultation_id, Section.heading, Section.body_html)
            .where(Section.consultation_id.in_(found)).order_by(Section.consultation_id, Section.position, Section.id)
        ))
        comments = _grouped(session.execute(
            select(Comment.consultation_id, Comment.body_html, Comment.answer_html)
            .where(Comment.consultation_id.in_(found), Comment.hidden_at.is_(None))
            .order_by(Comment.consultation_id, Comment.id)
        ))
        # Questions reach the public only once a moderator approved them (UU 27/2022: no names).
        questions = _grouped(session.execute(
            select(Question.consultation_id, Question.body, Question.answer_html)
            .where(Question.consultation_id.in_(found), Question.status.in_(PUBLIC_QUESTION_STATUSES))
            .order_by(Question.consultation_id, Question.id)
        ))
        docs = {}
        for consultation_id, title, description_html, document_title, summary_html, phase, starts_at, unit in rows:
            parts = [html_to_text(description_html), document_title]
            parts += [html_to_text(v) for v in sections.get(consultation_id, ())]
            parts += [html_to_text(v) for v in comments.get(consultation_id, ())]
            parts += [v if i % 2 == 0 else html_to_text(v) for i, v in enumerate(questions.get(consultation_id, ()))]
            if phase == "laporan":
                parts.append(html_to_text(summary_html))
            docs[consultation_id] = Document(
                key=doc_key(self.type, consultation_id), type=self.type, object_id=consultation_id, title=title,
                body=join_body(parts), date=starts_at, unit=unit, status=phase,
            )
        return docs

    def watch(self):
        return {
            Consultation: ("konsultasi", "id", ("title", "description_html", "document_title", "summary_html", "phase",
                                                "starts_at", "unit_id", "sections")),
            Section: ("konsultasi", "consultation_id", ("heading", "body_html", "consultation_id")),
            Comment: ("konsultasi", "consultation_id", ("body_html", "answer_html", "hidden_at", "consultation_id")),
            Question: ("konsultasi", "consultation_id", ("body", "status", "answer_html", "consultation_id")),
        }

    def expand(self, session, group, group_id):
        if group == "unit":
            return session.scalars(select(Consultation.id).where(Consultation.unit_id == group_id)).all()
        return []


def default_registry():
    """Return the registry of every searchable source."""
    return Registry([ThreadSource(), FeedbackSource(), ConsultationSource()])
