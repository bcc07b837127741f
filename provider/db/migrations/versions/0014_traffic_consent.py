"""Traffic and location consent: consent events (append-only), privacy switches, the register of
processors and value-added service partners, and the value-added services

Revision ID: 0014_traffic_consent
Revises: 0013_traffic
Create Date: 2026-12-02 14:53:02.760783

The current state of a consent is derived from traffic_consent by query (the last event per key), so
the key index ends with the id: the last event of each key is its index's last entry.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import provider.db.types


revision = '0014_traffic_consent'
down_revision = '0013_traffic'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('traffic_partner',
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('contract_start', sa.Date(), nullable=False),
    sa.Column('contract_end', sa.Date(), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('traffic_vas',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('partner_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['traffic_partner.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('traffic_consent',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('subscriber_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_kind', sa.String(length=16), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('data_kind', sa.String(length=16), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('service_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('version_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('agent_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('script_version', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('evidence_reference', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('representative_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('representative_role', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('occurred_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['traffic_vas.id'], ),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['wording_version.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('traffic_consent', schema=None) as batch_op:
        batch_op.create_index('ix_traffic_consent_key', ['subscriber_id', 'person_kind', 'person_id', 'data_kind', 'purpose', 'service_id', 'id'], unique=False)

    op.create_table('traffic_privacy_switch',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('starts_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', provider.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('set_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('created_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['subscriber_line.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('traffic_privacy_switch', schema=None) as batch_op:
        batch_op.create_index('ix_traffic_privacy_switch_line', ['line_id', 'ends_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('traffic_privacy_switch', schema=None) as batch_op:
        batch_op.drop_index('ix_traffic_privacy_switch_line')

    op.drop_table('traffic_privacy_switch')
    with op.batch_alter_table('traffic_consent', schema=None) as batch_op:
        batch_op.drop_index('ix_traffic_consent_key')

    op.drop_table('traffic_consent')
    op.drop_table('traffic_vas')
    op.drop_table('traffic_partner')
