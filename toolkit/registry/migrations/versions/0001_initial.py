"""Platforms, imported files, applications, yearly figures, events.

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "platforms",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_name", sa.String(200), nullable=False, unique=True),
        sa.Column("credit_code", sa.String(18), unique=True),
        sa.Column("platform_name", sa.String(200)),
        sa.Column("city", sa.String(50)),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("imported_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform_id", sa.Integer, sa.ForeignKey("platforms.id"), nullable=False, index=True),
        sa.Column("file_id", sa.Integer, sa.ForeignKey("files.id"), nullable=False),
        sa.Column("fill_date", sa.Date),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_table(
        "years",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform_id", sa.Integer, sa.ForeignKey("platforms.id"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("row", sa.JSON, nullable=False),
        sa.Column("file_id", sa.Integer, sa.ForeignKey("files.id")),
        sa.UniqueConstraint("platform_id", "year", name="uq_years_platform_year"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform_id", sa.Integer, sa.ForeignKey("platforms.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("on_date", sa.Date),
        sa.Column("period", sa.String(10)),
        sa.Column("document", sa.String(200)),
        sa.Column("note", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
