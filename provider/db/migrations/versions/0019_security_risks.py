"""security-risk notices (reg 5) and their recipients

Revision ID: 0019_security_risks
Revises: 0018_disclosures
Create Date: 2026-12-02 15:10:45.338571
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import provider.db.types


revision = '0019_security_risks'
down_revision = '0018_disclosures'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('security_risk_notice',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('wording_version_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('audience', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('services', sa.JSON(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('sent_at', provider.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('provider', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['wording_version_id'], ['wording_version.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('security_risk_recipient',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('notice_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('subscriber_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('delivery', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('letter_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('failure', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('processed_at', provider.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['notice_id'], ['security_risk_notice.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('notice_id', 'subscriber_id', name='uq_security_risk_recipient')
    )
    with op.batch_alter_table('security_risk_recipient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_security_risk_recipient_notice_id'), ['notice_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('security_risk_recipient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_security_risk_recipient_notice_id'))

    op.drop_table('security_risk_recipient')
    op.drop_table('security_risk_notice')
