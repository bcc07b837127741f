"""Rows for breach-log and reminder tests, inserted straight through the models (the breach service is
another engineer's work and the log must not depend on how breaches are created)."""

from __future__ import annotations

import io
import itertools
from datetime import datetime, timedelta

from pypdf import PdfReader
from sqlalchemy import Engine
from sqlmodel import Session

from breach.deadlines import BREACH, BREACH_LOG
from breach.ico.models import FilingSubmission
from breach.models import Breach, Filing, FilingStage, ObligationKind, Regime
from provider.deadlines.models import Obligation, ObligationStatus
from provider.profile.models import ProviderProfile

_sequence = itertools.count(1)

PROFILE = {
    "legal_name": "Northwind Telecom Ltd",
    "trading_name": "Northwind",
    "address": "1 Exchange Street, Leeds LS1 1AA",
    "ico_registration_number": "Z9876543",
    "contact_name": "Dana Data",
    "contact_role": "Data Protection Officer",
    "contact_email": "dpo@northwind.example",
    "contact_phone": "0113 496 0000",
    "website": "",
}


def add_profile(engine: Engine, now: datetime) -> None:
    with Session(engine) as session:
        session.add(ProviderProfile(id=1, updated_at=now, **PROFILE))
        session.commit()


def add_breach(engine: Engine, *, aware_at: datetime, now: datetime, **facts: object) -> Breach:
    number = next(_sequence)
    values: dict[str, object] = {
        "reference": f"BR-T{number:04d}",
        "title": f"Test breach {number}",
        "circumstance": "misdirection",
        "detected_at": aware_at - timedelta(hours=2),
        "aware_at": aware_at,
        "regime": Regime.duaa,
        "created_at": now,
        "created_by": "tests",
        "updated_at": now,
    }
    values.update(facts)
    with Session(engine, expire_on_commit=False) as session:
        breach = Breach(**values)
        session.add(breach)
        session.commit()
        return breach


def add_obligation(
    engine: Engine,
    *,
    breach_id: int | None,
    kind: ObligationKind,
    anchor_at: datetime | None,
    due_at: datetime | None,
    now: datetime,
    **extra: object,
) -> Obligation:
    values: dict[str, object] = {
        "owner_kind": BREACH if breach_id is not None else BREACH_LOG,
        "owner_id": breach_id,
        "kind": kind,
        "recipient": "ico",
        "statutory": True,
        "basis": "tests",
        "anchor_at": anchor_at,
        "due_at": due_at,
        "status": ObligationStatus.open,
        "created_at": now,
    }
    values.update(extra)
    with Session(engine, expire_on_commit=False) as session:
        obligation = Obligation(**values)
        session.add(obligation)
        session.commit()
        return obligation


def add_filing(
    engine: Engine, *, breach_id: int, sequence: int, stage: FilingStage, filed_at: datetime, **extra: object
) -> Filing:
    values: dict[str, object] = {
        "breach_id": breach_id,
        "sequence": sequence,
        "stage": stage,
        "filed_at": filed_at,
        "filed_by": "tests",
        "pdf_sha256": "0" * 64,
        "pdf_bytes": b"%PDF-test",
    }
    submitted_at = extra.pop("submitted_at", filed_at)  # None: made but not (yet) submitted to the ICO
    values.update(extra)
    with Session(engine, expire_on_commit=False) as session:
        filing = Filing(**values)
        session.add(filing)
        session.flush()
        if submitted_at is not None:
            session.add(
                FilingSubmission(
                    filing_id=filing.id,
                    submitted_at=submitted_at,
                    method="online_form",
                    submitted_by="tests",
                    recorded_at=submitted_at,
                    recorded_by="tests",
                )
            )
        session.commit()
        return filing


def pdf_text(content: bytes) -> str:
    """All text of a PDF with runs of whitespace (line wraps) folded to one space."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
