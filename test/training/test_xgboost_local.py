"""The local XGBoost trainer and batch transform (`lib/training/local/xgboost_local.py`) on small
synthetic data: the channels read as the built-in algorithm reads them, early stopping keeping the
best round, the transform's input filter and output format, the bounded tuning, and the command
line's errors. The model on the project's own data is `xgboost-local.test.ts`.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import xgboost as xgb
import xgboost_local as local

STATIC = {"objective": "binary:logistic", "eval_metric": "auc", "early_stopping_rounds": "5"}


def write_csv(path, labels, features) -> str:
    """A headerless CSV, the label first, NaN written as an empty field (as the features job does)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as sink:
        for label, row in zip(labels, features):
            cells = ["" if np.isnan(v) else repr(float(v)) for v in row]
            sink.write(",".join([str(int(label)), *cells]) + "\n")
    return path


def dataset(rng, rows, noise_columns=3, missing=0.0):
    """Labels that depend on the first two columns, plus noise columns; some values missing."""
    x = rng.normal(size=(rows, 2 + noise_columns))
    y = (x[:, 0] - 0.5 * x[:, 1] + rng.normal(scale=1.5, size=rows) > 0).astype(int)
    x[rng.random(size=x.shape) < missing] = np.nan
    return y, x


@pytest.fixture(scope="module")
def splits(tmp_path_factory):
    """Train, validation and test splits as directories of one CSV each, and the test's arrays."""
    base = tmp_path_factory.mktemp("splits")
    rng = np.random.default_rng(7)
    arrays = {}
    for name, rows in (("train", 1500), ("validation", 500), ("test", 300)):
        y, x = dataset(rng, rows, missing=0.05)
        write_csv(str(base / name / "part-00000.csv"), y, x)
        arrays[name] = (y, x)
    return {"dir": base, "arrays": arrays}


@pytest.fixture(scope="module")
def model(splits, tmp_path_factory):
    """A model trained to overfit (deep trees, large steps), so that early stopping stops it."""
    hyperparameters = {**STATIC, "num_round": "200", "eta": "0.5", "max_depth": "8", "min_child_weight": "1"}
    booster, history = local.train(
        str(splits["dir"] / "train"), str(splits["dir"] / "validation"), hyperparameters
    )
    location = local.save(booster, str(tmp_path_factory.mktemp("model")))
    return {"booster": booster, "history": history, "path": location, "hyperparameters": hyperparameters}


# ---------------------------------------------------------------------------------------------
# Reading the channels


def test_a_channel_reads_the_label_first_and_an_empty_field_as_missing(tmp_path):
    path = tmp_path / "train.csv"
    path.write_text("1,0.5,,3\n0,,2,1\n")
    matrix = local.read_channel(str(path))
    assert matrix.get_label().tolist() == [1.0, 0.0]
    assert matrix.num_col() == 3
    data = matrix.get_data()
    # Two empty fields are absent from the sparse matrix (missing), not zeros.
    assert data.nnz == 4
    assert data.toarray().tolist() == [[0.5, 0.0, 3.0], [0.0, 2.0, 1.0]]


def test_a_channel_directory_is_read_whole(tmp_path):
    (tmp_path / "a.csv").write_text("1,1\n0,2\n")
    (tmp_path / "b.csv").write_text("1,3\n")
    assert local.read_channel(str(tmp_path)).num_row() == 3


# ---------------------------------------------------------------------------------------------
# Hyper-parameters


def test_hyperparameters_are_typed_as_the_container_types_them():
    typed = local.parse_hyperparameters({**STATIC, "num_round": "275", "eta": "0.0547", "max_depth": 7})
    assert typed == {
        "objective": "binary:logistic",
        "eval_metric": ["auc"],
        "early_stopping_rounds": 5,
        "num_round": 275,
        "eta": 0.0547,
        "max_depth": 7,
    }


@pytest.mark.parametrize(
    "given, message",
    [
        ({"eta": "0.1"}, "num_round is required"),
        ({"num_round": "ten"}, "num_round must be an integer"),
        ({"num_round": "0"}, "num_round must be at least 1"),
        ({"num_round": "10", "eta": "fast"}, "eta must be a finite number"),
        ({"num_round": "10", "booster": "dart"}, "booster is not supported"),
        ({"num_round": "10", "early_stopping_rounds": "0"}, "early_stopping_rounds must be at least 1"),
    ],
)
def test_a_bad_hyperparameter_is_refused_with_its_name(given, message):
    with pytest.raises(local.UsageError, match=message):
        local.parse_hyperparameters(given)


# ---------------------------------------------------------------------------------------------
# Early stopping


def test_early_stopping_stops_on_validation_auc_and_keeps_the_best_round(model):
    validation = model["history"]["validation"]["auc"]
    best = int(np.argmax(validation))
    assert local.best_iteration(model["booster"]) == best
    # Stopped 5 rounds (early_stopping_rounds) after the best one, long before num_round.
    assert len(validation) == best + 1 + 5 < 200
    assert len(model["history"]["train"]["auc"]) == len(validation)
    # The saved model ends at the best round, not the last one trained.
    saved = xgb.Booster(model_file=model["path"])
    assert saved.num_boosted_rounds() == best + 1


def test_the_saved_model_is_the_model_of_the_best_round(model, splits):
    best = local.best_iteration(model["booster"])
    without_stopping = {k: v for k, v in model["hyperparameters"].items() if k != "early_stopping_rounds"}
    booster, history = local.train(
        str(splits["dir"] / "train"), str(splits["dir"] / "validation"), {**without_stopping, "num_round": best + 1}
    )
    assert len(history["validation"]["auc"]) == best + 1
    _, x = splits["arrays"]["test"]
    saved = xgb.Booster(model_file=model["path"])
    assert np.array_equal(saved.predict(xgb.DMatrix(x)), booster.predict(xgb.DMatrix(x)))


def test_the_summary_reports_the_auc_of_the_best_round(model):
    summary = local.training_summary(model["booster"], model["history"], model["hyperparameters"], model["path"])
    validation = model["history"]["validation"]["auc"]
    assert summary["validationAuc"] == max(validation)
    assert summary["rounds"] == len(validation)
    json.dumps(summary)  # plain JSON


# ---------------------------------------------------------------------------------------------
# Batch transform


def test_scores_one_line_per_input_line_in_order_without_the_label(model, splits, tmp_path):
    files = local.score(model["path"], str(splits["dir"] / "test"), str(tmp_path))
    y, x = splits["arrays"]["test"]
    assert files == [
        {"input": str(splits["dir"] / "test" / "part-00000.csv"), "output": str(tmp_path / "part-00000.csv.out"),
         "lines": len(y)}
    ]
    text = (tmp_path / "part-00000.csv.out").read_text()
    # The container's batch answer: each prediction as Python prints a float, one per line.
    expected = xgb.Booster(model_file=model["path"]).predict(xgb.DMatrix(x))
    assert text == "".join(f"{p}\n" for p in expected.tolist())


def test_the_label_never_reaches_the_model(model, splits, tmp_path):
    y, x = splits["arrays"]["test"]
    flipped = write_csv(str(tmp_path / "in" / "flipped.csv"), 1 - y, x)
    original = str(splits["dir"] / "test" / "part-00000.csv")
    local.score(model["path"], original, str(tmp_path / "a"))
    local.score(model["path"], flipped, str(tmp_path / "b"))
    assert (tmp_path / "a" / "part-00000.csv.out").read_text() == (tmp_path / "b" / "flipped.csv.out").read_text()


def test_without_the_input_filter_the_label_would_be_a_feature(model, splits, tmp_path):
    # The positive control of the test above: keeping every column changes the scores.
    original = str(splits["dir"] / "test" / "part-00000.csv")
    local.score(model["path"], original, str(tmp_path / "filtered"))
    local.score(model["path"], original, str(tmp_path / "unfiltered"), input_filter="$[0:5]")
    filtered = (tmp_path / "filtered" / "part-00000.csv.out").read_text()
    assert filtered != (tmp_path / "unfiltered" / "part-00000.csv.out").read_text()


def test_an_empty_field_is_scored_as_missing(model, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("1,0.5,,1,2,3\n")
    local.score(model["path"], str(path), str(tmp_path))
    expected = xgb.Booster(model_file=model["path"]).predict(xgb.DMatrix(np.array([[0.5, np.nan, 1, 2, 3]])))
    assert (tmp_path / "in.csv.out").read_text() == f"{expected.tolist()[0]}\n"


def test_payload_size_does_not_change_the_output(model, splits, tmp_path):
    test = str(splits["dir"] / "test")
    local.score(model["path"], test, str(tmp_path / "one"))
    local.score(model["path"], test, str(tmp_path / "many"), max_payload_mb=0.0005)  # about 5 lines a payload
    one = (tmp_path / "one" / "part-00000.csv.out").read_text()
    assert one == (tmp_path / "many" / "part-00000.csv.out").read_text()


def test_each_file_of_a_directory_gets_its_own_output(model, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.csv").write_text("0,1,2,3,4,5\n1,1,2,3,4,5\n")
    (tmp_path / "in" / "b.csv").write_text("0,5,4,3,2,1\n")
    (tmp_path / "in" / "_SUCCESS").write_text("")
    files = local.score(model["path"], str(tmp_path / "in"), str(tmp_path / "out"))
    assert [(os.path.basename(f["output"]), f["lines"]) for f in files] == [("a.csv.out", 2), ("b.csv.out", 1)]


def test_an_empty_line_is_refused_with_its_number(model, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("0,1,2,3,4,5\n\n0,1,2,3,4,5\n")
    with pytest.raises(local.UsageError, match="line 2 is empty"):
        local.score(model["path"], str(path), str(tmp_path))


@pytest.mark.parametrize("expression, fields", [("$[1:]", [1, 2, 3]), ("$[1:3]", [1, 2]), ("$[0, 2]", [0, 2])])
def test_input_filters(expression, fields):
    assert local.parse_input_filter(expression)([0, 1, 2, 3]) == fields


def test_an_unsupported_input_filter_is_refused():
    with pytest.raises(local.UsageError, match=r"input filter must look like"):
        local.parse_input_filter("$.features")


# ---------------------------------------------------------------------------------------------
# Tuning

RANGES = {
    "continuous": [{"Name": "eta", "MinValue": "0.05", "MaxValue": "0.5", "ScalingType": "Logarithmic"}],
    "integer": [
        {"Name": "max_depth", "MinValue": "2", "MaxValue": "4", "ScalingType": "Linear"},
        {"Name": "num_round", "MinValue": "10", "MaxValue": "30", "ScalingType": "Linear"},
    ],
}


def test_tuning_is_seeded_bounded_and_keeps_the_best_trial(splits):
    paths = (str(splits["dir"] / "train"), str(splits["dir"] / "validation"))
    first = local.tune(*paths, STATIC, RANGES, trials=3, seed=11)
    again = local.tune(*paths, STATIC, RANGES, trials=3, seed=11)
    assert first["trials"] == again["trials"]
    assert len(first["trials"]) == 3
    for trial in first["trials"]:
        values = trial["hyperparameters"]
        assert 0.05 <= values["eta"] <= 0.5 and values["max_depth"] in (2, 3, 4) and 10 <= values["num_round"] <= 30
        assert values["objective"] == "binary:logistic"
    best = max(first["trials"], key=lambda t: t["validationAuc"])
    assert first["best"] == best
    assert local.best_iteration(first["booster"]) == best["bestIteration"]


def test_each_trial_carries_its_metric_history_for_the_tuning_report(splits):
    paths = (str(splits["dir"] / "train"), str(splits["dir"] / "validation"))
    result = local.tune(*paths, STATIC, RANGES, trials=2, seed=3)
    for trial in result["trials"]:
        history = trial["history"]
        # One AUC per round trained, on both channels; the trial's AUC is the validation AUC at its best round.
        assert len(history["train"]["auc"]) == len(history["validation"]["auc"]) == trial["rounds"]
        assert history["validation"]["auc"][trial["bestIteration"]] == trial["validationAuc"]
    json.dumps(result["trials"])  # plain data: printed as JSON by the command line


def test_a_logarithmic_range_is_sampled_uniformly_in_log_space():
    ranges = local.parse_ranges({"continuous": [{"Name": "eta", "MinValue": "0.001", "MaxValue": "1",
                                                 "ScalingType": "Logarithmic"}]})
    rng = np.random.default_rng(0)
    values = np.array([local.sample(ranges, rng)["eta"] for _ in range(3000)])
    # Uniform in log space: a third of the draws in each decade, not 90% in the top one.
    assert abs(np.mean(values < 0.01) - 1 / 3) < 0.04
    assert abs(np.mean(values >= 0.1) - 1 / 3) < 0.04


@pytest.mark.parametrize(
    "ranges, message",
    [
        ({}, "ranges must be a JSON object"),
        ({"categorical": []}, "ranges must be a JSON object"),
        ({"integer": [{"Name": "max_depth", "MinValue": "5", "MaxValue": "3"}]}, "needs MinValue <= MaxValue"),
        ({"continuous": [{"Name": "eta", "MinValue": "0", "MaxValue": "1", "ScalingType": "Logarithmic"}]},
         "> 0 if logarithmic"),
        ({"continuous": [{"Name": "eta", "MinValue": "0.1", "MaxValue": "1", "ScalingType": "Auto"}]},
         "ScalingType must be Linear or Logarithmic"),
        ({"continuous": [{"Name": "eta", "MinValue": "low", "MaxValue": "1"}]}, "must be numbers"),
    ],
)
def test_bad_ranges_are_refused(ranges, message):
    with pytest.raises(local.UsageError, match=message):
        local.parse_ranges(ranges)


@pytest.mark.parametrize("trials", [0, local.MAX_TRIALS + 1])
def test_the_number_of_trials_is_bounded(splits, trials):
    with pytest.raises(local.UsageError, match=f"trials must be from 1 to {local.MAX_TRIALS}"):
        local.tune(str(splits["dir"] / "train"), str(splits["dir"] / "validation"), STATIC, RANGES, trials, 0)


# ---------------------------------------------------------------------------------------------
# The command line


@pytest.mark.parametrize(
    "argv, message",
    [
        ([], "the following arguments are required: command"),
        (["fit"], "invalid choice: 'fit'"),
        (["train", "--train", "t"], "the following arguments are required: --validation, --model-dir"),
        (["train", "--train", "t", "--validation", "v", "--model-dir", "m", "--hyperparameters", "{"],
         "--hyperparameters must be JSON"),
        (["train", "--train", "/nowhere", "--validation", "v", "--model-dir", "m", "--hyperparameters",
          '{"num_round": "1"}'], "no such file or directory: /nowhere"),
        (["tune", "--train", "t", "--validation", "v", "--model-dir", "m", "--static", "[]", "--ranges", "{}"],
         "--static must be a JSON object"),
        (["score", "--model", "/nowhere/xgboost-model", "--input", "i", "--output", "o"], "no model file at"),
        (["score", "--model", "m", "--input", "i", "--output", "o", "--input-filter", "$[x]"], "input filter"),
        (["train", "--train", "t", "--validation", "v", "--model-dir", "m", "--hyperparameters", "{}",
          "--threads", "0"], "threads must be at least 1"),
    ],
)
def test_a_bad_argument_is_one_line_on_stderr_and_exit_code_2(argv, message, capsys):
    assert local.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("xgboost_local.py: ")
    assert message in captured.err
    assert captured.err.count("\n") == 1


def test_the_command_line_trains_and_scores_with_json_on_stdout(splits, tmp_path):
    script = local.__file__
    hyperparameters = json.dumps({**STATIC, "num_round": "20", "max_depth": "3"})
    trained = subprocess.run(
        [sys.executable, script, "train", "--train", str(splits["dir"] / "train"), "--validation",
         str(splits["dir"] / "validation"), "--model-dir", str(tmp_path / "model"), "--hyperparameters",
         hyperparameters],
        capture_output=True, text=True, check=True,
    )
    summary = json.loads(trained.stdout)
    assert summary["model"] == str(tmp_path / "model" / "xgboost-model")
    assert summary["hyperparameters"] == json.loads(hyperparameters)
    scored = subprocess.run(
        [sys.executable, script, "score", "--model", summary["model"], "--input", str(splits["dir"] / "test"),
         "--output", str(tmp_path / "transform")],
        capture_output=True, text=True, check=True,
    )
    assert json.loads(scored.stdout)["files"][0]["lines"] == len(splits["arrays"]["test"][0])
