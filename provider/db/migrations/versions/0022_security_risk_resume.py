"""security-risk sends record their progress, recipients count their e-mail attempts

Revision ID: 0022_security_risk_resume
Revises: 0021_directory_letters_posted
Create Date: 2026-12-03 09:40:00.000000
"""
from alembic import op
import sqlalchemy as sa
import provider.db.types


revision = '0022_security_risk_resume'
down_revision = '0021_directory_letters_posted'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('security_risk_notice') as batch:
        batch.add_column(sa.Column('progress_at', provider.db.types.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('security_risk_recipient') as batch:
        batch.add_column(sa.Column('attempts', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('security_risk_recipient') as batch:
        batch.drop_column('attempts')
    with op.batch_alter_table('security_risk_notice') as batch:
        batch.drop_column('progress_at')
