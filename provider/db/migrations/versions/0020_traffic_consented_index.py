"""partial indexes of consented traffic and location records, for withdrawal

Revision ID: 0020_traffic_consented_index
Revises: 0019_security_risks
Create Date: 2026-12-03 09:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0020_traffic_consented_index'
down_revision = '0019_security_risks'
branch_labels = None
depends_on = None

CONSENTED = sa.text("retention_class = 'consented'")


def upgrade() -> None:
    for table in ('traffic_record', 'location_record'):
        op.create_index(f'ix_{table}_consented', table, ['subscriber_id'], sqlite_where=CONSENTED,
                        postgresql_where=CONSENTED)


def downgrade() -> None:
    for table in ('traffic_record', 'location_record'):
        op.drop_index(f'ix_{table}_consented', table_name=table)
