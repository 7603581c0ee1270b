"""The bureau's registry (台账) of recognised platforms, articles 11–17.

One database (SQLite file, or PostgreSQL shared by the city bureaus) holds each
platform, the files imported for it, its yearly figures (annex 6 rows) and its
events (recognition, revocation, complaints, penalties, reports received).
``db`` opens and migrates it, ``sources`` reads files, ``store`` writes,
``status`` applies articles 14–16, ``export`` writes the workbook.
"""
