"""index assessments by peer group (bank type, country)

Revision ID: 4c1f0a9e2b7d
Revises: 79591d8d6393
Create Date: 2026-12-01 21:45:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "4c1f0a9e2b7d"
down_revision = "79591d8d6393"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index("ix_assessment_peer_group", ["bank_type", "country"], unique=False)


def downgrade():
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_peer_group")
