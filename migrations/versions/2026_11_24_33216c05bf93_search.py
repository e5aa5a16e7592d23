"""Search: the full-text index of cases, comments and answers.

The tokens (CJK unigrams and bigrams, Latin words, numbers; see civic.core.fulltext_tokens)
go into an FTS5 table on SQLite, kept in step with search_documents by triggers, and into a
GIN index over array_to_tsvector(string_to_array(tokens, ' ')) on PostgreSQL. The index is
filled by `flask search reindex` and then kept current by the application.

Revision ID: 33216c05bf93
Revises: b346cc078f56
Create Date: 2026-11-24 10:08:13.106861

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '33216c05bf93'
down_revision = 'b346cc078f56'
branch_labels = None
depends_on = None


SQLITE_UP = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title_tokens, tokens, content='search_documents', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, title_tokens, tokens) VALUES (new.id, new.title_tokens, new.tokens); END",
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_tokens, tokens) "
    "VALUES ('delete', old.id, old.title_tokens, old.tokens); END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title_tokens, tokens) "
    "VALUES ('delete', old.id, old.title_tokens, old.tokens); "
    "INSERT INTO search_fts(rowid, title_tokens, tokens) VALUES (new.id, new.title_tokens, new.tokens); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_documents_au",
    "DROP TRIGGER IF EXISTS search_documents_ad",
    "DROP TRIGGER IF EXISTS search_documents_ai",
    "DROP TABLE IF EXISTS search_fts",
]


def upgrade():
    op.create_table('search_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('sector_id', sa.Integer(), nullable=True),
    sa.Column('procurement_kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('title_tokens', sa.Text(), nullable=False),
    sa.Column('tokens', sa.Text(), nullable=False),
    sa.Column('happened_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_search_documents_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
    sa.UniqueConstraint('kind', 'object_id', name=op.f('uq_search_documents_kind_object_id'))
    )
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_documents_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_documents_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_search_documents_filters', ['kind', 'agency_id', 'sector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_documents_happened_at'), ['happened_at'], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    else:
        op.execute("CREATE INDEX ix_search_documents_tokens ON search_documents "
                   "USING gin (array_to_tsvector(string_to_array(tokens, ' ')))")
        op.execute("CREATE INDEX ix_search_documents_title_tokens ON search_documents "
                   "USING gin (array_to_tsvector(string_to_array(title_tokens, ' ')))")



def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    else:
        op.execute("DROP INDEX ix_search_documents_title_tokens")
        op.execute("DROP INDEX ix_search_documents_tokens")
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_documents_happened_at'))
        batch_op.drop_index('ix_search_documents_filters')
        batch_op.drop_index(batch_op.f('ix_search_documents_case_id'))
        batch_op.drop_index(batch_op.f('ix_search_documents_agency_id'))

    op.drop_table('search_documents')
