"""Pages of the assessments app: the campaign catalogue and results (campaigns.py), uploads (uploads.py)."""
