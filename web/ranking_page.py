"""A job's ranked candidates in the dashboard: filters, search, sort, server-side pages (the
SQL read path of :mod:`ats_match.services.ranking`) and the CSV export of the same list."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from ats_match.errors import Unauthorized
from ats_match.models import Skill, User
from ats_match.services import decisions, views
from ats_match.services.ranking import JobRanking, RankingQuery, RankingSort, job_ranking
from web.deps import SessionDep, get_current_user
from web.pages import page

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
EXPORT_PAGE = 500
SORT_WORDS = {"rank": "rank", "score": "score", "applied": "application date", "name": "name"}


class RankingFilters(BaseModel):
    """The job page's query string: every filter, the sort and the page."""

    qualified: bool = False
    needs_review: bool = False
    verified_only: bool = False
    issuer_trusted: bool = False
    skill: str = Field(default="", max_length=200)
    q: str = Field(default="", max_length=200)
    issued_within: int = Field(default=0, ge=0, le=600)
    """Months; 0 = any time."""
    sort: RankingSort = RankingSort.RANK
    page: int = Field(default=1, ge=1, le=100_000)

    def query(self, limit: int, offset: int, explain: bool = False) -> RankingQuery:
        return RankingQuery(
            limit=limit,
            offset=offset,
            sort=self.sort,
            only_qualified=self.qualified,
            needs_review=self.needs_review,
            verified_only=self.verified_only,
            issuer_trusted=self.issuer_trusted,
            skill=self.skill.strip() or None,
            search=self.q.strip() or None,
            issued_within_months=self.issued_within or None,
            with_explanations=explain,
        )

    def link(self, **changes: Any) -> str:
        """This view's query string with ``changes`` (defaults left out, so links stay short)."""
        values = {**self.model_dump(mode="json"), **changes}
        defaults = RankingFilters().model_dump(mode="json")
        kept = {k: ("1" if v is True else v) for k, v in values.items() if v != defaults[k]}
        return "?" + urlencode(kept)


FiltersQuery = Annotated[RankingFilters, Query()]
ISSUED_WITHIN = {
    0: "any time",
    6: "the last 6 months",
    12: "the last year",
    24: "the last 2 years",
    60: "the last 5 years",
}


def _user(request: Request, session: Session) -> User | None:
    try:
        return get_current_user(request, session)
    except Unauthorized:
        return None


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(
    request: Request, job_id: uuid.UUID, session: SessionDep, filters: FiltersQuery
) -> Response:
    user = _user(request, session)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    offset = (filters.page - 1) * PAGE_SIZE
    ranking = job_ranking(session, user.organization_id, job_id, filters.query(PAGE_SIZE, offset))
    pages = max(1, -(-ranking.total // PAGE_SIZE))
    ids = [row.application_id for row in ranking.rows]
    context = {
        "user": user,
        "active": "jobs",
        "job": ranking.job,
        "requirements": ranking.requirements,
        "rows": ranking.rows,
        "total": ranking.total,
        "rescoring": ranking.rescoring,
        "filters": filters,
        "sorts": SORT_WORDS,
        "windows": ISSUED_WITHIN,
        "page": filters.page,
        "pages": pages,
        "skills": _skill_labels(session, user),
        "decisions": decisions.current_decisions(session, user.organization_id, ids),
        "tags": decisions.tags_of(session, user.organization_id, ids),
        "back": filters.link(),
        "views": views.views_of(session, user, job_id),
        "done": request.query_params.get("done", "")[:200],
        "error": request.query_params.get("error", "")[:300],
    }
    return page(request, "job", context)


def _skill_labels(session: Session, user: User) -> list[str]:
    """Skills met in this organisation's credentials, for the "has skill" type-ahead."""
    rows = session.exec(
        select(Skill.label)
        .where(col(Skill.organization_id) == user.organization_id)
        .order_by(col(Skill.label))
        .limit(500)
    ).all()
    return list(dict.fromkeys(rows))


@router.get("/jobs/{job_id}/export.csv")
def export_csv(
    request: Request, job_id: uuid.UUID, session: SessionDep, filters: FiltersQuery
) -> Response:
    """The ranked list as filtered, every page, with each requirement's explanation."""
    user = get_current_user(request, session)
    first = job_ranking(session, user.organization_id, job_id, filters.query(EXPORT_PAGE, 0, True))
    name = f"ranking-{first.job.title[:40]}.csv".replace('"', "").replace("/", "-")
    body = "".join(_csv_lines(session, user, job_id, filters, first))  # the session ends here
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


CSV_COLUMNS = [
    "rank", "candidate", "email", "score", "status", "summary", "verified", "pending",
    "failed", "decision", "reason", "tags", "requirements",
]  # fmt: skip


def _csv_lines(
    session: Session, user: User, job_id: uuid.UUID, filters: RankingFilters, first: JobRanking
) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    ranking, offset = first, 0
    while ranking.rows:
        ids = [row.application_id for row in ranking.rows]
        current = decisions.current_decisions(session, user.organization_id, ids)
        tags = decisions.tags_of(session, user.organization_id, ids)
        for row in ranking.rows:
            decision = current.get(row.application_id)
            writer.writerow(
                [_cell(v) for v in _csv_row(row, decision, tags.get(row.application_id, []))]
            )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        offset += EXPORT_PAGE
        if offset >= ranking.total:
            return
        query = filters.query(EXPORT_PAGE, offset, True)
        ranking = job_ranking(session, user.organization_id, job_id, query)


def _csv_row(row: Any, decision: Any, tags: list[str]) -> list[Any]:
    score = row.score
    rules = (score.explanation or {}).get("rules", []) if score else []
    return [
        row.rank,
        row.candidate_name,
        row.candidate_email or "",
        f"{score.normalised:.1f}" if score else "",
        status_word(row),
        score.summary if score else "",
        row.verified,
        row.indeterminate + row.unchecked,
        row.failed,
        decision.action if decision else "",
        decision.reason if decision else "",
        ", ".join(tags),
        " | ".join(str(rule.get("sentence") or "") for rule in rules),
    ]


def status_word(row: Any) -> str:
    """The status the job page shows, as one word for the CSV."""
    score = row.score
    if score is None:
        return "nothing attached" if row.attached == 0 else "being checked"
    if score.knocked_out:
        return "knocked out"
    if score.needs_review:
        return "needs review"
    if score.shortlisted:
        return "shortlist"
    return "qualified" if score.qualified else "not qualified"


def _cell(value: Any) -> Any:
    """Defuse spreadsheet formulas: a text cell starting with = + - @ (or a tab / CR) is
    prefixed with an apostrophe, so a hostile badge name is shown, never run."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
