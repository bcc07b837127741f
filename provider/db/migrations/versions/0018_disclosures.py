"""the register of disclosure requests (reg 29A)

Revision ID: 0018_disclosures
Revises: 0017_billing
Create Date: 2026-12-02 15:00:35.089151
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import provider.db.types


revision = '0018_disclosures'
down_revision = '0017_billing'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('disclosure_request',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('received_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('requesting_body', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('legal_basis', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('legal_reference', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('data_requested', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('subscriber_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('procedure_version_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('decision', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('decision_reasons', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('decided_at', provider.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('disclosed_summary', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('disclosed_at', provider.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('disclosed_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('recorded_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['procedure_version_id'], ['wording_version.id'], ),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('disclosure_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_request_received_at'), ['received_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('disclosure_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_request_received_at'))

    op.drop_table('disclosure_request')
