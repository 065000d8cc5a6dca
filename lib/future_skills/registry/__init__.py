"""Model registry: store (I/O), life cycle rules, Markdown rendering, version diff."""
