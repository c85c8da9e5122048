"""The features job's core (glue/jobs/cores/features_core.py) on local Spark, with the job's own
features.sql, on customers curated from generated records (test/support/features-fixture.ts):
the encodings, the split by customer, the files as the built-in XGBoost algorithm and Model
Monitor read them, the manifest against the features contract, and the errors."""

import csv
import json
import hashlib
import os

import pytest
import xgboost as xgb

import features_support  # first: puts glue/jobs/cores on sys.path
import features_core

SEED = 4711
COUNT = 3000
TRAIN, VALIDATION = 0.7, 0.15
TOLERANCE = 0.04  # ~2,800 labelled customers: a split's share varies by about 0.01


@pytest.fixture(scope="module")
def data():
    return features_support.generated(SEED, COUNT)


@pytest.fixture(scope="module")
def customers(spark, data):
    return features_support.customers_frame(spark, data).persist()


@pytest.fixture(scope="module")
def built(spark, customers):
    return features_core.build_features(spark, customers, TRAIN, VALIDATION, features_support.read_sql("features.sql"))


@pytest.fixture(scope="module")
def labelled(data):
    """The labelled curated customers as dicts, in customer_id order (the SQL's output order)."""
    return sorted((c for c in data["customers"] if c["churn"] is not None), key=lambda c: c["customer_id"])


@pytest.fixture(scope="module")
def rows(built):
    return [row.asDict() for row in built.frame.collect()]


@pytest.fixture(scope="module")
def written(spark, built, tmp_path_factory):
    base = str(tmp_path_factory.mktemp("features"))
    features_core.write_features(spark, built.frame, base)
    return base


def expected_split(customer_id):
    """The split the contract defines, computed here independently of Spark."""
    bucket = int(hashlib.md5(customer_id.encode("utf-8")).hexdigest()[:3], 16)
    if bucket < TRAIN * 4096:
        return "train"
    return "validation" if bucket < (TRAIN + VALIDATION) * 4096 else "test"


def only_file(directory):
    """The one file of a written directory; fails if there is anything else (a _SUCCESS marker, a
    checksum file, a second part): SageMaker and XGBoost read every file under a channel."""
    names = os.listdir(directory)
    assert len(names) == 1 and names[0].startswith("part-") and names[0].endswith(".csv"), names
    return os.path.join(directory, names[0])


# --- encodings ---------------------------------------------------------------------------------


def test_columns_are_the_label_the_contract_features_and_the_split(built, data):
    contract = [column["name"] for column in data["feature_manifest"]["columns"]]
    assert built.frame.columns == ["churn", *contract, "split"]


def test_one_row_per_labelled_customer_with_the_label_as_0_or_1(rows, labelled):
    assert len(rows) == len(labelled)
    assert [row["churn"] for row in rows] == [1 if c["churn"] else 0 for c in labelled]


def test_categories_are_one_hot_and_a_missing_category_is_all_zeros(rows, labelled, data):
    groups = {}
    for column in data["feature_manifest"]["columns"]:
        if column["encoding"] == "one-hot":
            groups.setdefault(column["source"], {})[column["category"]] = column["name"]
    assert set(groups) == {"state", "area_code", "gender"}
    missing = 0
    for row, customer in zip(rows, labelled):
        for source, columns in groups.items():
            value = customer[source]
            hot = [name for name in columns.values() if row[name] == 1]
            assert all(row[name] in (0, 1) for name in columns.values())
            assert hot == ([] if value is None else [columns[value]]), (customer["customer_id"], source)
            missing += value is None
    assert missing > 0, "the generated data should have some missing categories (dirt)"


def test_booleans_are_0_1_and_numbers_stay_as_they_are_with_missing_as_null(rows, labelled):
    nulls = 0
    for row, customer in zip(rows, labelled):
        for name in ("international_plan", "voice_mail_plan"):
            assert row[name] == (None if customer[name] is None else int(customer[name]))
        for name in ("account_length", "day_minutes", "customer_service_calls", "age"):
            assert row[name] == customer[name]
            nulls += customer[name] is None
    assert nulls > 0, "the generated data should have some missing numbers (dirt)"


# --- the split ---------------------------------------------------------------------------------


def test_the_split_of_a_customer_is_a_function_of_its_id(rows, labelled):
    assert [row["split"] for row in rows] == [expected_split(c["customer_id"]) for c in labelled]


def test_the_split_does_not_move_when_other_customers_come_and_go(spark, customers, rows, labelled):
    half = customers.where("customer_id < 'C0001500'")
    again = features_core.build_features(spark, half, TRAIN, VALIDATION, features_support.read_sql("features.sql"))
    before = {c["customer_id"]: row["split"] for row, c in zip(rows, labelled)}
    ids = [c["customer_id"] for c in labelled if c["customer_id"] < "C0001500"]
    assert [row["split"] for row in again.frame.collect()] == [before[i] for i in ids]


def test_the_observed_fractions_are_near_the_configured_ones(built):
    total = sum(built.counts.values())
    shares = {split: n / total for split, n in built.counts.items()}
    assert shares["train"] == pytest.approx(TRAIN, abs=TOLERANCE)
    assert shares["validation"] == pytest.approx(VALIDATION, abs=TOLERANCE)
    assert shares["test"] == pytest.approx(1 - TRAIN - VALIDATION, abs=TOLERANCE)


# --- the files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("split", ["train", "validation", "test"])
def test_a_split_is_one_headerless_csv_that_xgboost_reads_as_the_container_does(written, built, split):
    path = only_file(os.path.join(written, split))
    with open(path, encoding="utf-8") as file:
        lines = file.read().splitlines()
    # The container sniffs the delimiter from the first line, then hands the directory to XGBoost.
    assert csv.Sniffer().sniff(lines[0]).delimiter == ","
    cells = [line.split(",") for line in lines]
    assert len(lines) == built.counts[split]
    assert {len(row) for row in cells} == {len(built.frame.columns) - 1}, "label + features, no split column"
    assert all(cell == "" or float(cell) == float(cell) for row in cells for cell in row), "no header, numbers only"

    matrix = xgb.DMatrix(f"{os.path.dirname(path)}?format=csv&label_column=0&delimiter=,")
    assert matrix.num_row() == built.counts[split]
    assert list(matrix.get_label()) == [float(row[0]) for row in cells]
    # An empty field is missing (not stored); every written value, zeros included, is stored.
    present = sum(cell != "" for row in cells for cell in row[1:])
    assert present < sum(len(row) - 1 for row in cells), "some features should be missing (dirt)"
    assert matrix.get_data().nnz == present


def test_the_baseline_is_the_training_rows_with_a_header_and_without_the_label(written, built):
    with open(only_file(os.path.join(written, "baseline")), encoding="utf-8") as file:
        header, *lines = list(csv.reader(file))
    assert header == built.frame.columns[1:-1]
    with open(only_file(os.path.join(written, "train")), encoding="utf-8") as file:
        train = [line[1:] for line in csv.reader(file)]
    assert lines == train


# --- the manifest ------------------------------------------------------------------------------


def test_the_manifest_describes_the_columns_as_the_contract_does(built, data):
    contract = [
        {key: column[key] for key in ("name", "source", "encoding")} for column in data["feature_manifest"]["columns"]
    ]
    assert built.manifest["label"] == "churn"
    assert built.manifest["columns"] == contract


def test_the_manifest_records_the_split_and_the_rows(built):
    assert built.manifest["split"]["buckets"] == 4096
    assert built.manifest["split"]["train_fraction"] == TRAIN
    assert built.manifest["split"]["validation_fraction"] == VALIDATION
    assert built.manifest["rows"] == built.counts
    assert all(n > 0 for n in built.counts.values())


# --- the baseline statistics -------------------------------------------------------------------


@pytest.fixture(scope="module")
def statistics(spark, built):
    return features_core.baseline_statistics(spark, built.frame, features_support.read_sql("baseline_statistics.sql"))


def without_moments(document):
    return {**document, "numeric": [{**f, "mean": None, "standardDeviation": None} for f in document["numeric"]]}


def test_the_statistics_are_the_reference_document_of_the_training_rows(statistics, data):
    """Spark SQL's rows, assembled in Python, against lambda/drift/describe.ts on the training split
    DuckDB computes from the same customers (test/support/features-fixture.ts): counts, quantiles,
    histograms and frequencies identical; mean and deviation to 1e-12, as engines sum in their own
    order."""
    assert data["baseline_fractions"] == {"train": TRAIN, "validation": VALIDATION}
    expected = data["baseline_statistics"]
    assert without_moments(statistics) == without_moments(expected)
    for mine, theirs in zip(statistics["numeric"], expected["numeric"]):
        for key in ("mean", "standardDeviation"):
            assert mine[key] == pytest.approx(theirs[key], rel=1e-12), (mine["name"], key)


def test_the_statistics_describe_every_training_row_with_nulls_counted_as_missing(statistics, built, rows):
    train = [row for row in rows if row["split"] == "train"]
    assert statistics["kind"] == "baseline" and statistics["rows"] == built.counts["train"] == len(train)
    assert statistics["columns"] == built.frame.columns[1:-1]
    for feature in statistics["numeric"]:
        values = sorted(row[feature["name"]] for row in train if row[feature["name"]] is not None)
        assert (feature["count"], feature["missing"]) == (len(values), len(train) - len(values))
        assert sum(feature["histogram"]["counts"]) == feature["count"]
        # Type 1: the value at rank max(1, ceil(p * n / 100)), here by integer arithmetic.
        assert [q["value"] for q in feature["quantiles"]] == [
            values[max(1, -(-p * len(values) // 100)) - 1] for p in features_core.QUANTILE_PERCENTS]
    assert any(feature["missing"] > 0 for feature in statistics["numeric"])


def test_the_statistics_are_plain_json(statistics):
    assert json.loads(json.dumps(statistics)) == statistics


def quantiles(*values):
    return [{"percent": p, "value": float(v)} for p, v in zip(features_core.QUANTILE_PERCENTS, values)]


@pytest.mark.parametrize(("values", "edges"), [
    ((1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), [2, 3, 4, 5, 6, 7, 8, 9, 10]),  # the deciles
    ((0, 0, 0, 0, 0, 0, 0, 0, 20, 30, 51), [0, 20, 30]),  # each distinct decile once
    ((0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), [0, 1]),  # a 0/1 flag true in under a tenth of rows
    ((0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), [0, 1]),  # ... in over nine tenths
    ((0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), [0, 1]),  # ... never
    ((0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 37), [0, 37]),  # one value in every decile: the maximum added
    ((2, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7), [7]),  # ... unless it is the maximum
    ((0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5), [0, 0.5]),  # values between 0 and 1 are not a flag
])
def test_bin_edges_follow_bin_edges_from_quantiles(values, edges):
    assert features_core._bin_edges(quantiles(*values)) == edges


def test_a_feature_without_values_has_no_edges():
    assert features_core._bin_edges([]) == []


def table_row(statistic, value):
    return {"section": "table", "name": "", "statistic": statistic, "position": 0, "category": "",
            "column_name": "", "value": value}


@pytest.mark.parametrize(("rows", "message"), [
    ([table_row("rows", 1.0), table_row("rows", 2.0)], "repeats a statistic"),
    ([table_row("median", 1.0)], "is not a statistic"),
    ([table_row("rows", 1.5)], "expected a count"),
    ([table_row("rows", float("nan"))], "expected a finite number"),
    ([table_row("rows", 1.0)], "lack the table's too_few_columns"),
])
def test_rows_that_are_not_a_document_are_refused_with_the_row_named(rows, message):
    with pytest.raises(ValueError, match=message):
        features_core.statistics_from_rows(rows)


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("train", "validation"), [(0, 0.15), (0.7, 0), (1, 0.1), (-0.1, 0.2), (0.7, 0.3), (0.9, 0.2)]
)
def test_fractions_outside_the_unit_interval_or_leaving_no_test_share_are_refused(train, validation):
    with pytest.raises(ValueError, match=r"must each lie in \(0, 1\) and leave a test share") as error:
        features_core.check_fractions(train, validation)
    assert f"received {float(train)} and {float(validation)}" in str(error.value)


def test_build_checks_the_fractions_before_running_anything(spark, customers):
    with pytest.raises(ValueError, match="leave a test share"):
        features_core.build_features(spark, customers, 0.8, 0.2, "this is not SQL")


def test_an_empty_split_is_an_error_that_gives_the_counts(spark, customers):
    one = customers.where("churn IS NOT NULL").orderBy("customer_id").limit(1)
    with pytest.raises(ValueError, match=r"empty split\(s\) .*need more labelled customers"):
        features_core.build_features(spark, one, TRAIN, VALIDATION, features_support.read_sql("features.sql"))


def test_sql_that_does_not_put_the_label_first_and_the_split_last_is_refused(spark, customers):
    with pytest.raises(ValueError, match="must return churn first and split last"):
        features_core.build_features(spark, customers, TRAIN, VALIDATION, "SELECT 'train' AS split, 1 AS churn")
