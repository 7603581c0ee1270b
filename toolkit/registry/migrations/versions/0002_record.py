"""The data file's record block (complaints, penalties, blacklist counted before the registry).

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("platforms") as batch:
        batch.add_column(sa.Column("record", sa.JSON))
