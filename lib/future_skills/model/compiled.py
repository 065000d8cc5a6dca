"""A fitted pipeline flattened into numpy arrays, to score a few pairs in well under a millisecond.

scikit-learn's ``predict_proba`` on one row pays for input validation, the ColumnTransformer's
DataFrame handling and one call per tree (200 trees: ~20 ms). :func:`compile_pipeline` turns
the one-hot or target encoder into dictionaries and every tree of the forest (``rf``) or of
the boosted ensemble (``hgb``) into one set of node arrays walked for all trees at once.
It is built once per loaded model and checked against the pipeline's own ``predict_proba``
on probe rows; a model it cannot reproduce exactly is not compiled (None) and is scored
the ordinary way.

Which evaluator scores encoded rows depends on how many there are (:meth:`CompiledPipeline.proba_encoded`,
measured on the demo's 200-tree forest and on gradient boosting): the node tables walked at once
for a few rows; for a forest beyond :data:`FOREST_WALK_MAX_ROWS`, its trees' own compiled walk
one tree after another, without ``predict_proba``'s per-call machinery (100 rows: 5 ms instead
of 14, bit for bit the same sums in the same order); gradient boosting's own ``predict_proba``
beyond :data:`BOOSTED_WALK_MAX_ROWS`. Large batches go through scikit-learn on threads
(``scoring.ml_predict``).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from future_skills.schema import CATEGORICAL_FEATURES, FEATURES, NUMERIC_FEATURES

TOLERANCE = 1e-9
# Up to this many rows the node tables walked at once beat the other evaluators (the demo's forest, 1 / 8 / 16 /
# 64 rows: 0.3 / 1.5 / 2.5 / 11.2 ms walked, 1.4 / 1.9 / 2.4 / 4.1 ms tree by tree; hgb, 100 / 300 rows: 1.5 /
# 4.4 ms walked, 3.3 / 3.8 ms by scikit-learn).
FOREST_WALK_MAX_ROWS = 14
BOOSTED_WALK_MAX_ROWS = 200


class FlatTrees:
    """All trees of an ensemble as one node table; leaves point to themselves."""

    def __init__(self, trees: list[dict[str, np.ndarray]], n_classes: int) -> None:
        offsets = np.cumsum([0] + [len(t["feature"]) for t in trees])
        self.roots = offsets[:-1].astype(np.int64)
        self.feature = np.concatenate([t["feature"] for t in trees]).astype(np.int64)
        self.threshold = np.concatenate([t["threshold"] for t in trees]).astype(np.float64)
        left, right = [], []
        for tree, offset in zip(trees, offsets):
            own = np.arange(len(tree["feature"])) + offset
            leaf = tree["is_leaf"]
            left.append(np.where(leaf, own, tree["left"] + offset))
            right.append(np.where(leaf, own, tree["right"] + offset))
        self.left, self.right = np.concatenate(left), np.concatenate(right)
        self.feature[np.concatenate([t["is_leaf"] for t in trees])] = 0
        self.value = np.concatenate([t["value"] for t in trees]).reshape(-1, n_classes)
        self.depth = int(max(t["depth"] for t in trees))

    def leaves(self, X: np.ndarray) -> np.ndarray:
        """(rows, trees) leaf index of every row in every tree."""
        node = np.repeat(self.roots[None, :], len(X), axis=0)
        rows = np.arange(len(X))[:, None]
        for _ in range(self.depth):
            go_left = X[rows, self.feature[node]] <= self.threshold[node]
            node = np.where(go_left, self.left[node], self.right[node])
        return node


def _forest_trees(forest: Any) -> tuple[list[dict[str, np.ndarray]], int]:
    trees = []
    for estimator in forest.estimators_:
        tree = estimator.tree_
        value = tree.value[:, 0, :].astype(np.float64)
        total = value.sum(axis=1, keepdims=True)
        trees.append({"feature": tree.feature, "threshold": tree.threshold, "left": tree.children_left,
                      "right": tree.children_right, "is_leaf": tree.children_left < 0,
                      "value": np.divide(value, total, out=np.zeros_like(value), where=total > 0),
                      "depth": tree.max_depth})
    return trees, len(forest.classes_)


def _boosted_trees(model: Any) -> tuple[list[dict[str, np.ndarray]], int]:
    n_classes = len(model.classes_)
    trees = []
    for iteration in model._predictors:
        for k, predictor in enumerate(iteration):
            nodes = predictor.nodes
            if nodes["is_categorical"].any():
                raise ValueError("categorical splits are not compiled")
            value = np.zeros((len(nodes), n_classes))
            value[:, k] = nodes["value"]
            trees.append({"feature": nodes["feature_idx"], "threshold": nodes["num_threshold"],
                          "left": nodes["left"].astype(np.int64), "right": nodes["right"].astype(np.int64),
                          "is_leaf": nodes["is_leaf"].astype(bool), "value": value, "depth": int(nodes["depth"].max())})
    return trees, n_classes


class CompiledPipeline:
    """Scores rows given as names (4 strings) and numbers (7 floats) like the pipeline it came from."""

    def __init__(self, pipeline: Any) -> None:
        preprocess, model = pipeline.named_steps["preprocess"], pipeline.named_steps["model"]
        layout = [(name, list(columns)) for name, _, columns in preprocess.transformers_ if name != "remainder"]
        if layout != [("categorical", list(CATEGORICAL_FEATURES)), ("numeric", list(NUMERIC_FEATURES))]:
            raise ValueError(f"unexpected preprocessing layout {layout}")
        encoder = preprocess.named_transformers_["categorical"]
        self.classes = [str(c) for c in model.classes_]
        self.model = model
        self.boosted = hasattr(model, "_predictors")
        if self.boosted:
            trees, n_classes = _boosted_trees(model)
            self.baseline = np.asarray(model._baseline_prediction, dtype=np.float64).reshape(1, -1)
            self._encode_target(encoder, n_classes)
        else:
            trees, n_classes = _forest_trees(model)
            self._encode_one_hot(encoder)
        self.trees = FlatTrees(trees, n_classes)

    def _encode_one_hot(self, encoder: Any) -> None:
        """rf: category -> its one-hot column; unknown categories set no column (handle_unknown='ignore')."""
        self.columns: list[dict[str, int]] = []
        self.offsets: list[int] = []
        start = 0
        for categories in encoder.categories_:
            self.columns.append({str(c): start + i for i, c in enumerate(categories)})
            self.offsets.append(start)
            start += len(categories)
        self.lookups = [pd.Index([str(c) for c in categories]) for categories in encoder.categories_]
        self.width = start + len(NUMERIC_FEATURES)
        self.dtype = np.float32  # scikit-learn's trees compare float32 inputs

    def _encode_target(self, encoder: Any, n_classes: int) -> None:
        """hgb: category -> its per-level target encoding; unknown categories get the overall mean."""
        self.target_rows: list[dict[str, np.ndarray]] = []
        self.target_tables: list[np.ndarray] = []
        self.target_mean = np.asarray(encoder.target_mean_, dtype=np.float64)
        for f, categories in enumerate(encoder.categories_):
            table = np.column_stack([encoder.encodings_[f * n_classes + k] for k in range(n_classes)])
            self.target_rows.append({str(c): table[i] for i, c in enumerate(categories)})
            self.target_tables.append(table)
        self.lookups = [pd.Index([str(c) for c in categories]) for categories in encoder.categories_]
        self.width = len(CATEGORICAL_FEATURES) * n_classes + len(NUMERIC_FEATURES)
        self.n_classes = n_classes
        self.dtype = np.float64

    def encode(self, names: Sequence[Sequence[str]], numbers: np.ndarray) -> np.ndarray:
        """The model's input matrix for ``names`` (rows of the 4 categorical values) and ``numbers`` (rows × 7)."""
        X = np.zeros((len(names), self.width), dtype=np.float64)
        X[:, self.width - len(NUMERIC_FEATURES):] = numbers
        for row, values in enumerate(names):
            if self.boosted:
                k = self.n_classes
                for f, value in enumerate(values):
                    X[row, f * k:(f + 1) * k] = self.target_rows[f].get(value, self.target_mean)
            else:
                for f, value in enumerate(values):
                    column = self.columns[f].get(value)
                    if column is not None:
                        X[row, column] = 1.0
        return X.astype(self.dtype)

    def _codes(self, f: int, values: pd.Series) -> np.ndarray:
        """Position of each value in categorical feature ``f``'s categories, -1 when unknown.

        The column is factorised first (hashing its own strings once), then each distinct value is
        looked up once: 5x faster than looking up every row on 100k rows with a few thousand names.
        """
        codes, distinct = pd.factorize(values.astype(str))
        positions = np.append(self.lookups[f].get_indexer(distinct), -1)  # code -1 (missing) -> -1
        return positions[codes]

    def encode_frame(self, frame: pd.DataFrame) -> np.ndarray:
        """The preprocessing step's ``transform`` of a whole frame, vectorised, in the dtype the model compares.

        Each column's names become category codes with one hash lookup (-1: unknown), then one-hot
        columns are set or target-encoding rows gathered with numpy: no per-row Python.
        """
        X = np.zeros((len(frame), self.width), dtype=self.dtype)
        X[:, self.width - len(NUMERIC_FEATURES):] = frame[list(NUMERIC_FEATURES)].to_numpy(dtype=np.float64)
        for f, name in enumerate(CATEGORICAL_FEATURES):
            codes = self._codes(f, frame[name])
            known = codes >= 0
            if self.boosted:
                k = self.n_classes
                X[:, f * k:(f + 1) * k] = np.where(known[:, None], self.target_tables[f][codes], self.target_mean)
            else:
                X[np.flatnonzero(known), self.offsets[f] + codes[known]] = 1.0
        return X

    def predict_proba(self, names: Sequence[Sequence[str]], numbers: np.ndarray) -> np.ndarray:
        """Probabilities in ``self.classes`` order, as the pipeline's ``predict_proba`` gives them."""
        return self.proba_encoded(self.encode(names, numbers))

    def proba_encoded(self, X: np.ndarray) -> np.ndarray:
        """Probabilities of encoded rows (the model's input), by the evaluator fastest for their number."""
        if len(X) <= (BOOSTED_WALK_MAX_ROWS if self.boosted else FOREST_WALK_MAX_ROWS):
            return self.walk_proba(X)
        if self.boosted:
            return np.asarray(self.model.predict_proba(X), dtype=np.float64)
        return self.tree_by_tree_proba(X)

    def walk_proba(self, X: np.ndarray) -> np.ndarray:
        """The node tables of every tree walked at once (a few rows)."""
        values = self.trees.value[self.trees.leaves(X)]  # (rows, trees, classes)
        if not self.boosted:
            return values.mean(axis=1)
        raw = self.baseline + values.sum(axis=1)
        raw -= raw.max(axis=1, keepdims=True)
        exp = np.exp(raw)
        return exp / exp.sum(axis=1, keepdims=True)

    def tree_by_tree_proba(self, X: np.ndarray) -> np.ndarray:
        """A forest's ``predict_proba`` on one thread, as scikit-learn computes it (each tree's class shares summed
        in tree order, then divided by the number of trees), calling each tree's compiled walk directly."""
        X = np.ascontiguousarray(X, dtype=np.float32)
        n_classes = len(self.classes)
        total = np.zeros((len(X), n_classes))
        for tree in self.model.estimators_:
            proba = tree.tree_.predict(X)[:, :n_classes]
            normalizer = proba.sum(axis=1)[:, np.newaxis]
            normalizer[normalizer == 0.0] = 1.0
            total += proba / normalizer
        return total / len(self.model.estimators_)


def probe_frame(pipeline: Any, rows: int = 64, seed: int = 0) -> Any:
    """Rows to check a compiled pipeline on: known names in turn, one unknown name each, numbers spread wide."""
    rng = np.random.default_rng(seed)
    encoder = pipeline.named_steps["preprocess"].named_transformers_["categorical"]
    frame = pd.DataFrame({name: [str(c[i % len(c)]) for i in range(rows)]
                          for name, c in zip(CATEGORICAL_FEATURES, encoder.categories_)})
    for position, name in enumerate(CATEGORICAL_FEATURES):
        frame.loc[position, name] = "never seen in training"
    for name in NUMERIC_FEATURES:
        frame[name] = np.round(rng.uniform(-10, 110, rows), 1)
    return frame


def compile_pipeline(pipeline: Any, probe: Any = None) -> CompiledPipeline | None:
    """The compiled form of ``pipeline`` if it reproduces ``predict_proba`` on ``probe`` rows, else None."""
    try:
        probe = probe_frame(pipeline) if probe is None else probe
        compiled = CompiledPipeline(pipeline)
        names = probe[list(CATEGORICAL_FEATURES)].astype(str).to_numpy().tolist()
        numbers = probe[list(NUMERIC_FEATURES)].to_numpy(dtype=np.float64)
        expected = np.asarray(pipeline.predict_proba(probe), dtype=np.float64)
        X = compiled.encode(names, numbers)
        evaluators = [compiled.walk_proba] + ([] if compiled.boosted else [compiled.tree_by_tree_proba])
        if any(np.abs(evaluate(X) - expected).max() > TOLERANCE for evaluate in evaluators):
            return None
        encoded = pipeline.named_steps["preprocess"].transform(probe[list(FEATURES)])
        if not np.array_equal(compiled.encode_frame(probe), np.asarray(encoded).astype(compiled.dtype)):
            return None  # large batches feed encode_frame's output to the model: it must be exact
        return compiled
    except (AttributeError, KeyError, ValueError, TypeError, IndexError):
        return None
