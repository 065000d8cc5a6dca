"""Model layer: training, metrics, evaluation, promotion gate, model store, scoring."""
