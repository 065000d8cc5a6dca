"""Shared test helpers: datasets and fitted models, registry entries, monitoring set-ups."""
