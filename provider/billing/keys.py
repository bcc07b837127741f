"""Data keys of the imported call list: one per bill period, wrapped by the master key (envelope encryption,
`provider.security.envelope`, purpose "billing.data-keys").

Why a key per bill period and not traffic's day keys: the call list's retention is decided per bill period
(every call of a period goes on the same night), so a period's key can be destroyed the night its last call
goes; and traffic destroys a day's key once no traffic record of that day remains, which knows nothing of
the call list and would leave bills unreadable. Billing may not reach into traffic's key store either
(shared/design.md: a domain uses another only through its public `__init__`). The scheme is traffic's.
"""

from __future__ import annotations

from datetime import datetime

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from provider.billing.models import BillCall, BillDataKey
from provider.security import envelope

PURPOSE = "billing.data-keys"
CALLED_NUMBER = b"billing_call.called_number"


class KeyDestroyed(LookupError):
    """The period's data key was destroyed with its calls: what it sealed can no longer be read."""


def key_name(period: str) -> str:
    return f"period:{period}"


class PeriodKeys:
    """The period keys one transaction uses, made on first need and unwrapped once."""

    def __init__(self, session: Session, master_key: str) -> None:
        self.session, self.master_key = session, master_key
        self._ciphers: dict[str, AESGCM] = {}

    def _stored(self, period: str) -> bytes | None:
        wrapped = self.session.scalar(select(BillDataKey.wrapped_key).where(BillDataKey.period == period))
        return None if wrapped is None else envelope.unwrap(self.master_key, PURPOSE, key_name(period), wrapped)

    def writer(self, period: str, *, retain_until: datetime, now: datetime) -> AESGCM:
        """The cipher sealing the period's calls; the key is made if the period has none (two importers at
        once: the second finds the first's)."""
        if period not in self._ciphers:
            key = self._stored(period)
            if key is None:
                key = envelope.new_data_key()
                self._insert(period, key, retain_until, now)
                key = self._stored(period)  # ours, or the one another importer committed first
            self._ciphers[period] = AESGCM(key)
        return self._ciphers[period]

    def _insert(self, period: str, key: bytes, retain_until: datetime, now: datetime) -> None:
        values = {
            "period": period,
            "wrapped_key": envelope.wrap(self.master_key, PURPOSE, key_name(period), key),
            "master_fingerprint": envelope.fingerprint(self.master_key, PURPOSE),
            "retain_until": retain_until,
            "created_at": now,
        }
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(BillDataKey.__table__).values(values)
        self.session.execute(statement.on_conflict_do_nothing(index_elements=["period"]))

    def reader(self, period: str) -> AESGCM:
        if period not in self._ciphers:
            key = self._stored(period)
            if key is None:
                raise KeyDestroyed(f"the data key of the bill period {period} was destroyed")
            self._ciphers[period] = AESGCM(key)
        return self._ciphers[period]


def destroy_expired(session: Session, now: datetime) -> int:
    """Delete the key of every period past its retain-until of which no call remains; returns how many."""
    remaining = exists().where(BillCall.period == BillDataKey.period)
    result = session.execute(delete(BillDataKey).where(BillDataKey.retain_until <= now, ~remaining))
    return result.rowcount


def rotate_master_key(session: Session, *, old_master_key: str, new_master_key: str) -> int:
    """Re-wrap every period key wrapped by the old master key under the new one (calls are not touched);
    keys already under the new one are left, so a re-run after an interruption is safe."""
    old, new = envelope.fingerprint(old_master_key, PURPOSE), envelope.fingerprint(new_master_key, PURPOSE)
    rows = session.scalars(select(BillDataKey).where(BillDataKey.master_fingerprint == old)).all()
    for row in rows:
        key = envelope.unwrap(old_master_key, PURPOSE, key_name(row.period), row.wrapped_key)
        row.wrapped_key = envelope.wrap(new_master_key, PURPOSE, key_name(row.period), key)
        row.master_fingerprint = new
    session.flush()
    return len(rows)
