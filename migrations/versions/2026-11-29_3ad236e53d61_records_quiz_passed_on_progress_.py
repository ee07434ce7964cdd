"""Records: quiz passed on progress, retraining reason per version, grace period, department since

Revision ID: 3ad236e53d61
Revises: 9e3493b42da3
Create Date: 2026-11-29 13:40:40.729401

Adds columns only. The two backfills fill derived summaries (never a person's evidence):
whether each learner's counted quiz evidence includes a pass, and the reason of the version
that last asked for retraining (until now kept on the module only).
"""

import sqlalchemy as sa
from alembic import op

revision = "3ad236e53d61"
down_revision = "9e3493b42da3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assignment") as batch_op:
        batch_op.add_column(
            sa.Column("grace_days", sa.Integer(), server_default="30", nullable=False)
        )
    with op.batch_alter_table("module_progress") as batch_op:
        batch_op.add_column(
            sa.Column("quiz_passed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("module_revision") as batch_op:
        batch_op.add_column(sa.Column("retrain_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("user") as batch_op:
        batch_op.add_column(sa.Column("department_since", sa.Date(), nullable=True))

    op.execute(
        """
        UPDATE module_progress SET quiz_passed = EXISTS (
            SELECT 1 FROM quiz_attempt a JOIN module m ON m.id = a.module_id
            WHERE a.user_id = module_progress.user_id
              AND a.module_id = module_progress.module_id
              AND a.state = 'submitted' AND a.passed
              AND a.revision_number >= m.retrain_since)
        """
    )
    op.execute(
        """
        UPDATE module_revision SET retrain_reason = (
            SELECT m.retrain_reason FROM module m
            WHERE m.id = module_revision.module_id AND m.retrain_since = module_revision.number)
        WHERE requires_retraining
        """
    )


def downgrade():
    with op.batch_alter_table("user") as batch_op:
        batch_op.drop_column("department_since")
    with op.batch_alter_table("module_revision") as batch_op:
        batch_op.drop_column("retrain_reason")
    with op.batch_alter_table("module_progress") as batch_op:
        batch_op.drop_column("quiz_passed")
    with op.batch_alter_table("assignment") as batch_op:
        batch_op.drop_column("grace_days")
