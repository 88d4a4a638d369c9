"""The portal's own machinery (users, access, jobs, uploads, safe reading of files, numbers).

The Celery application lives in `msoko.celery`; it is loaded when Django starts
(`MsokoConfig.ready`) and found by `celery -A msoko`, not imported here, so that the plain
modules of this package (formatting, spreadsheets, problems) import no Django.
"""
