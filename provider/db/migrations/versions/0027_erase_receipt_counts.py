"""erasure receipts count what each domain erased of the subscriber's batch

Until this revision an erasure removed only the subscriber's own rows; now every domain's keeper erases
its personal data of the subscriber first (call list, CLI settings, directory choices, consents) and the
receipt records how many rows of each kind went. Receipts written before carry an empty object.

Revision ID: 0027_erase_receipt_counts
Revises: 0026_cligaps_risk_posted
Create Date: 2026-12-08 00:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0027_erase_receipt_counts'
down_revision = '0026_cligaps_risk_posted'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('subscriber_erasure_receipt') as batch:
        batch.add_column(sa.Column('counts', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('subscriber_erasure_receipt') as batch:
        batch.drop_column('counts')
