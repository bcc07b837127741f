"""JSON API of line identification: a line's CLI settings, decisions for the switch, the numbering imports.

Thin routes: parse, call the service, commit, return. Reading and deciding need lines:read (the
network's integration token), changing needs lines:write. The decision routes keep the paths the
integration contract names (`/api/v1/cli/decide`); the Python modules are called line_identification.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import APIRouter
from pydantic import TypeAdapter
from sqlalchemy import select
from sqlmodel import Session

from provider.batching import no_cycle_collection
from provider.db.session import SessionDep
from provider.line_identification import batch_in, service
from provider.line_identification.models import (
    BatchIn,
    BatchOut,
    CallIn,
    CliSettingsPublic,
    CliSettingsUpdate,
    DecisionOut,
    NumberingImport,
    NumberingImportPublic,
)
from provider.line_identification.rules import Decision, Reason
from provider.security.actor import Actor
from provider.security.roles import Permission
from provider.subscribers import service as subscribers
from provider.web.deps import NowDep, SettingsDep, api_permission
from provider.web.fast_json import BodyDep, OrjsonResponse, json_body_openapi, validate_body
from provider.web.params import IdPath

router = APIRouter(prefix="/api/v1", tags=["line identification"])
READ = Permission.lines_read
WRITE = Permission.lines_write
BATCH = TypeAdapter(BatchIn)


def decision_out(decision: Decision) -> dict[str, Any]:
    return {
        "blocked": decision.blocked,
        "block_reason": decision.block_reason,
        "caller_number_shown": decision.caller_number_shown,
        "shown_number": decision.shown_number,
        "withheld": decision.withheld,
        "dialled_number": decision.dialled_number,
        "connected_number_shown": decision.connected_number_shown,
        "traced": decision.trace_id is not None,
        "reasons": _reasons_out(decision.reasons),
    }


@lru_cache(maxsize=4096)
def _reasons_out(reasons: tuple[Reason, ...]) -> list[dict[str, str]]:
    """Most decisions give one of a few lists of reasons: a batch's answer shares one list for each
    (only serialised, never changed)."""
    return [_reason_out(reason) for reason in reasons]


@lru_cache(maxsize=4096)
def _reason_out(reason: Reason) -> dict[str, str]:
    return {"rule": reason.rule, "text": reason.text}


def _settings(session: Session, line_id: int) -> CliSettingsPublic:
    return service.settings_public(session, subscribers.get_line(session, line_id))


@router.get("/lines/{line_id:int}/cli", response_model=CliSettingsPublic, summary="A line's CLI settings")
def read_settings(line_id: IdPath, session: SessionDep, _actor: Actor = api_permission(READ)) -> CliSettingsPublic:
    """The current settings, who asked for them and how, and the history of changes (newest first)."""
    return _settings(session, line_id)


@router.put("/lines/{line_id:int}/cli", response_model=CliSettingsPublic, summary="Change a line's CLI settings")
def update_settings(
    line_id: IdPath,
    data: CliSettingsUpdate,
    session: SessionDep,
    now: NowDep,
    actor: Actor = api_permission(WRITE),
) -> CliSettingsPublic:
    """Every option is given (a full replacement), with who asked and through which channel."""
    service.update_settings(session, actor=actor, now=now, line_id=line_id, data=data)
    session.commit()
    return _settings(session, line_id)


@router.post("/cli/decide", response_model=DecisionOut, summary="Decide one call's line identification")
def decide(
    data: CallIn, session: SessionDep, now: NowDep, settings: SettingsDep, _actor: Actor = api_permission(READ)
) -> OrjsonResponse:
    """Blocked or not and why, whether the caller's number is shown, the digits to route, the reasons."""
    (decision,) = service.decide_calls(session, settings=settings, now=now, calls=[data])
    session.commit()
    return OrjsonResponse(decision_out(decision))


@router.post(
    "/cli/decide/batch",
    response_model=BatchOut,
    summary="Decide many calls at once",
    openapi_extra=json_body_openapi(BatchIn),
)
def decide_batch(
    body: BodyDep, session: SessionDep, now: NowDep, settings: SettingsDep, _actor: Actor = api_permission(READ)
) -> OrjsonResponse:
    """The answers in the order of the calls, all against the same settings and numbering data.

    The body is `BatchIn`, read by `batch_in.fast_calls` (the model itself only for a batch it declines,
    so errors are the model's); the answer is built as plain values with the cyclic collector paused."""
    with no_cycle_collection():
        calls = batch_in.fast_calls(body.value, check_text=batch_in.may_hold_control_characters(body.raw))
        if calls is None:
            calls = [service.call_of(data) for data in validate_body(BATCH, body).calls]
    decisions = service.decide_checked(session, settings=settings, now=now, calls=calls)
    session.commit()
    with no_cycle_collection():
        return OrjsonResponse({"decisions": [decision_out(decision) for decision in decisions]})


@router.get("/numbering/imports", response_model=list[NumberingImportPublic], summary="Numbering data imports")
def numbering_imports(session: SessionDep, _actor: Actor = api_permission(READ)) -> list[NumberingImportPublic]:
    """Every import of the allocation data and the DNO list, newest first, with its date."""
    rows = session.execute(select(NumberingImport).order_by(NumberingImport.id.desc()).limit(200)).scalars()
    return [NumberingImportPublic.model_validate(row, from_attributes=True) for row in rows]
