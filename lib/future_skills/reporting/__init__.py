"""Reporting: views for each notebook step, HTML export, run index, texts, plots."""
