"""subscribers and lines record leaving and erasure, named users their removal; erasure receipts

Revision ID: 0024_leavers_leaving_erasure
Revises: 0023_keystore_key_files
Create Date: 2026-12-07 17:10:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import provider.db.types


revision = '0024_leavers_leaving_erasure'
down_revision = '0023_keystore_key_files'
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _leaving_columns(batch) -> None:
    batch.add_column(sa.Column('left_at', provider.db.types.UTCDateTime(timezone=True), nullable=True))
    batch.add_column(sa.Column('left_reason', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False, server_default=''))
    batch.add_column(sa.Column('left_recorded_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=''))
    batch.add_column(sa.Column('erased_at', provider.db.types.UTCDateTime(timezone=True), nullable=True))


def upgrade() -> None:
    with op.batch_alter_table('subscriber') as batch:
        _leaving_columns(batch)
    with op.batch_alter_table('subscriber_line') as batch:
        _leaving_columns(batch)
    with op.batch_alter_table('line_user') as batch:
        batch.add_column(sa.Column('removed_at', provider.db.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('removed_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=''))
    op.create_table('subscriber_erasure_receipt',
    sa.Column('id', BIG, autoincrement=True, nullable=False),
    sa.Column('subscriber_id', BIG, nullable=False),
    sa.Column('line_id', BIG, nullable=True),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('erased_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('erased_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('lines_erased', BIG, nullable=False),
    sa.Column('users_erased', BIG, nullable=False),
    sa.Column('ids_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('subscriber_erasure_receipt') as batch:
        batch.create_index(batch.f('ix_subscriber_erasure_receipt_subscriber_id'), ['subscriber_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('subscriber_erasure_receipt') as batch:
        batch.drop_index(batch.f('ix_subscriber_erasure_receipt_subscriber_id'))
    op.drop_table('subscriber_erasure_receipt')
    with op.batch_alter_table('line_user') as batch:
        batch.drop_column('removed_by')
        batch.drop_column('removed_at')
    for table in ('subscriber_line', 'subscriber'):
        with op.batch_alter_table(table) as batch:
            for column in ('erased_at', 'left_recorded_by', 'left_reason', 'left_at'):
                batch.drop_column(column)
