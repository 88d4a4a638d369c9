"""Writes of the assessments app: campaigns (campaigns.py) and result imports (imports.py)."""
