"""policy signatures confirmed by single sign-on

Revision ID: d2abbb415eca
Revises: c228a0b35760
Create Date: 2026-11-29 17:37:11.738091

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d2abbb415eca"
down_revision = "c228a0b35760"
branch_labels = None
depends_on = None


def upgrade():
    # Two nullable columns: added in place (SQLite's ADD COLUMN), no signature is rewritten;
    # NULL means confirmed by password, the only way before.
    with op.batch_alter_table("policy_signature", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_by", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("reauthenticated_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("policy_signature", schema=None) as batch_op:
        batch_op.drop_column("reauthenticated_at")
        batch_op.drop_column("confirmed_by")
