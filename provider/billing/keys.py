"""Data keys of the imported call list: one per bill period, wrapped by the master key (envelope encryption,
`provider.security.envelope`, purpose "billing.data-keys"), each in its own file of the key store
(`provider.security.keystore`, PECR_KEY_STORE) as `billing-period-YYYY-MM.key`.

Why outside the database: a database backup must not hold the keys that read it. Deleting a period's key
file when its last call is erased leaves that period's ciphertext unreadable in every copy of the
database, backups included.

Why a key per bill period and not traffic's day keys: the call list's retention is decided per bill period
(every call of a period goes on the same night), so a period's key can be destroyed the night its last call
goes; and traffic destroys a day's key once no traffic record of that day remains, which knows nothing of
the call list and would leave bills unreadable. The two share the key store, each listing only its own
names (traffic's `day:`/`lookup`, billing's `billing-period:`).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlmodel import Session

from provider.billing import rules
from provider.billing.models import BillCall
from provider.security import envelope
from provider.security.keystore import PERIOD_PREFIX, KeyStore, StoredKey, stamp

PURPOSE = "billing.data-keys"
CALLED_NUMBER = b"billing_call.called_number"


class KeyDestroyed(LookupError):
    """The period's data key was destroyed with its calls: what it sealed can no longer be read."""


def key_name(period: str) -> str:
    return f"{PERIOD_PREFIX}{period}"


class PeriodKeys:
    """The period keys one transaction uses, made on first need and unwrapped once."""

    def __init__(self, master_key: str, store: KeyStore) -> None:
        self.master_key, self.store = master_key, store
        self._ciphers: dict[str, AESGCM] = {}

    def _unwrapped(self, stored: StoredKey) -> bytes:
        return envelope.unwrap(self.master_key, PURPOSE, stored.name, stored.wrapped)

    def writer(self, period: str, *, now: datetime) -> AESGCM:
        """The cipher sealing the period's calls; the key is made if the period has none (two importers at
        once: the key store's create lets one win, and the other uses the winner's)."""
        if period not in self._ciphers:
            name = key_name(period)
            stored = self.store.read(name)
            if stored is None:
                wrapped = envelope.wrap(self.master_key, PURPOSE, name, envelope.new_data_key())
                fingerprint = envelope.fingerprint(self.master_key, PURPOSE)
                stored = self.store.create(StoredKey(name, wrapped, fingerprint, stamp(now)))
            self._ciphers[period] = AESGCM(self._unwrapped(stored))
        return self._ciphers[period]

    def reader(self, period: str) -> AESGCM:
        if period not in self._ciphers:
            stored = self.store.read(key_name(period))
            if stored is None:
                raise KeyDestroyed(f"the data key of the bill period {period} was destroyed")
            self._ciphers[period] = AESGCM(self._unwrapped(stored))
        return self._ciphers[period]


def periods(store: KeyStore) -> list[str]:
    """The bill periods with a key file, in order (traffic's files are not among them)."""
    return [name.removeprefix(PERIOD_PREFIX) for name in store.names(PERIOD_PREFIX)]


def destroy_expired(session: Session, now: datetime, *, store: KeyStore, months: int, zone: ZoneInfo) -> int:
    """Delete the key file of every period past its retain-until of which no call remains; returns how many.
    Only periods past their retain-until: an importer may be about to commit the first calls of a live one
    (and no call of a period past it is accepted)."""
    due = [period for period in periods(store) if rules.call_list_retain_until(period, months, zone) <= now]
    if not due:
        return 0
    remaining = set(session.scalars(select(BillCall.period).distinct().where(BillCall.period.in_(due))))
    return sum(store.delete(key_name(period)) for period in due if period not in remaining)


def rotate_master_key(*, store: KeyStore, old_master_key: str, new_master_key: str) -> int:
    """Re-wrap every period key file wrapped by the old master key under the new one, each replaced in one
    step (calls are not touched); keys already under the new one are left, so a re-run after an
    interruption is safe."""
    old, new = envelope.fingerprint(old_master_key, PURPOSE), envelope.fingerprint(new_master_key, PURPOSE)
    rewrapped = 0
    for name in store.names(PERIOD_PREFIX):
        stored = store.read(name)
        if stored is None or stored.master_fingerprint != old:
            continue
        key = envelope.unwrap(old_master_key, PURPOSE, name, stored.wrapped)
        store.replace(StoredKey(name, envelope.wrap(new_master_key, PURPOSE, name, key), new, stored.created_at))
        rewrapped += 1
    return rewrapped
