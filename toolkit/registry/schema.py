"""The registry's tables, as the newest migration leaves them (SQLAlchemy Core).

Migrations (``migrations/versions``) create and change the database; this file
describes the head for queries.  ``tests/test_registry_db.py`` checks they agree.
"""
from __future__ import annotations

import sqlalchemy as sa

from ..model import annex

metadata = sa.MetaData()

platforms = sa.Table(
    "platforms", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("unit_name", sa.String(200), nullable=False, unique=True),
    sa.Column("credit_code", sa.String(18), unique=True),
    sa.Column("platform_name", sa.String(200)),
    sa.Column("city", sa.String(50)),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("record", sa.JSON),            # the data file's record block (migration 2)
)

files = sa.Table(
    "files", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(500), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("imported_at", sa.DateTime, nullable=False),
)

applications = sa.Table(
    "applications", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("platform_id", sa.Integer, sa.ForeignKey("platforms.id"), nullable=False, index=True),
    sa.Column("file_id", sa.Integer, sa.ForeignKey("files.id"), nullable=False),
    sa.Column("fill_date", sa.Date),
    sa.Column("data", sa.JSON, nullable=False),
)

years = sa.Table(
    "years", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("platform_id", sa.Integer, sa.ForeignKey("platforms.id"), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("row", sa.JSON, nullable=False),          # annex 6 columns of that year
    sa.Column("file_id", sa.Integer, sa.ForeignKey("files.id")),
    sa.UniqueConstraint("platform_id", "year", name="uq_years_platform_year"),
)

events = sa.Table(
    "events", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("platform_id", sa.Integer, sa.ForeignKey("platforms.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("on_date", sa.Date),
    sa.Column("period", sa.String(10)),                 # report: 2026H1 or 2026
    sa.Column("document", sa.String(200)),
    sa.Column("note", sa.Text),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

# event kinds and how the registry names them
KINDS = {
    "publicity": "公示",          # on_date: first day; note: last day (7 working days, 第十一条)
    "recognized": "认定",
    "revoked": "撤消称号",
    "complaint": "被中小企业投诉",
    **{k: annex("record")[k].label for k in ("admin_penalty", "judicial_penalty", "credit_blacklist")},
    "report": "报送（半）年度总结报告",
}

accounts = sa.Table(                                    # migration 3: the web page's named logins
    "accounts", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(300), nullable=False),
    sa.Column("role", sa.String(10), nullable=False),   # 市州 / 省厅
    sa.Column("city", sa.String(50)),                    # a 市州 account's city
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("disabled_at", sa.DateTime),
)

audit = sa.Table(                                       # migration 3: who uploaded, downloaded, changed what
    "audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("account", sa.String(100)),
    sa.Column("action", sa.String(30), nullable=False),
    sa.Column("object", sa.String(500)),
    sa.Column("detail", sa.Text),
)
