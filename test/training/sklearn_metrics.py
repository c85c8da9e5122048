"""scikit-learn's metrics of a test split and its batch transform output: the reference the
project's own evaluation (`lambda/evaluate/`) is compared with in `xgboost-local.test.ts`.

  sklearn_metrics.py --test CSV --scores OUT --cutoff C [--cutoff C ...]

Prints {"auc": ..., "atCutoffs": [{"cutoff", "tp", "fp", "tn", "fn", "precision", "recall", "f1"}]}:
a row is predicted to churn when its score is >= the cutoff, as the evaluation decides. A ratio
scikit-learn finds undefined (a zero denominator) is null.
"""

import argparse
import json
import math

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_score, recall_score, roc_auc_score


def defined(value: float):
    """A metric as JSON: null where scikit-learn answers NaN (undefined)."""
    return None if math.isnan(value) else float(value)


def main() -> None:
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--test", required=True)
    arguments.add_argument("--scores", required=True)
    arguments.add_argument("--cutoff", type=float, action="append", required=True)
    args = arguments.parse_args()
    with open(args.test, encoding="utf-8") as test:
        labels = np.array([int(float(line.split(",")[0])) for line in test.read().splitlines()])
    with open(args.scores, encoding="utf-8") as scores_file:
        scores = np.array([float(line) for line in scores_file.read().splitlines()])
    results = []
    for cutoff in args.cutoff:
        predicted = (scores >= cutoff).astype(int)
        tn, fp, fn, tp = confusion_matrix(labels, predicted, labels=[0, 1]).ravel()
        results.append({
            "cutoff": cutoff,
            "tp": int(tp), "fp": int(fp), "tn": int(tn), "fn": int(fn),
            "precision": defined(precision_score(labels, predicted, zero_division=np.nan)),
            "recall": defined(recall_score(labels, predicted, zero_division=np.nan)),
            "f1": defined(f1_score(labels, predicted, zero_division=np.nan)),
        })
    print(json.dumps({"auc": float(roc_auc_score(labels, scores)), "atCutoffs": results}))


if __name__ == "__main__":
    main()
