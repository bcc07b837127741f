"""billing call list: the number called sealed under a key per bill period, and a retain-until

Revision ID: 0025_gaps_call_list_sealed
Revises: 0024_leavers_leaving_erasure
Create Date: 2026-12-07 17:15:00.000000

Rows already in `billing_call` hold the number in plain text: this migration seals each one under its bill
period's key (made here, wrapped by PECR_MASTER_KEY as `pecr migrate` sees it, so run it with the master key
the application uses), gives it its period and retain-until (PECR_BILLING_CALL_LIST_MONTHS after the
period), and drops the plain-text column, in batches by id. Rows already past their retention are sealed
too and left to the nightly erasure, which records their erasure. Downgrade brings the numbers back in
plain text (it needs the same master key).
"""
from datetime import UTC, datetime

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
data_keys = sa.table(
    "billing_data_key", sa.column("period", sa.String), sa.column("wrapped_key", sa.LargeBinary),
    sa.column("master_fingerprint", sa.String), sa.column("retain_until", provider.db.types.UTCDateTime(timezone=True)),
    sa.column("created_at", provider.db.types.UTCDateTime(timezone=True)),
)


def _period_of(started_at: datetime, zone) -> str:
    """provider.billing.rules.period_of as it stands at this revision (the core may not import a domain)."""
    return f"{started_at.astimezone(zone):%Y-%m}"


def _retain_until(period: str, months: int, zone) -> datetime:
    """provider.billing.rules.call_list_retain_until as it stands at this revision."""
    index = int(period[:4]) * 12 + int(period[5:]) + months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=zone).astimezone(UTC)


def _create_key_table() -> None:
    op.create_table('billing_data_key',
    sa.Column('id', BIG, nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('wrapped_key', sa.LargeBinary(), nullable=False),
    sa.Column('master_fingerprint', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('retain_until', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('period')
    )


class _Keys:
    """The period keys this migration makes and uses."""

    def __init__(self, connection, settings: Settings) -> None:
        self.connection, self.settings = connection, settings
        self.master_key = settings.master_key_value()
        self.ciphers: dict[str, AESGCM] = {}

    def cipher(self, period: str) -> AESGCM:
        if period not in self.ciphers:
            name = f"period:{period}"
            wrapped = self.connection.execute(
                sa.select(data_keys.c.wrapped_key).where(data_keys.c.period == period)
            ).scalar()
            if wrapped is None:
                key = envelope.new_data_key()
                retain_until = _retain_until(period, self.settings.billing_call_list_months, self.settings.zone)
                self.connection.execute(data_keys.insert().values(
                    period=period, wrapped_key=envelope.wrap(self.master_key, PURPOSE, name, key),
                    master_fingerprint=envelope.fingerprint(self.master_key, PURPOSE), retain_until=retain_until,
                    created_at=datetime.now(UTC),
                ))
            else:
                key = envelope.unwrap(self.master_key, PURPOSE, name, wrapped)
            self.ciphers[period] = AESGCM(key)
        return self.ciphers[period]


def _seal_existing(connection, settings: Settings) -> None:
    keys, after = _Keys(connection, settings), -1
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
    _create_key_table()
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
    keys, after = _Keys(connection, settings), -1
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
    op.drop_table('billing_data_key')
