"""Archive a module: module.archived_at (hidden from learners and new assignments while set).

Revision ID: 9482c544ee72
Revises: 81d1acdb6ad4
Create Date: 2026-11-29 10:52:07.761174

"""

import sqlalchemy as sa
from alembic import op

revision = "9482c544ee72"
down_revision = "81d1acdb6ad4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("module", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("module", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
