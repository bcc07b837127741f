"""billing call list: the number called sealed under a key per bill period, and a retain-until

Revision ID: 0025_gaps_call_list_sealed
Revises: 0024_leavers_leaving_erasure
Create Date: 2026-12-07 17:15:00.000000

Rows already in `billing_call` hold the number in plain text: this migration seals each one under its bill
period's key (made here, wrapped by PECR_MASTER_KEY as `pecr migrate` sees it, so run it with the master key
the application uses, and written to its own file `billing-period-YYYY-MM.key` of the key store
PECR_KEY_STORE, never to the database, so a database backup cannot read the calls once the file is deleted;
a file already there, from an interrupted run, is used, not replaced), gives it its period and retain-until (PECR_BILLING_CALL_LIST_MONTHS after the
period), and drops the plain-text column, in batches by id. Rows already past their retention are sealed
too and left to the nightly erasure, which records their erasure. Downgrade brings the numbers back in
plain text (it needs the same master key and key store), and leaves the key files in place.
"""
import base64
import json
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from alembic import op
import sqlalchemy as sa
import sqlmodel
import provider.db.types

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from provider.security import envelope
from provider.settings import Settings

revision = '0025_gaps_call_list_sealed'
down_revision = '0024_leavers_leaving_erasure'
branch_labels = None
depends_on = None

PURPOSE = "billing.data-keys"  # provider.billing.keys, written out so this revision never changes
FIELD = b"billing_call.called_number"
BATCH = 5000
BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

calls = sa.table(
    "billing_call", sa.column("id", BIG), sa.column("started_at", provider.db.types.UTCDateTime(timezone=True)),
    sa.column("called_number", sa.String), sa.column("called_number_enc", sa.LargeBinary),
    sa.column("period", sa.String), sa.column("retain_until", provider.db.types.UTCDateTime(timezone=True)),
)
def _period_of(started_at: datetime, zone) -> str:
    """provider.billing.rules.period_of as it stands at this revision (the core may not import a domain)."""
    return f"{started_at.astimezone(zone):%Y-%m}"


def _retain_until(period: str, months: int, zone) -> datetime:
    """provider.billing.rules.call_list_retain_until as it stands at this revision."""
    index = int(period[:4]) * 12 + int(period[5:]) + months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=zone).astimezone(UTC)


def _file(store: Path, period: str) -> Path:
    return store / f"billing-period-{period}.key"  # provider.security.keystore.file_name at this revision


def _read(store: Path, period: str) -> bytes | None:
    try:
        return base64.b64decode(json.loads(_file(store, period).read_bytes())["wrapped_key"])
    except FileNotFoundError:
        return None


def _create(store: Path, name: str, period: str, wrapped: bytes, fingerprint: str) -> None:
    """A new key file, written as provider.security.keystore writes one (temporary file fsynced, then linked
    to its name, then the directory fsynced)."""
    store.mkdir(mode=0o700, parents=True, exist_ok=True)
    content = json.dumps({"name": name, "master_fingerprint": fingerprint,
                          "wrapped_key": base64.b64encode(wrapped).decode(),
                          "created_at": datetime.now(UTC).isoformat()}).encode()  # fmt: skip
    temporary = store / f".{_file(store, period).name}.{secrets.token_hex(8)}.tmp"
    with open(temporary, "xb", opener=lambda path, flags: os.open(path, flags, 0o600)) as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(temporary, _file(store, period))
    finally:
        temporary.unlink()
    directory = os.open(store, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class _Keys:
    """The period keys this migration makes and uses, each in its key file."""

    def __init__(self, settings: Settings) -> None:
        self.store, self.master_key = Path(settings.key_store), settings.master_key_value()
        self.ciphers: dict[str, AESGCM] = {}

    def cipher(self, period: str) -> AESGCM:
        if period not in self.ciphers:
            name = f"billing-period:{period}"  # provider.billing.keys.key_name at this revision
            wrapped = _read(self.store, period)
            if wrapped is None:
                key = envelope.new_data_key()
                _create(self.store, name, period, envelope.wrap(self.master_key, PURPOSE, name, key),
                        envelope.fingerprint(self.master_key, PURPOSE))  # fmt: skip
            else:
                key = envelope.unwrap(self.master_key, PURPOSE, name, wrapped)
            self.ciphers[period] = AESGCM(key)
        return self.ciphers[period]


def _seal_existing(connection, settings: Settings) -> None:
    keys, after = _Keys(settings), -1
    while rows := connection.execute(
        sa.select(calls.c.id, calls.c.started_at, calls.c.called_number)
        .where(calls.c.id > after).order_by(calls.c.id).limit(BATCH)
    ).all():
        for row_id, started_at, number in rows:
            period = _period_of(started_at, settings.zone)
            connection.execute(calls.update().where(calls.c.id == row_id).values(
                period=period, called_number_enc=envelope.seal(keys.cipher(period), FIELD, number),
                retain_until=_retain_until(period, settings.billing_call_list_months, settings.zone),
            ))
        after = rows[-1][0]


def upgrade() -> None:
    with op.batch_alter_table('billing_call') as batch:
        batch.add_column(sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=True))
        batch.add_column(sa.Column('called_number_enc', sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column('retain_until', provider.db.types.UTCDateTime(timezone=True), nullable=True))
    _seal_existing(op.get_bind(), Settings())
    with op.batch_alter_table('billing_call') as batch:
        batch.alter_column('period', existing_type=sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False)
        batch.alter_column('called_number_enc', existing_type=sa.LargeBinary(), nullable=False)
        batch.alter_column('retain_until', existing_type=provider.db.types.UTCDateTime(timezone=True), nullable=False)
        batch.drop_column('called_number')
        batch.create_index(batch.f('ix_billing_call_period'), ['period'], unique=False)
        batch.create_index(batch.f('ix_billing_call_retain_until'), ['retain_until'], unique=False)


def _unseal_existing(connection, settings: Settings) -> None:
    keys, after = _Keys(settings), -1
    while rows := connection.execute(
        sa.select(calls.c.id, calls.c.period, calls.c.called_number_enc)
        .where(calls.c.id > after).order_by(calls.c.id).limit(BATCH)
    ).all():
        for row_id, period, sealed in rows:
            number = envelope.open_sealed(keys.cipher(period), FIELD, sealed)
            connection.execute(calls.update().where(calls.c.id == row_id).values(called_number=number))
        after = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table('billing_call') as batch:
        batch.add_column(sa.Column('called_number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    _unseal_existing(op.get_bind(), Settings())
    with op.batch_alter_table('billing_call') as batch:
        batch.alter_column('called_number', existing_type=sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False)
        batch.drop_index(batch.f('ix_billing_call_retain_until'))
        batch.drop_index(batch.f('ix_billing_call_period'))
        batch.drop_column('retain_until')
        batch.drop_column('called_number_enc')
        batch.drop_column('period')
