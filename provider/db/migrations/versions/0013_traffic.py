"""Traffic and location records, day keys, bills, retention holds, emergency alerts, erasure receipts

Revision ID: 0013_traffic
Revises: 0012_breach_filings
Create Date: 2026-12-02 15:00:00.000000

On PostgreSQL the two record tables are partitioned by range of `day` (one partition per UTC day, made
ahead by the scheduler and on demand by the import), so an expired day is dropped, not deleted row by
row. PostgreSQL requires the partition key in every unique index: the primary key is (id, day), and the
source record id is unique per day. SQLite gets plain tables with the same columns and indexes.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

import provider.db.types

revision = '0013_traffic'
down_revision = '0012_breach_filings'
branch_labels = None
depends_on = None

UTC = provider.db.types.UTCDateTime(timezone=True)
BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _s(length):
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _id_and_day(postgres):
    if postgres:
        return [sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
                sa.Column('day', sa.Date(), nullable=False), sa.PrimaryKeyConstraint('id', 'day')]
    return [sa.Column('id', sa.Integer(), nullable=False), sa.Column('day', sa.Date(), nullable=False),
            sa.PrimaryKeyConstraint('id')]


def _records(postgres):
    partition = {'postgresql_partition_by': 'RANGE (day)'} if postgres else {}
    op.create_table(
        'traffic_record', *_id_and_day(postgres),
        sa.Column('source_record_id', _s(64), nullable=False),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('direction', sa.String(16), nullable=False),
        sa.Column('line_id', BIG, nullable=False),
        sa.Column('subscriber_id', BIG, nullable=False),
        sa.Column('user_id', BIG, nullable=True),
        sa.Column('start_at', UTC, nullable=False),
        sa.Column('end_at', UTC, nullable=True),
        sa.Column('duration_seconds', BIG, nullable=True),
        sa.Column('other_party_enc', sa.LargeBinary(), nullable=True),
        sa.Column('other_party_hash', _s(64), nullable=True),
        sa.Column('trunk', _s(64), nullable=True),
        sa.Column('cell_enc', sa.LargeBinary(), nullable=True),
        sa.Column('volume_bytes', BIG, nullable=True),
        sa.Column('charge_pence', BIG, nullable=True),
        sa.Column('bill_ref', _s(64), nullable=True),
        sa.Column('ended', sa.Boolean(), nullable=False),
        sa.Column('consented_service', _s(100), nullable=True),
        sa.Column('retention_class', sa.String(16), nullable=False),
        sa.Column('retain_until', UTC, nullable=False),
        sa.Column('ingested_at', UTC, nullable=False),
        sa.UniqueConstraint('day', 'source_record_id', name='uq_traffic_record_day_source'),
        **partition,
    )
    op.create_index('ix_traffic_record_retain_until', 'traffic_record', ['retain_until'])
    op.create_index('ix_traffic_record_bill_ref', 'traffic_record', ['bill_ref'])
    op.create_index('ix_traffic_record_other_party_hash', 'traffic_record', ['other_party_hash'])
    op.create_table(
        'location_record', *_id_and_day(postgres),
        sa.Column('source_record_id', _s(64), nullable=False),
        sa.Column('line_id', BIG, nullable=False),
        sa.Column('subscriber_id', BIG, nullable=False),
        sa.Column('observed_at', UTC, nullable=False),
        sa.Column('cell_enc', sa.LargeBinary(), nullable=True),
        sa.Column('coordinates_enc', sa.LargeBinary(), nullable=True),
        sa.Column('accuracy_m', BIG, nullable=True),
        sa.Column('source', sa.String(16), nullable=False),
        sa.Column('anonymous', sa.Boolean(), nullable=False),
        sa.Column('alert_ref', _s(64), nullable=True),
        sa.Column('consented_service', _s(100), nullable=True),
        sa.Column('retention_class', sa.String(16), nullable=False),
        sa.Column('retain_until', UTC, nullable=False),
        sa.Column('ingested_at', UTC, nullable=False),
        sa.UniqueConstraint('day', 'source_record_id', name='uq_location_record_day_source'),
        **partition,
    )
    op.create_index('ix_location_record_retain_until', 'location_record', ['retain_until'])


def _id():
    return sa.Column('id', BIG, nullable=False)


def _support_tables():
    op.create_table(
        'traffic_data_key', _id(),
        sa.Column('name', _s(32), nullable=False),
        sa.Column('day', sa.Date(), nullable=True),
        sa.Column('wrapped_key', sa.LargeBinary(), nullable=True),
        sa.Column('master_fingerprint', _s(32), nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.Column('rewrapped_at', UTC, nullable=True),
        sa.Column('destroyed_at', UTC, nullable=True),
        sa.PrimaryKeyConstraint('id'), sa.UniqueConstraint('name'),
    )
    op.create_index(op.f('ix_traffic_data_key_day'), 'traffic_data_key', ['day'])
    op.create_table(
        'traffic_bill', _id(),
        sa.Column('bill_ref', _s(64), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('issued_at', UTC, nullable=True),
        sa.Column('resolved_at', UTC, nullable=True),
        sa.Column('updated_at', UTC, nullable=False),
        sa.PrimaryKeyConstraint('id'), sa.UniqueConstraint('bill_ref'),
    )
    op.create_table(
        'traffic_retention_hold', _id(),
        sa.Column('basis', sa.String(32), nullable=False),
        sa.Column('reference', _s(100), nullable=False),
        sa.Column('subscriber_id', BIG, nullable=True),
        sa.Column('line_id', BIG, nullable=True),
        sa.Column('date_from', sa.Date(), nullable=True),
        sa.Column('date_to', sa.Date(), nullable=True),
        sa.Column('starts_at', UTC, nullable=False),
        sa.Column('ends_at', UTC, nullable=False),
        sa.Column('released_at', UTC, nullable=True),
        sa.Column('created_at', UTC, nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_traffic_retention_hold_ends_at'), 'traffic_retention_hold', ['ends_at'])
    op.create_table(
        'traffic_emergency_alert', _id(),
        sa.Column('alert_ref', _s(64), nullable=False),
        sa.Column('test', sa.Boolean(), nullable=False),
        sa.Column('period_end', UTC, nullable=False),
        sa.Column('created_at', UTC, nullable=False),
        sa.PrimaryKeyConstraint('id'), sa.UniqueConstraint('alert_ref'),
    )
    op.create_table(
        'traffic_erasure_receipt', _id(),
        sa.Column('started_at', UTC, nullable=False),
        sa.Column('finished_at', UTC, nullable=True),
        sa.Column('cutoff', UTC, nullable=False),
        sa.Column('status', _s(16), nullable=False),
        sa.Column('counts', _s(2000), nullable=False),
        sa.Column('rows_erased', BIG, nullable=False),
        sa.Column('rows_anonymised', BIG, nullable=False),
        sa.Column('partitions_dropped', BIG, nullable=False),
        sa.Column('keys_destroyed', BIG, nullable=False),
        sa.Column('ids_hash', _s(64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'traffic_aggregate', _id(),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(16), nullable=False),
        sa.Column('direction', sa.String(16), nullable=False),
        sa.Column('records', BIG, nullable=False),
        sa.Column('seconds', BIG, nullable=False),
        sa.Column('volume_bytes', BIG, nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('day', 'kind', 'direction', name='uq_traffic_aggregate_key'),
    )


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    _records(postgres)
    _support_tables()


def downgrade() -> None:
    for name in ('traffic_aggregate', 'traffic_erasure_receipt', 'traffic_emergency_alert',
                 'traffic_retention_hold', 'traffic_bill', 'traffic_data_key', 'location_record', 'traffic_record'):
        op.drop_table(name)
