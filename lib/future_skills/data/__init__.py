"""Data layer: demo HR database, database export, validation, dataset snapshots, HR catalog."""
