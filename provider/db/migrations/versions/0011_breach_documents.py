"""Provider profile: the named person and role who sign customer letters

Revision ID: 0011_breach_documents
Revises: 0010_accounts
Create Date: 2026-12-02 15:00:00.000000

Two columns, blank by default (a letter is then signed by the contact point).
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0011_breach_documents'
down_revision = '0010_accounts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('provider_profile') as batch:
        batch.add_column(
            sa.Column('signatory_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default='')
        )
        batch.add_column(
            sa.Column('signatory_role', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False, server_default='')
        )


def downgrade() -> None:
    with op.batch_alter_table('provider_profile') as batch:
        batch.drop_column('signatory_role')
        batch.drop_column('signatory_name')
