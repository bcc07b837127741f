"""Versioned wording in the core: texts, versions and served records; breach notice wording moves onto it

Revision ID: 0008_wording
Revises: 0007_deadlines (on the wording branch; re-chained onto 0007_deadlines when merged)
Create Date: 2026-11-25 10:00:00.000000

Every breach_notice_template row becomes a wording_version row with the same id, version number,
content SHA-256 (under the hash scheme it was made with, "sorted_spaced_json"), creator, times and
first use; each breach with wording gets one wording_text ("breach.customer_notice", owner breach N).
Keeping the ids means the template_id of every notice batch, recipient and media notice stays as it
is: only its foreign key moves to wording_version. Then the old table is dropped.

Moving a foreign key on SQLite means rebuilding the table, and dropping a table that other rows
reference fails while foreign keys are enforced (they are, inside the migration's transaction). So
on SQLite the batch, recipient and media tables are rebuilt under new names, the new recipient table
referencing the new batch table, the old ones dropped children first, and the new ones renamed: SQLite
rewrites the references on rename. On PostgreSQL the constraints are swapped in place.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

import provider.db.types


revision = '0008_wording'
down_revision = '0007_deadlines'
branch_labels = None
depends_on = None

PURPOSE = 'breach.customer_notice'
LEGACY_SCHEME = 'sorted_spaced_json'
PARTS = ('subject', 'greeting', 'provider_name', 'contact_details', 'summary', 'estimated_date', 'data_nature',
         'likely_consequences', 'circumstances', 'provider_measures', 'customer_measures')
SHORT_PARTS = ('subject', 'greeting', 'provider_name', 'estimated_date')  # VARCHAR(200) in the old table
NOTICE_TABLES = ('breach_notice_batch', 'breach_notice_recipient', 'breach_notice_media')
UTC = provider.db.types.UTCDateTime(timezone=True)


def _string(length):
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    _create_wording_tables()
    _move_templates_to_versions()
    _repoint_template_keys('breach_notice_template', 'wording_version')
    with op.batch_alter_table('breach_notice_template', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_breach_notice_template_breach_id'))
    op.drop_table('breach_notice_template')
    _reset_sequences('wording_text', 'wording_version')


def downgrade() -> None:
    _create_template_table()
    _move_versions_to_templates()
    _repoint_template_keys('wording_version', 'breach_notice_template')
    op.drop_index('ix_wording_served_person', table_name='wording_served')
    op.drop_index(op.f('ix_wording_served_version_id'), table_name='wording_served')
    op.drop_table('wording_served')
    op.drop_index(op.f('ix_wording_version_text_id'), table_name='wording_version')
    op.drop_table('wording_version')
    op.drop_index('uq_wording_text_provider_wide', table_name='wording_text')
    op.drop_table('wording_text')
    _reset_sequences('breach_notice_template')


# --- the wording tables ------------------------------------------------------------------------------------


def _create_wording_tables() -> None:
    op.create_table('wording_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', _string(100), nullable=False),
    sa.Column('owner_kind', _string(50), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('created_at', UTC, nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('purpose', 'owner_kind', 'owner_id', name='uq_wording_text_owner')
    )
    op.create_index('uq_wording_text_provider_wide', 'wording_text', ['purpose'], unique=True,
                    sqlite_where=sa.text('owner_kind IS NULL'), postgresql_where=sa.text('owner_kind IS NULL'))
    op.create_table('wording_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('parts', sa.JSON(), nullable=False),
    sa.Column('content_sha256', _string(64), nullable=False),
    sa.Column('hash_scheme', sa.String(length=32), nullable=False),
    sa.Column('material_change', sa.Boolean(), nullable=False),
    sa.Column('material_change_note', sa.Text(), nullable=False),
    sa.Column('created_by', _string(100), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('updated_at', UTC, nullable=False),
    sa.Column('first_used_at', UTC, nullable=True),
    sa.ForeignKeyConstraint(['text_id'], ['wording_text.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('text_id', 'version', name='uq_wording_version_number')
    )
    op.create_index(op.f('ix_wording_version_text_id'), 'wording_version', ['text_id'], unique=False)
    op.create_table('wording_served',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('person_kind', sa.String(length=32), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('person_reference', _string(100), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('served_at', UTC, nullable=False),
    sa.Column('served_in', _string(64), nullable=False),
    sa.Column('served_in_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['wording_version.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_wording_served_version_id'), 'wording_served', ['version_id'], unique=False)
    op.create_index('ix_wording_served_person', 'wording_served', ['person_kind', 'person_id'], unique=False)


def _create_template_table() -> None:
    """breach_notice_template as 0005_breach_notices made it (for the downgrade)."""
    op.create_table('breach_notice_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('breach_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    *[sa.Column(name, _string(200) if name in SHORT_PARTS else sa.Text(), nullable=False) for name in PARTS],
    sa.Column('content_sha256', _string(64), nullable=False),
    sa.Column('created_by', _string(100), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('updated_at', UTC, nullable=False),
    sa.Column('first_used_at', UTC, nullable=True),
    sa.ForeignKeyConstraint(['breach_id'], ['breach.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('breach_id', 'version', name='uq_notice_template_version')
    )
    with op.batch_alter_table('breach_notice_template', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_breach_notice_template_breach_id'), ['breach_id'], unique=False)


# --- moving the rows ---------------------------------------------------------------------------------------

_TIMES = ('created_at', 'updated_at', 'first_used_at')
TEMPLATE = sa.table('breach_notice_template', sa.column('id', sa.Integer), sa.column('breach_id', sa.Integer),
                    sa.column('version', sa.Integer), *[sa.column(name, sa.Text) for name in PARTS],
                    sa.column('content_sha256', sa.String), sa.column('created_by', sa.String),
                    *[sa.column(name, UTC) for name in _TIMES])
TEXT = sa.table('wording_text', sa.column('id', sa.Integer), sa.column('purpose', sa.String),
                sa.column('owner_kind', sa.String), sa.column('owner_id', sa.Integer), sa.column('created_at', UTC))
VERSION = sa.table('wording_version', sa.column('id', sa.Integer), sa.column('text_id', sa.Integer),
                   sa.column('version', sa.Integer), sa.column('parts', sa.JSON),
                   sa.column('content_sha256', sa.String), sa.column('hash_scheme', sa.String),
                   sa.column('material_change', sa.Boolean), sa.column('material_change_note', sa.Text),
                   sa.column('created_by', sa.String), *[sa.column(name, UTC) for name in _TIMES])


def _move_templates_to_versions() -> None:
    # A breach has a handful of wording versions at most: all of them fit in memory at once.
    bind = op.get_bind()
    templates = bind.execute(sa.select(TEMPLATE).order_by(TEMPLATE.c.breach_id, TEMPLATE.c.version)).mappings().all()
    text_ids: dict[int, int] = {}
    for row in templates:
        if row['breach_id'] not in text_ids:
            text_ids[row['breach_id']] = len(text_ids) + 1
            bind.execute(TEXT.insert().values(id=text_ids[row['breach_id']], purpose=PURPOSE, owner_kind='breach',
                                              owner_id=row['breach_id'], created_at=row['created_at']))
    if templates:
        bind.execute(VERSION.insert(), [
            {'id': row['id'], 'text_id': text_ids[row['breach_id']], 'version': row['version'],
             'parts': {name: row[name] for name in PARTS}, 'content_sha256': row['content_sha256'],
             'hash_scheme': LEGACY_SCHEME, 'material_change': False, 'material_change_note': '',
             'created_by': row['created_by'], **{name: row[name] for name in _TIMES}}
            for row in templates
        ])


def _move_versions_to_templates() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(VERSION, TEXT.c.owner_id).join(TEXT, TEXT.c.id == VERSION.c.text_id).where(TEXT.c.purpose == PURPOSE)
    ).mappings().all()
    if rows:
        bind.execute(TEMPLATE.insert(), [
            {'id': row['id'], 'breach_id': row['owner_id'], 'version': row['version'],
             **{name: row['parts'].get(name, '') for name in PARTS}, 'content_sha256': row['content_sha256'],
             'created_by': row['created_by'], **{name: row[name] for name in _TIMES}}
            for row in rows
        ])


def _reset_sequences(*tables: str) -> None:
    """Rows were inserted with their ids: move each id sequence past them (PostgreSQL)."""
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in tables:
        op.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                   f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)")


# --- moving the template foreign keys ----------------------------------------------------------------------


def _repoint_template_keys(old_target: str, new_target: str) -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _rebuild_notice_tables_on_sqlite(new_target)
        return
    inspector = sa.inspect(op.get_bind())
    for table in NOTICE_TABLES:
        for key in inspector.get_foreign_keys(table):
            if key['referred_table'] == old_target and key['constrained_columns'] == ['template_id']:
                op.drop_constraint(key['name'], table, type_='foreignkey')
        op.create_foreign_key(f'{table}_template_id_fkey', table, new_target, ['template_id'], ['id'])


def _rebuild_notice_tables_on_sqlite(template_target: str) -> None:
    new = {table: f'_new_{table}' for table in NOTICE_TABLES}
    _create_batch_table(new['breach_notice_batch'], template_target)
    _create_recipient_table(new['breach_notice_recipient'], template_target, new['breach_notice_batch'])
    _create_media_table(new['breach_notice_media'], template_target)
    connection = op.get_bind()
    for table in NOTICE_TABLES:
        columns = ', '.join(column['name'] for column in sa.inspect(connection).get_columns(table))
        op.execute(f'INSERT INTO {new[table]} ({columns}) SELECT {columns} FROM {table}')
    for table in ('breach_notice_recipient', 'breach_notice_media', 'breach_notice_batch'):  # children first
        op.drop_table(table)
    for table in NOTICE_TABLES:
        op.rename_table(new[table], table)
    op.create_index('ix_breach_notice_batch_breach_id', 'breach_notice_batch', ['breach_id'], unique=False)
    op.create_index('ix_breach_notice_recipient_breach_id', 'breach_notice_recipient', ['breach_id'], unique=False)
    op.create_index('ix_notice_recipient_batch_status_id', 'breach_notice_recipient', ['batch_id', 'status', 'id'],
                    unique=False)
    op.create_index('ix_breach_notice_media_breach_id', 'breach_notice_media', ['breach_id'], unique=False)


def _create_batch_table(name: str, template_target: str) -> None:
    op.create_table(name,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('breach_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('generated', sa.Integer(), nullable=False),
    sa.Column('created_by', _string(100), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('generated_at', UTC, nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['breach_notice_assessment.id'], ),
    sa.ForeignKeyConstraint(['breach_id'], ['breach.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_id'], [f'{template_target}.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('breach_id', 'sequence', name='uq_notice_batch_sequence')
    )


def _create_recipient_table(name: str, template_target: str, batch_table: str) -> None:
    op.create_table(name,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('breach_id', sa.Integer(), nullable=False),
    sa.Column('recipient_key', _string(40), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=True),
    sa.Column('line_user_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('pdf_sha256', _string(64), nullable=False),
    sa.Column('email_sha256', _string(64), nullable=False),
    sa.Column('generated_at', UTC, nullable=True),
    sa.Column('sent_at', UTC, nullable=True),
    sa.Column('delivery_error', _string(300), nullable=False),
    sa.Column('added_by', _string(100), nullable=False),
    sa.Column('added_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], [f'{batch_table}.id'], ),
    sa.ForeignKeyConstraint(['breach_id'], ['breach.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['line_user_id'], ['line_user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['template_id'], [f'{template_target}.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('breach_id', 'recipient_key', name='uq_notice_recipient_key')
    )


def _create_media_table(name: str, template_target: str) -> None:
    op.create_table(name,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('breach_id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('pdf_sha256', _string(64), nullable=False),
    sa.Column('pdf_bytes', sa.LargeBinary(), nullable=False),
    sa.Column('created_by', _string(100), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.ForeignKeyConstraint(['breach_id'], ['breach.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['template_id'], [f'{template_target}.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
