"""an envelope's document kind, and the declined envelope a refusal record's envelope follows
(unique: one refusal record per decline, held by the database itself against racing requests)

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('envelopes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False,
                                      server_default='plan'))
        batch_op.add_column(sa.Column('refusal_of', sa.String(length=32), nullable=True))
        batch_op.create_index('ix_envelopes_refusal_of', ['refusal_of'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('envelopes', schema=None) as batch_op:
        batch_op.drop_index('ix_envelopes_refusal_of')
        batch_op.drop_column('refusal_of')
        batch_op.drop_column('kind')
