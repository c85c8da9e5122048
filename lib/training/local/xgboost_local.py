"""The churn model on real XGBoost, offline: train, tune and batch-score as SageMaker does it.

The pipeline trains with SageMaker's built-in XGBoost 1.7-1 and scores the test split with a
batch transform. This module does the same on this machine with the `xgboost` 1.7 package, so
that the model the pipeline trains is trained in the tests and by `npm run local`. It follows the
container's source (github.com/aws/sagemaker-xgboost-container, branch 1.7-1; files cited below
under `src/sagemaker_xgboost_container/`), without its code:

- Training input (`data_utils.py`, `_get_csv_dmatrix_file_mode`): each channel is a file or a
  directory of CSV files, read by XGBoost's own CSV parser with the label in column 0 and no
  header; an empty field is a missing value.
- Hyper-parameters (`algorithm_mode/train.py`, `train_job`): `num_round` is the number of boosting
  rounds; `eval_metric` (a comma-separated list) is evaluated on the `train` and `validation`
  channels each round; with `early_stopping_rounds` and a validation channel, training stops once
  the last metric of `eval_metric` (AUC, to be maximised) has not improved for that many rounds.
- The saved model (`callback.py`, `get_callbacks`): early stopping keeps the best iteration
  (`EarlyStopping(..., save_best=True)`), so the model written is cut at the best round, not the
  last. It is written as `xgboost-model` (`constants/xgb_constants.py`, `MODEL_NAME`).
- Batch transform (`algorithm_mode/serve.py`, `invocations`; `encoder.py`, `csv_to_dmatrix`;
  `algorithm_mode/serve_utils.py`, `predict`): a `text/csv` payload is stripped, split into lines
  and fields, an empty field becomes NaN (missing); the answer to a batch request is
  `"\\n".join(map(str, predictions.tolist())) + "\\n"`: one probability per line for
  `binary:logistic`, each the float32 prediction printed as Python prints a float.

What SageMaker does around the container is taken from the pipeline's definition
(`lib/training/transform-states.ts`): `SplitType: Line` with `BatchStrategy: MultiRecord` (lines
sent in payloads of at most `MaxPayloadInMB`), `InputFilter: '$[1:]'` (every column but the
first, the label, goes to the model), `AssembleWith: Line`, and one output file per input file,
named after it with `.out` added.

The hyper-parameters and the tuning ranges are not restated here: the caller passes them as JSON
(the TypeScript source of truth is `lib/training/tuning-state.ts`: `STATIC_HYPERPARAMETERS`,
`HYPERPARAMETER_RANGES`).

Command line (every command prints one JSON object on stdout; a bad argument prints one line on
stderr and exits with 2):

  xgboost_local.py train --train PATH --validation PATH --model-dir DIR --hyperparameters JSON
                         [--threads N]
      Trains one model. JSON: an object of hyper-parameters as a SageMaker training job gets them
      (values as strings or numbers), the static ones and the tunable ones together. Writes
      DIR/xgboost-model. N is XGBoost's threads (default 1, see DEFAULT_THREADS). Prints {model,
      bestIteration, rounds, validationAuc, hyperparameters, history: {train: {auc: [...]},
      validation: {auc: [...]}}}: bestIteration is the round the saved model ends at (0-based),
      rounds how many were trained before early stopping, validationAuc the AUC at bestIteration.

  xgboost_local.py tune --train PATH --validation PATH --model-dir DIR --static JSON --ranges JSON
                        [--trials N] [--seed S] [--threads N]
      A small random search (N trials, 1 to 20, default 4; seed S, default 0) over the ranges
      (JSON in the layout of HYPERPARAMETER_RANGES: {continuous: [...], integer: [...]}, each
      range {Name, MinValue, MaxValue, ScalingType Linear|Logarithmic}), each trial trained as
      `train` does with the static hyper-parameters added. Keeps the trial with the best
      validation AUC and writes its model to DIR/xgboost-model. Prints {model, best, trials}: each
      trial {trial, hyperparameters, bestIteration, rounds, validationAuc, history} as `train`
      reports them (the tuning report draws the best trial's history).

  xgboost_local.py score --model FILE --input PATH --output DIR [--input-filter FILTER]
                         [--max-payload-mb MB]
      Scores the CSV file, or every file of the directory, PATH as the batch transform does, and
      writes DIR/<file name>.out for each. FILTER is the transform's InputFilter, of the form
      `$[a:]`, `$[a:b]` or `$[i,j,...]` (default `$[1:]`); MB is MaxPayloadInMB (default 6).
      Prints {files: [{input, output, lines}]}.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from typing import Any

import numpy as np
import xgboost as xgb

MODEL_NAME = "xgboost-model"
"""The file the container saves the model as (`constants/xgb_constants.py`)."""

DEFAULT_THREADS = 1
"""XGBoost's threads. They change the speed, not the model (the exact tree method the container's
default `tree_method` picks finds the same splits on any number); on a small machine shared with
other work, one thread is faster than two that contend (measured on 2 loaded cores: 18 s against
48 s for the same model)."""

MAX_TRIALS = 20
"""The most trials `tune` runs: a local search is a check, not a tuning job."""

# Hyper-parameters this module accepts, with the type the container validates them as
# (`algorithm_mode/hyperparameter_validation.py`). The pipeline uses only these; anything else is
# refused rather than passed on unchecked.
_INTEGER = {"num_round", "early_stopping_rounds", "max_depth", "seed", "nthread"}
_FLOAT = {"eta", "min_child_weight", "subsample", "gamma", "colsample_bytree", "alpha", "lambda"}
_TEXT = {"objective", "eval_metric"}
# Metrics the container maximises in early stopping (`constants/xgb_constants.py`,
# XGB_MAXIMIZE_METRICS); the rest are minimised.
_MAXIMIZE = {"accuracy", "auc", "aucpr", "balanced_accuracy", "f1", "f1_binary", "f1_macro", "map",
             "ndcg", "precision", "precision_macro", "precision_micro", "r2", "recall", "recall_macro",
             "recall_micro"}


class UsageError(ValueError):
    """A bad argument: reported as one line and exit code 2, never a stack trace."""


# ---------------------------------------------------------------------------------------------
# Hyper-parameters


def parse_hyperparameters(given: dict[str, Any]) -> dict[str, Any]:
    """The hyper-parameters as typed values, checked as the container checks them.

    SageMaker hands a training job every hyper-parameter as a string; numbers are accepted too, so
    a caller may pass a tuning trial's values as they are. `eval_metric` becomes a list, as the
    container reads it (a comma-separated list).
    """
    if not isinstance(given, dict):
        raise UsageError(f"hyper-parameters must be a JSON object; received {json.dumps(given)}")
    typed: dict[str, Any] = {}
    for name, value in given.items():
        text = str(value).strip()
        if name in _INTEGER:
            if not re.fullmatch(r"-?\d+", text):
                raise UsageError(f"hyper-parameter {name} must be an integer; received {json.dumps(value)}")
            typed[name] = int(text)
        elif name in _FLOAT:
            try:
                number = float(text)
            except ValueError:
                number = math.nan
            if not math.isfinite(number):
                raise UsageError(f"hyper-parameter {name} must be a finite number; received {json.dumps(value)}")
            typed[name] = number
        elif name in _TEXT:
            typed[name] = [m.strip() for m in text.split(",")] if name == "eval_metric" else text
        else:
            known = ", ".join(sorted(_INTEGER | _FLOAT | _TEXT))
            raise UsageError(f"hyper-parameter {name} is not supported; expected one of: {known}")
    if "num_round" not in typed:
        raise UsageError("hyper-parameter num_round is required (the container requires it too)")
    if typed["num_round"] < 1:
        raise UsageError(f"hyper-parameter num_round must be at least 1; received {typed['num_round']}")
    if typed.get("early_stopping_rounds", 1) < 1:
        raise UsageError(
            f"hyper-parameter early_stopping_rounds must be at least 1; received {typed['early_stopping_rounds']}"
        )
    return typed


# ---------------------------------------------------------------------------------------------
# Training


def read_channel(path: str) -> xgb.DMatrix:
    """A training channel as the container reads it in file mode: XGBoost's CSV parser, label first.

    The container sniffs the delimiter; the features job writes commas, so the delimiter is fixed.
    A directory is read whole, every file in it, as the container reads a channel's directory.
    """
    if not os.path.exists(path):
        raise UsageError(f"no such file or directory: {path}")
    if os.path.isdir(path) and not any(os.path.isfile(os.path.join(path, f)) for f in os.listdir(path)):
        raise UsageError(f"the directory {path} holds no file")
    matrix = xgb.DMatrix(f"{path}?format=csv&label_column=0&delimiter=,")
    if matrix.num_row() == 0:
        raise UsageError(f"{path} holds no rows")
    return matrix


def train(
    train_path: str, validation_path: str, hyperparameters: dict[str, Any], threads: int = DEFAULT_THREADS
) -> tuple[xgb.Booster, dict]:
    """Trains one model as a training job of the built-in algorithm does (`algorithm_mode/train.py`).

    Returns the booster (cut at the best round when early stopping ran, as the container saves it)
    and the metric history of every round trained: {"train": {metric: [...]}, "validation": {...}}.
    `threads` is XGBoost's `nthread` unless the hyper-parameters set it.
    """
    if threads < 1:
        raise UsageError(f"threads must be at least 1; received {threads}")
    params = {"nthread": threads, **parse_hyperparameters(hyperparameters)}
    num_round = params.pop("num_round")
    early_stopping_rounds = params.pop("early_stopping_rounds", None)
    dtrain = read_channel(train_path)
    dvalidation = read_channel(validation_path)
    callbacks = []
    metrics = params.get("eval_metric")
    if early_stopping_rounds and metrics:
        # The container stops on the last metric listed, on the validation channel, keeping the best.
        metric = metrics[-1]
        callbacks.append(
            xgb.callback.EarlyStopping(
                rounds=early_stopping_rounds,
                data_name="validation",
                metric_name=metric,
                maximize=metric in _MAXIMIZE,
                save_best=True,
            )
        )
    history: dict = {}
    booster = xgb.train(
        params,
        dtrain,
        num_boost_round=num_round,
        evals=[(dtrain, "train"), (dvalidation, "validation")],
        evals_result=history,
        callbacks=callbacks,
        verbose_eval=False,
    )
    return booster, history


def best_iteration(booster: xgb.Booster) -> int:
    """The round the model ends at: the best one after early stopping, else the last one."""
    best = booster.attr("best_iteration")
    return int(best) if best is not None else booster.num_boosted_rounds() - 1


def training_summary(booster: xgb.Booster, history: dict, hyperparameters: dict, model: str) -> dict:
    """What `train` prints: where the model is, its best round and the AUC there, the history."""
    best = best_iteration(booster)
    validation = history.get("validation", {})
    auc = validation.get("auc")
    return {
        "model": model,
        "bestIteration": best,
        "rounds": len(next(iter(validation.values()), [])),
        "validationAuc": auc[best] if auc else None,
        "hyperparameters": hyperparameters,
        "history": history,
    }


def save(booster: xgb.Booster, model_dir: str) -> str:
    """Writes the model as the container does, `xgboost-model` in the model directory."""
    os.makedirs(model_dir, exist_ok=True)
    location = os.path.join(model_dir, MODEL_NAME)
    booster.save_model(location)
    return location


# ---------------------------------------------------------------------------------------------
# Tuning


def parse_ranges(ranges: Any) -> list[dict]:
    """The ranges as [{name, low, high, log, integer}], from the layout of HYPERPARAMETER_RANGES."""
    if not isinstance(ranges, dict) or not ranges or set(ranges) - {"continuous", "integer"}:
        raise UsageError(
            "ranges must be a JSON object with keys continuous and/or integer; "
            f"received {json.dumps(ranges)[:200]}"
        )
    parsed = []
    for kind, items in ranges.items():
        for item in items:
            name = item.get("Name")
            scaling = item.get("ScalingType", "Linear")
            if scaling not in ("Linear", "Logarithmic"):
                raise UsageError(f"range {name}: ScalingType must be Linear or Logarithmic; received {scaling}")
            try:
                low, high = float(item["MinValue"]), float(item["MaxValue"])
            except (KeyError, TypeError, ValueError):
                received = json.dumps(item)
                message = f"range {name}: MinValue and MaxValue must be numbers; received {received}"
                raise UsageError(message) from None
            if not low <= high or (scaling == "Logarithmic" and low <= 0):
                raise UsageError(
                    f"range {name}: needs MinValue <= MaxValue (and > 0 if logarithmic); received {low}, {high}"
                )
            parsed.append({"name": name, "low": low, "high": high, "log": scaling == "Logarithmic",
                           "integer": kind == "integer"})
    return parsed


def sample(ranges: list[dict], rng: np.random.Generator) -> dict[str, Any]:
    """One trial's values: uniform over each range, in log space for a logarithmic one."""
    values: dict[str, Any] = {}
    for r in ranges:
        if r["integer"]:
            values[r["name"]] = int(rng.integers(int(r["low"]), int(r["high"]), endpoint=True))
        elif r["log"]:
            values[r["name"]] = float(math.exp(rng.uniform(math.log(r["low"]), math.log(r["high"]))))
        else:
            values[r["name"]] = float(rng.uniform(r["low"], r["high"]))
    return values


def tune(
    train_path: str, validation_path: str, static: dict, ranges: Any, trials: int, seed: int,
    threads: int = DEFAULT_THREADS,
) -> dict:
    """A bounded random search standing in for the pipeline's Bayesian tuning job.

    Each trial trains as `train` does; the best is the one with the highest validation AUC at the
    round its model ends at (what the saved model scores). Returns the best booster under
    "booster" and every trial's hyper-parameters and AUC under "trials".
    """
    if not 1 <= trials <= MAX_TRIALS:
        raise UsageError(f"trials must be from 1 to {MAX_TRIALS}; received {trials}")
    parsed = parse_ranges(ranges)
    rng = np.random.default_rng(seed)
    results = []
    best = None
    for trial in range(trials):
        hyperparameters = {**static, **sample(parsed, rng)}
        booster, history = train(train_path, validation_path, hyperparameters, threads)
        summary = training_summary(booster, history, hyperparameters, model="")
        result = {"trial": trial, "hyperparameters": hyperparameters, "bestIteration": summary["bestIteration"],
                  "rounds": summary["rounds"], "validationAuc": summary["validationAuc"], "history": history}
        results.append(result)
        if best is None or result["validationAuc"] > best[0]["validationAuc"]:
            best = (result, booster)
    return {"best": best[0], "booster": best[1], "trials": results}


# ---------------------------------------------------------------------------------------------
# Batch transform


def parse_input_filter(expression: str):
    """The columns a CSV InputFilter keeps, as a function of a record's fields.

    Only the forms a CSV record takes in SageMaker's JSONPath subset are read: `$[a:]`, `$[a:b]`
    and `$[i,j,...]` (zero-based columns).
    """
    found = re.fullmatch(r"\$\[\s*(\d+)\s*:\s*(\d*)\s*\]", expression)
    if found:
        start = int(found.group(1))
        stop = int(found.group(2)) if found.group(2) else None
        return lambda fields: fields[start:stop]
    found = re.fullmatch(r"\$\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]", expression)
    if found:
        indices = [int(i) for i in found.group(1).split(",")]
        return lambda fields: [fields[i] for i in indices if i < len(fields)]
    raise UsageError(f"input filter must look like $[1:], $[1:5] or $[0,2]; received {expression!r}")


def payloads(lines: list[str], max_bytes: int):
    """The input lines in order, grouped into payloads of at most `max_bytes` (MultiRecord)."""
    batch: list[str] = []
    size = 0
    for line in lines:
        length = len(line.encode("utf-8")) + 1
        if batch and size + length > max_bytes:
            yield batch
            batch, size = [], 0
        batch.append(line)
        size += length
    if batch:
        yield batch


def answer(booster: xgb.Booster, payload: str) -> str:
    """The container's answer to one `text/csv` batch request (`serve.py`, `invocations`)."""
    rows = [["nan" if field == "" else field for field in line.split(",")] for line in payload.strip().split("\n")]
    widths = {len(row) for row in rows}
    if len(widths) != 1:
        raise ValueError(f"the payload's lines have different numbers of fields: {sorted(widths)}")
    matrix = xgb.DMatrix(np.array(rows).astype(float))
    # The container predicts with the model's best_ntree_limit; the saved model is already cut at
    # its best round, so every tree of it is used either way.
    predictions = booster.predict(matrix, iteration_range=(0, best_iteration(booster) + 1), validate_features=False)
    return "\n".join(map(str, predictions.tolist())) + "\n"


def score_file(booster: xgb.Booster, path: str, output: str, keep, max_bytes: int) -> int:
    """Scores one input file into `output`, one probability per input line, in order."""
    with open(path, encoding="utf-8") as source:
        lines = source.read().splitlines()
    if not lines:
        raise UsageError(f"{path} holds no lines")
    for number, line in enumerate(lines, start=1):
        if line.strip() == "":
            raise UsageError(f"{path} line {number} is empty: a batch transform would send it as a record")
    with open(output, "w", encoding="utf-8") as sink:
        for batch in payloads([",".join(keep(line.split(","))) for line in lines], max_bytes):
            sink.write(answer(booster, "\n".join(batch)))
    return len(lines)


def score(
    model: str, input_path: str, output_dir: str, input_filter: str = "$[1:]", max_payload_mb: float = 6
) -> list[dict]:
    """Scores a file, or each file of a directory, as the batch transform of the pipeline does."""
    keep = parse_input_filter(input_filter)
    if not os.path.isfile(model):
        raise UsageError(f"no model file at {model}")
    if not max_payload_mb > 0:
        raise UsageError(f"max payload must be a positive number of MB; received {max_payload_mb}")
    if os.path.isdir(input_path):
        inputs = sorted(os.path.join(input_path, f) for f in os.listdir(input_path)
                        if os.path.isfile(os.path.join(input_path, f)) and not f.startswith((".", "_")))
    elif os.path.isfile(input_path):
        inputs = [input_path]
    else:
        raise UsageError(f"no such file or directory: {input_path}")
    if not inputs:
        raise UsageError(f"the directory {input_path} holds no file")
    booster = xgb.Booster(model_file=model)
    os.makedirs(output_dir, exist_ok=True)
    files = []
    for path in inputs:
        output = os.path.join(output_dir, os.path.basename(path) + ".out")
        lines = score_file(booster, path, output, keep, int(max_payload_mb * 1024 * 1024))
        files.append({"input": path, "output": output, "lines": lines})
    return files


# ---------------------------------------------------------------------------------------------
# Command line


def json_argument(name: str, text: str) -> Any:
    """A JSON argument, or a UsageError naming it."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(f"--{name} must be JSON: {error}") from None


class _Parser(argparse.ArgumentParser):
    """argparse, raising UsageError instead of exiting, so every bad argument reads alike."""

    def error(self, message: str):
        raise UsageError(message)


def parser() -> argparse.ArgumentParser:
    """The command line described in the module docstring."""
    root = _Parser(prog="xgboost_local.py", description="Train, tune and score the churn model on XGBoost")
    commands = root.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in ("train", "tune"):
        command = commands.add_parser(name)
        command.add_argument("--train", required=True)
        command.add_argument("--validation", required=True)
        command.add_argument("--model-dir", required=True)
        command.add_argument("--threads", type=int, default=DEFAULT_THREADS)
        if name == "train":
            command.add_argument("--hyperparameters", required=True)
        else:
            command.add_argument("--static", required=True)
            command.add_argument("--ranges", required=True)
            command.add_argument("--trials", type=int, default=4)
            command.add_argument("--seed", type=int, default=0)
    command = commands.add_parser("score")
    command.add_argument("--model", required=True)
    command.add_argument("--input", required=True)
    command.add_argument("--output", required=True)
    command.add_argument("--input-filter", default="$[1:]")
    command.add_argument("--max-payload-mb", type=float, default=6)
    return root


def run(argv: list[str]) -> dict:
    """Runs one command and returns what it prints."""
    args = parser().parse_args(argv)
    if args.command == "train":
        hyperparameters = json_argument("hyperparameters", args.hyperparameters)
        booster, history = train(args.train, args.validation, hyperparameters, args.threads)
        return training_summary(booster, history, hyperparameters, save(booster, args.model_dir))
    if args.command == "tune":
        static = json_argument("static", args.static)
        if not isinstance(static, dict):
            raise UsageError(f"--static must be a JSON object; received {args.static}")
        ranges = json_argument("ranges", args.ranges)
        result = tune(args.train, args.validation, static, ranges, args.trials, args.seed, args.threads)
        model = save(result["booster"], args.model_dir)
        return {"model": model, "best": result["best"], "trials": result["trials"]}
    return {"files": score(args.model, args.input, args.output, args.input_filter, args.max_payload_mb)}


def main(argv: list[str]) -> int:
    try:
        print(json.dumps(run(argv)))
    except UsageError as error:
        print(f"xgboost_local.py: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
