"""itemised bills: the subscriber's choice and the call list

Revision ID: 0017_billing
Revises: 0016_directories
Create Date: 2026-12-02 14:52:58.820524
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import provider.db.types


revision = '0017_billing'
down_revision = '0016_directories'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('billing_call',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('subscriber_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_number', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('source_ref', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('started_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('called_number', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('duration_seconds', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('charge_pence', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('free_to_caller', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subscriber_id', 'source_ref', name='uq_billing_call_source')
    )
    with op.batch_alter_table('billing_call', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_call_started_at'), ['started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_billing_call_subscriber_id'), ['subscriber_id'], unique=False)

    op.create_table('billing_itemised_choice',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('subscriber_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('itemised', sa.Boolean(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('requested_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('billing_itemised_choice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_itemised_choice_subscriber_id'), ['subscriber_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('billing_itemised_choice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_itemised_choice_subscriber_id'))

    op.drop_table('billing_itemised_choice')
    with op.batch_alter_table('billing_call', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_call_subscriber_id'))
        batch_op.drop_index(batch_op.f('ix_billing_call_started_at'))

    op.drop_table('billing_call')
