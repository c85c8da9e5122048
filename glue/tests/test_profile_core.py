"""The data report's profile (profile_core.data_profile) on local Spark, against figures computed
by hand on a small table, and its JSON contract."""

import json
import math

import pytest

import profile_core

SCHEMA = ("customer_id string, state string, day_minutes double, day_calls int, international_plan boolean, "
          "churn boolean, ingest_time string, snapshot_month string")


@pytest.fixture(scope="module")
def customers(spark):
    # Ten customers: day_minutes 1..9 and one 100 (an outlier above), one missing; churn follows
    # day_minutes (the three highest churned), one unlabelled; day_calls constant (no correlation).
    rows = [
        (f"c{i}", "CA" if i % 2 else "NY", float(i) if i <= 9 else 100.0, 5, i % 3 == 0, i >= 8, "t", "2026-11")
        for i in range(1, 11)
    ]
    rows.append(("c11", None, None, 5, False, None, "t", "2026-11"))
    return spark.createDataFrame(rows, SCHEMA)


@pytest.fixture(scope="module")
def quarantine(spark):
    rows = [("out_of_range", "batch", "q1"), ("out_of_range", "stream", "q2"), ("bad_number", "batch", "q3"),
            ("out_of_range", "batch", "q4")]
    return spark.createDataFrame(rows, "reject_reason string, source string, customer_id string")


@pytest.fixture(scope="module")
def profile(customers, quarantine):
    return profile_core.data_profile(customers, quarantine)


def test_the_columns_are_read_from_the_schema_less_identifiers_and_lineage(customers):
    assert profile_core.column_roles(customers) == {
        "numeric": ["day_minutes", "day_calls"],
        "boolean": ["international_plan", "churn"],
        "categorical": ["state"],
    }


def test_counts_rows_labelled_and_churned(profile):
    assert (profile["rows"], profile["labelled"], profile["churned"]) == (11, 10, 3)


def test_a_numeric_column_has_its_quartiles_fences_and_the_outliers_beyond_them(profile):
    minutes = next(c for c in profile["numeric"] if c["name"] == "day_minutes")
    assert (minutes["rows"], minutes["missing"], minutes["min"], minutes["max"]) == (11, 1, 1.0, 100.0)
    # Ten values 1..9, 100: percentile_approx gives actual values, q1 3, median 5, q3 8.
    assert (minutes["q1"], minutes["median"], minutes["q3"]) == (3.0, 5.0, 8.0)
    assert (minutes["lowerFence"], minutes["upperFence"]) == (3 - 7.5, 8 + 7.5)
    assert minutes["outliers"] == {"below": 0, "above": 1, "values": [100.0]}
    assert minutes["whiskers"] == [1.0, 9.0]  # the extreme values inside the fences


def test_the_histogram_splits_every_value_by_churn_into_equal_bins(profile):
    histogram = next(c for c in profile["numeric"] if c["name"] == "day_minutes")["histogram"]
    assert len(histogram["edges"]) == profile_core.BINS + 1
    assert histogram["edges"][0] == 1.0 and histogram["edges"][-1] == 100.0
    # Bin width 99 / 20 = 4.95: 1..5 in bin 0, 6..9 in bin 1, 100 in the last.
    assert histogram["stayed"][:2] == [5, 2] and histogram["churned"][:2] == [0, 2]
    assert histogram["churned"][-1] == 1 and sum(histogram["unlabelled"]) == 0  # c11's minutes are missing
    assert sum(histogram["churned"]) + sum(histogram["stayed"]) + sum(histogram["unlabelled"]) == 10


def test_a_constant_column_has_one_bin_and_no_correlation(profile):
    calls = next(c for c in profile["numeric"] if c["name"] == "day_calls")
    assert calls["histogram"]["stayed"][0] + calls["histogram"]["churned"][0] + calls["histogram"]["unlabelled"][0] == 11
    matrix = profile["correlations"]
    i, j = matrix["columns"].index("day_calls"), matrix["columns"].index("churn")
    assert matrix["values"][i][j] is None  # NaN in Spark; JSON has none


def test_categories_have_their_rows_and_churn_rate_among_the_labelled(profile):
    state = next(c for c in profile["categorical"] if c["name"] == "state")
    # CA: 1,3,5,7,9 (9 churned); NY: 2,4,6,8,10 (8, 10 churned); None: c11, unlabelled.
    assert state["values"] == [
        {"value": "CA", "rows": 5, "churnRate": 0.2},
        {"value": "NY", "rows": 5, "churnRate": 0.4},
        {"value": None, "rows": 1, "churnRate": None},
    ]


def test_missing_values_are_counted_for_every_column(profile):
    missing = {c["name"]: c["missing"] for c in profile["missing"]}
    assert missing == {"customer_id": 0, "state": 1, "day_minutes": 1, "day_calls": 0, "international_plan": 0,
                       "churn": 1, "ingest_time": 0, "snapshot_month": 0}


def test_correlations_are_pearson_over_labelled_rows_and_symmetric(profile):
    matrix = profile["correlations"]
    columns, values = matrix["columns"], matrix["values"]
    assert columns == ["day_minutes", "day_calls", "international_plan", "churn"]
    i, j = columns.index("day_minutes"), columns.index("churn")
    assert values[i][j] == values[j][i]
    # By hand: minutes 1..9, 100 against churn 0 x7, 1 x3.
    xs, ys = [1, 2, 3, 4, 5, 6, 7, 8, 9, 100], [0] * 7 + [1] * 3
    mx, my = sum(xs) / 10, sum(ys) / 10
    expected = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / math.sqrt(
        sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys))
    assert values[i][j] == pytest.approx(expected)
    assert all(values[k][k] == 1.0 for k in range(len(columns)))


def test_the_scatter_sample_holds_the_columns_most_correlated_with_churn(profile):
    scatter = profile["scatter"]
    assert scatter["columns"][0] == "day_minutes"
    assert "day_calls" not in scatter["columns"]  # no correlation to rank by
    assert len(scatter["rows"]) == 10 and all(len(r) == len(scatter["columns"]) + 1 for r in scatter["rows"])


def test_the_quarantine_counts_rows_by_reason_and_source_with_examples(profile):
    assert profile["quarantine"]["rows"] == 4
    assert profile["quarantine"]["byReason"] == [
        {"reason": "out_of_range", "source": "batch", "rows": 2},
        {"reason": "bad_number", "source": "batch", "rows": 1},
        {"reason": "out_of_range", "source": "stream", "rows": 1},
    ]
    assert profile["quarantine"]["examples"][0] == {"reason": "bad_number", "source": "batch", "customerId": "q3"}


def test_no_quarantine_is_an_empty_one(customers):
    assert profile_core.data_profile(customers, None)["quarantine"] == {"rows": 0, "byReason": [], "examples": []}


def test_the_profile_is_plain_json(profile):
    assert json.loads(json.dumps(profile, allow_nan=False)) == profile


def test_a_table_without_the_label_is_refused(spark):
    frame = spark.createDataFrame([("c1", 1.0)], "customer_id string, day_minutes double")
    with pytest.raises(ValueError, match="no boolean churn column"):
        profile_core.data_profile(frame, None)
