"""Serving: the predict API and the rules engine it falls back to."""
