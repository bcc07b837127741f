"""security-risk letters are served when posted: letters already recorded served become 'posted'

Until this revision a letter (a subscriber without an e-mail address, or no mail server) was recorded
as served when it was generated, and a failed e-mail confirmed posted became a letter, served then. So
every recipient whose delivery is 'letter' already has its served record: it is marked 'posted', and
from now on 'letter' means a letter waiting to be posted, not yet served. Data only (the column is a
VARCHAR: provider.db.types.StrEnumType).

Revision ID: 0026_cligaps_risk_posted
Revises: 0025_gaps_call_list_sealed
Create Date: 2026-12-07 17:10:00.000000
"""
from alembic import op


revision = '0026_cligaps_risk_posted'
down_revision = '0025_gaps_call_list_sealed'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE security_risk_recipient SET delivery = 'posted' WHERE delivery = 'letter'")


def downgrade() -> None:
    # A letter still waiting to be posted has no served record: downgraded it stays a letter, which the
    # older code takes as served; those waiting are kept apart as failed e-mails, which it posts.
    op.execute("UPDATE security_risk_recipient SET delivery = 'failed' WHERE delivery = 'letter'")
    op.execute("UPDATE security_risk_recipient SET delivery = 'letter' WHERE delivery = 'posted'")
