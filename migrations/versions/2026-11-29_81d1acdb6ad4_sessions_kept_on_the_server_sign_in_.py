"""sessions kept on the server, sign-in failures by device

Sessions begun before this migration carried no server-side key: everyone signs in again.

Revision ID: 81d1acdb6ad4
Revises: 657f69a9ea1d
Create Date: 2026-11-29 10:29:21.663734

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "81d1acdb6ad4"
down_revision = "657f69a9ea1d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("remember", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_user_session_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_user_session_key_hash")),
    )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_session_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_user_session_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("sign_in_attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_sign_in_attempt_attempted_at"), ["attempted_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("sign_in_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_attempt_attempted_at"))
        batch_op.drop_column("device")

    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_session_user_id"))
        batch_op.drop_index(batch_op.f("ix_user_session_expires_at"))

    op.drop_table("user_session")
