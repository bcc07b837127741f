"""Deadlines move into the core: obligation, reminder and deadline_owner replace breach_obligation and breach_reminder

Revision ID: 0007_deadlines
Revises: 0006_subscriber_search
Create Date: 2026-12-01 12:00:00.000000

Every breach_obligation row is copied to `obligation` with its id, owned by its breach (owner kind
"breach", owner id = breach_id) or, without a breach, by the breach log as a whole (owner kind
"breach_log": the monthly submission). Every breach_reminder row is copied to `reminder` with its id, so
the reminder keys (obligation id, threshold, due time) stay valid and nothing is sent twice. The breach
log submissions' foreign key moves to the new table; then the old tables go. On PostgreSQL the id
sequences are moved past the copied ids.

Downgrade copies the rows back (only breach and breach_log obligations existed before; it refuses when
others exist) and drops the owners, which had no place before this revision.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import provider.db.types


revision = '0007_deadlines'
down_revision = '0006_subscriber_search'
branch_labels = None
depends_on = None

OBLIGATION_COLUMNS = ('period, kind, recipient, statutory, basis, anchor_at, due_at, status, first_filed_at, '
                      'late_by_seconds, decision, decided_by, decided_at, decision_rationale, created_at')
REMINDER_COLUMNS = ('id, obligation_id, key, threshold, due_at, created_at, recipients, channel, email_outcome, '
                    'email_error, emailed_at, acknowledged_at, acknowledged_by')
SUBMISSION_FK = {'fk': 'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s'}


def _obligation_columns(owner_columns: list, kind_type: sa.types.TypeEngine) -> list:
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        *owner_columns,
        sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column('kind', kind_type, nullable=False),
        sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('statutory', sa.Boolean(), nullable=False),
        sa.Column('basis', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('anchor_at', provider.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('due_at', provider.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('first_filed_at', provider.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('late_by_seconds', sa.Integer(), nullable=True),
        sa.Column('decision', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('decided_at', provider.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('decision_rationale', sa.Text(), nullable=False),
        sa.Column('created_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    ]


def _reminder_columns(obligation_table: str) -> list:
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('obligation_id', sa.Integer(), nullable=False),
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('threshold', sa.String(length=16), nullable=False),
        sa.Column('due_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('recipients', sa.JSON(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('email_outcome', sa.String(length=16), nullable=False),
        sa.Column('email_error', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('emailed_at', provider.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('acknowledged_at', provider.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('acknowledged_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(['obligation_id'], [f'{obligation_table}.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    ]


def _create_core_tables() -> None:
    op.create_table('obligation', *_obligation_columns([
        sa.Column('owner_kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
    ], sqlmodel.sql.sqltypes.AutoString(length=32)),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('owner_kind', 'owner_id', 'kind', 'period', name='uq_obligation_owner_kind_period'),
    )
    with op.batch_alter_table('obligation', schema=None) as batch_op:
        batch_op.create_index('ix_obligation_owner', ['owner_kind', 'owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_obligation_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_obligation_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_obligation_status'), ['status'], unique=False)
        batch_op.create_index('uq_obligation_ownerless_kind_period', ['owner_kind', 'kind', 'period'], unique=True,
                              sqlite_where=sa.text('owner_id IS NULL'), postgresql_where=sa.text('owner_id IS NULL'))

    op.create_table('reminder', *_reminder_columns('obligation'))
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_obligation_id'), ['obligation_id'], unique=False)

    op.create_table('deadline_owner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('owner_user_id', sa.Integer(), nullable=False),
    sa.Column('deputy_user_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', provider.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['deputy_user_id'], ['user_account.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_user_id'], ['user_account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('owner_kind', 'owner_id', name='uq_deadline_owner_item'),
    )
    with op.batch_alter_table('deadline_owner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_owner_deputy_user_id'), ['deputy_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deadline_owner_owner_user_id'), ['owner_user_id'], unique=False)


def _point_submissions_at(old_table: str, new_table: str) -> None:
    """breach_log_submission.obligation_id references `new_table` instead of `old_table` (the ids are the same).

    0004 created the foreign key unnamed: PostgreSQL named it itself, SQLite reflects it without a name and
    batch mode then names it by SUBMISSION_FK's convention.
    """
    (current,) = sa.inspect(op.get_bind()).get_foreign_keys('breach_log_submission')
    current_key = current['name'] or f'fk_breach_log_submission_obligation_id_{old_table}'
    with op.batch_alter_table('breach_log_submission', naming_convention=SUBMISSION_FK) as batch_op:
        batch_op.drop_constraint(current_key, type_='foreignkey')
        batch_op.create_foreign_key('breach_log_submission_obligation_id_fkey', new_table, ['obligation_id'], ['id'],
                                    ondelete='SET NULL')


def _reset_sequences(*tables: str) -> None:
    """PostgreSQL hands out ids from a sequence that copying explicit ids does not move; SQLite needs nothing."""
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in tables:
        op.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                   f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")


def _drop_old_tables() -> None:
    with op.batch_alter_table('breach_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_breach_reminder_obligation_id'))
        batch_op.drop_index(batch_op.f('ix_breach_reminder_created_at'))
    op.drop_table('breach_reminder')
    with op.batch_alter_table('breach_obligation', schema=None) as batch_op:
        batch_op.drop_index('uq_obligation_provider_kind_period', sqlite_where=sa.text('breach_id IS NULL'),
                            postgresql_where=sa.text('breach_id IS NULL'))
        batch_op.drop_index(batch_op.f('ix_breach_obligation_status'))
        batch_op.drop_index(batch_op.f('ix_breach_obligation_kind'))
        batch_op.drop_index(batch_op.f('ix_breach_obligation_due_at'))
        batch_op.drop_index(batch_op.f('ix_breach_obligation_breach_id'))
    op.drop_table('breach_obligation')


def upgrade() -> None:
    _create_core_tables()
    op.execute(
        f"INSERT INTO obligation (id, owner_kind, owner_id, {OBLIGATION_COLUMNS}) "
        f"SELECT id, CASE WHEN breach_id IS NULL THEN 'breach_log' ELSE 'breach' END, breach_id, {OBLIGATION_COLUMNS} "
        "FROM breach_obligation"
    )
    op.execute(f"INSERT INTO reminder ({REMINDER_COLUMNS}) SELECT {REMINDER_COLUMNS} FROM breach_reminder")
    _point_submissions_at('breach_obligation', 'obligation')
    _drop_old_tables()
    _reset_sequences('obligation', 'reminder')


def _create_old_tables() -> None:
    op.create_table('breach_obligation', *_obligation_columns([sa.Column('breach_id', sa.Integer(), nullable=True)],
                                                              sa.String(length=32)),
    sa.ForeignKeyConstraint(['breach_id'], ['breach.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('breach_id', 'kind', 'period', name='uq_obligation_breach_kind_period'),
    )
    with op.batch_alter_table('breach_obligation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breach_obligation_breach_id'), ['breach_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_breach_obligation_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_breach_obligation_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_breach_obligation_status'), ['status'], unique=False)
        batch_op.create_index('uq_obligation_provider_kind_period', ['kind', 'period'], unique=True,
                              sqlite_where=sa.text('breach_id IS NULL'), postgresql_where=sa.text('breach_id IS NULL'))
    op.create_table('breach_reminder', *_reminder_columns('breach_obligation'))
    with op.batch_alter_table('breach_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breach_reminder_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_breach_reminder_obligation_id'), ['obligation_id'], unique=False)


def downgrade() -> None:
    others = op.get_bind().execute(sa.text(
        "SELECT COUNT(*) FROM obligation WHERE owner_kind NOT IN ('breach', 'breach_log')")).scalar_one()
    if others:
        raise RuntimeError(f"{others} obligation(s) belong to other domains; before 0007 only breaches had any")
    _create_old_tables()
    op.execute(
        f"INSERT INTO breach_obligation (id, breach_id, {OBLIGATION_COLUMNS}) "
        f"SELECT id, owner_id, {OBLIGATION_COLUMNS} FROM obligation"
    )
    op.execute(f"INSERT INTO breach_reminder ({REMINDER_COLUMNS}) SELECT {REMINDER_COLUMNS} FROM reminder")
    _point_submissions_at('obligation', 'breach_obligation')
    for table, indexes in (
        ('deadline_owner', ('ix_deadline_owner_owner_user_id', 'ix_deadline_owner_deputy_user_id')),
        ('reminder', ('ix_reminder_obligation_id', 'ix_reminder_created_at')),
        ('obligation', ('uq_obligation_ownerless_kind_period', 'ix_obligation_status', 'ix_obligation_kind',
                        'ix_obligation_due_at', 'ix_obligation_owner')),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for index in indexes:
                batch_op.drop_index(index)
        op.drop_table(table)
    _reset_sequences('breach_obligation', 'breach_reminder')
