"""Fit the matcher's weights on labelled synthetic pairs; print them as Python.

    .venv/bin/python -m benchmarks.matching.fit_weights --records 60000 --seed 7

1. Generates a synthetic population (``synthetic.generate``) with its truth.
2. Takes every pair that blocking puts together (``find_pairs`` at threshold 0
   scores each candidate pair once) and labels it from the truth.
3. Fits a logistic regression over the reason codes of each pair (one-hot; a
   missing value is the reference level) by Newton's method with a small L2
   penalty, in numpy.
4. Prints ``INTERCEPT``, ``WEIGHTS`` and the threshold that maximises F1 on these
   pairs, to paste into ``ura/people/matching/score.py``.

Use a seed other than the accuracy benchmark's (1), so that the benchmark
measures the weights on people they were not fitted on.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np

from benchmarks.matching.synthetic import Record, generate
from ura.people.matching.batch import find_pairs
from ura.people.matching.candidate import Candidate, prepare
from ura.people.matching.score import REASONS, _reasons, pair_levels


def candidates(records: Sequence[Record]) -> list[Candidate]:
    return [
        Candidate(
            id=f"p{number:07d}",
            given_name=r.given.strip(),
            family_name=r.family.strip(),
            sex=r.sex,
            date_of_birth=r.dob,
            dob_estimated=r.estimated,
            place=r.place,
            caregiver_name=r.caregiver,
        )
        for number, r in enumerate(records)
    ]


def labelled_pairs(
    records: Sequence[Record],
) -> tuple[np.ndarray, np.ndarray]:
    people = candidates(records)
    entity = {c.id: r.entity for c, r in zip(people, records, strict=True)}
    prepared = {c.id: prepare(c) for c in people}
    column = {code: i for i, code in enumerate(REASONS)}
    rows, labels = [], []
    for id_a, id_b, _score in find_pairs(people, threshold=0.0):
        features = np.zeros(len(REASONS))
        for code in _reasons(pair_levels(prepared[id_a], prepared[id_b])):
            features[column[code]] = 1.0
        rows.append(features)
        labels.append(1.0 if entity[id_a] == entity[id_b] else 0.0)
    return np.array(rows), np.array(labels)


def fit(x: np.ndarray, y: np.ndarray, penalty: float = 1.0) -> np.ndarray:
    """Logistic regression by Newton's method; returns [intercept, *weights]."""
    design = np.hstack([np.ones((len(x), 1)), x])
    beta = np.zeros(design.shape[1])
    ridge = np.eye(design.shape[1]) * penalty
    ridge[0, 0] = 0.0  # the intercept is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(design @ beta)))
        gradient = design.T @ (y - p) - ridge @ beta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + ridge
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def best_threshold(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    best = (0.5, 0.0)
    for threshold in np.arange(0.05, 1.0, 0.01):
        found = scores >= threshold
        tp = float((found & (y == 1)).sum())
        if tp == 0:
            continue
        precision, recall = tp / found.sum(), tp / (y == 1).sum()
        f1 = 2 * precision * recall / (precision + recall)
        if f1 > best[1]:
            best = (round(float(threshold), 2), f1)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=60_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--penalty", type=float, default=1.0)
    args = parser.parse_args()
    records = generate(args.records, seed=args.seed)
    x, y = labelled_pairs(records)
    beta = fit(x, y, args.penalty)
    scores = 1.0 / (1.0 + np.exp(-(np.hstack([np.ones((len(x), 1)), x]) @ beta)))
    threshold, f1 = best_threshold(scores, y)
    print(f"# {len(y)} candidate pairs, {int(y.sum())} true; seed {args.seed}")
    print(f"# best F1 on these pairs {f1:.4f} at threshold {threshold}")
    print(f"INTERCEPT = {beta[0]:.3f}")
    print("WEIGHTS: dict[str, float] = {")
    for code, weight in zip(REASONS, beta[1:], strict=True):
        print(f'    "{code}": {weight:.3f},')
    print("}")
    print(f"DEFAULT_THRESHOLD = {threshold}")


if __name__ == "__main__":
    main()
