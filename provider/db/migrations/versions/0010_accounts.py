"""Accounts: an initial password must be changed at first sign-in

Revision ID: 0010_accounts
Revises: 0009_big_ids
Create Date: 2026-12-02 15:10:00.000000

`user_account.must_change_password` is true for an account whose password someone else chose (an
administrator creating it or setting a new one, the first administrator's printed password): until
its owner picks their own, no page opens but the account page. Existing accounts keep working (false).
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_accounts'
down_revision = '0009_big_ids'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user_account') as batch:
        batch.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('user_account') as batch:
        batch.drop_column('must_change_password')
