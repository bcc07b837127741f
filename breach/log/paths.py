"""Log submissions named in a route's path: loaded for the route, or 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlmodel import Session

from breach.log import service
from breach.log.models import LogSubmission
from provider.web.params import path_loader


def load_submission(session: Session, submission_id: int) -> LogSubmission:
    return service.get_submission(session, submission_id)


SubmissionPath = Annotated[LogSubmission, Depends(path_loader(load_submission, "submission_id"))]
