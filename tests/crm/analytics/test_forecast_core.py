"""The predictive cores (crm/analytics/forecast.py): worked examples by hand, the back-test's
honesty, and properties over random histories (never negative, scaling the history scales the
forecast)."""

from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.analytics import forecast as core

D = Decimal
DAY = 86_400
# Four quiet weeks (10 a day), then four with a Monday peak and a Sunday rush (100 a week).
BEFORE = [10] * 28
RECENT = [20, 10, 10, 10, 10, 10, 30] * 4
FIT = BEFORE + RECENT
# level 100, trend (100 − 70) ÷ 4 = 7.5 a week; week k = 100 + 7.5 × (1.5 + 0.8 + … + 0.8^k)
EXPECTED_WEEKS = [
    D("117.25"),  # 1.5 + 0.8 = 2.3
    D("122.05"),  # 2.94
    D("125.89"),  # 3.452
    D("128.962"),  # 3.8616
    D("131.4196"),  # 4.18928
    D("133.38568"),  # 4.451424
    D("134.958544"),  # 4.6611392
    D("136.2168352"),  # 1.5 + 4 × (1 − 0.8^8) = 4.82891136
]


def test_a_small_series_forecasts_the_hand_calculated_weeks_and_days():
    result = core.forecast_weeks(FIT)
    assert result.level == 100 and result.trend == D("7.5")
    assert list(result.weeks) == EXPECTED_WEEKS
    # Each week is spread by the last four weeks' day-of-week shares: 20 %, 10 % × 5, 30 %.
    assert list(result.days[:7]) == [D("23.45")] + [D("11.725")] * 5 + [D("35.175")]
    assert result.days[-1] == D("136.2168352") * D("0.3")
    assert len(result.days) == 56


def test_only_the_last_eight_weeks_of_a_longer_history_are_read():
    assert core.forecast_weeks([999] * 30 + FIT).weeks == core.forecast_weeks(FIT).weeks


def test_a_falling_category_is_forecast_at_zero_not_below():
    falling = [D(100) / 7] * 28 + [D(20) / 7] * 28  # 100 a week, then 20: trend −20 a week
    result = core.forecast_weeks(falling)
    assert result.trend == -20
    assert all(week == 0 for week in result.weeks)  # 20 − 20 × 2.3 < 0 from the first week
    assert all(day == 0 for day in result.days)


def test_a_category_that_sold_nothing_lately_spreads_evenly():
    result = core.forecast_weeks([7] * 28 + [0] * 28)  # level 0, trend −49 ÷ 4: clamped to 0
    assert set(result.weeks) == {0}
    nothing = core.forecast_weeks([0] * 56)
    assert set(nothing.weeks) == {0} and set(nothing.days) == {0}


def test_the_naive_model_repeats_the_last_week():
    result = core.naive_weeks(FIT)
    assert result.weeks == (D(100),) * 8
    assert list(result.days[7:14]) == [20, 10, 10, 10, 10, 10, 30]


def test_the_back_test_fits_before_the_cut_off_and_scores_the_eight_weeks_after():
    happened = [20, 10, 10, 10, 10, 10, 60] * 8  # 130 a week after the cut-off
    result = core.backtest(FIT + happened)
    assert result.actual == (D(130),) * 8
    assert list(result.model.weeks) == EXPECTED_WEEKS  # the same fit as on FIT alone
    # Σ|130 − f| = 41.8286592 and Σ(f − 130) = −9.8673408, over Σ actual = 1040.
    assert result.model_accuracy.wape == D("41.8286592") / 1040
    assert result.model_accuracy.bias == D("-9.8673408") / 1040
    assert result.model_accuracy.wape.quantize(D("0.0001")) == D("0.0402")
    # The naive model said 100 a week: 30 short each week.
    assert result.naive_accuracy.wape == D(240) / 1040
    assert result.naive_accuracy.bias == D(-240) / 1040


def test_nothing_happened_has_no_error_rate():
    result = core.backtest(FIT + [0] * 56)
    assert result.model_accuracy.wape is None and result.model_accuracy.bias is None


# 112 days of revenue to the kuruş (drawn as whole kuruş: drawing 112 decimals per example was
# slow enough to fail Hypothesis's health check on a busy machine).
history_days = st.lists(
    st.integers(min_value=0, max_value=10_000_000), min_size=112, max_size=112
).map(lambda kurus: [Decimal(k) / 100 for k in kurus])


@given(history=history_days, changed=st.lists(st.tuples(st.integers(0, 55), st.integers(0, 10**6))))
def test_the_back_test_forecast_never_moves_when_the_weeks_after_the_cut_off_change(
    history, changed
):
    before = core.backtest(history)
    altered = list(history)
    for index, value in changed:
        altered[56 + index] = D(value)
    after = core.backtest(altered)
    assert after.model == before.model
    assert after.naive == before.naive


@given(history=history_days)
def test_forecasts_are_never_negative(history):
    result = core.forecast_weeks(history)
    assert all(week >= 0 for week in result.weeks)
    assert all(day >= 0 for day in result.days)
    test = core.backtest(history)
    assert all(week >= 0 for week in test.model.weeks + test.naive.weeks)


@given(history=history_days, factor=st.integers(min_value=1, max_value=1000))
def test_scaling_the_history_scales_the_forecast(history, factor):
    plain = core.forecast_weeks(history)
    scaled = core.forecast_weeks([value * factor for value in history])
    for mine, theirs in zip(plain.weeks + plain.days, scaled.weeks + scaled.days, strict=True):
        assert abs(theirs - mine * factor) <= D("1e-12") * (1 + abs(theirs))
    # The error rates do not depend on the unit (kuruş or lira, units or dozens).
    test, test_scaled = core.backtest(history), core.backtest([v * factor for v in history])
    if test.model_accuracy.wape is not None:
        gap = abs(test.model_accuracy.wape - test_scaled.model_accuracy.wape)
        assert gap <= D("1e-12")


def test_the_week_sums_of_the_days_are_the_weeks():
    result = core.forecast_weeks(FIT)
    for k, week in enumerate(result.weeks):
        assert abs(sum(result.days[7 * k : 7 * k + 7]) - week) <= D("1e-20")


def test_too_short_or_negative_history_is_refused():
    with pytest.raises(ValueError):
        core.forecast_weeks([1] * 55)
    with pytest.raises(ValueError):
        core.forecast_weeks([1] * 55 + [-1])


# --- churn risk and expected value --------------------------------------------------------------


def _seconds(first: datetime, last: datetime) -> int:
    return int((last - first).total_seconds())


def test_churn_risk_usual_gap_and_expected_value_by_hand():
    first, last = datetime(2027, 1, 1, 12), datetime(2027, 3, 2, 12)  # 60 days, 3 orders
    now = datetime(2027, 4, 16, 12)  # 45 days after the last order
    shape = {"orders": 3, "span_seconds": _seconds(first, last), "typical_gap_seconds": 10 * DAY}
    assert core.gap_seconds(**shape) == 30 * DAY  # (last − first) ÷ (3 − 1)
    elapsed = _seconds(last, now)
    assert core.churn_risk(elapsed_seconds=elapsed, **shape) == D("1.5")
    # 900 over 3 orders: 300 an order; waited 45 days > the 30-day gap: 365 ÷ 45 orders a year.
    value = core.expected_value(lifetime_value=D(900), elapsed_seconds=elapsed, **shape)
    assert value == D(900) + D(300) * 365 / 45
    assert value.quantize(D("0.01")) == D("3333.33")
    # Ten days after the last order the customer is within their rhythm: 365 ÷ 30 orders.
    early = core.expected_value(lifetime_value=D(900), elapsed_seconds=10 * DAY, **shape)
    assert early.quantize(D("0.01")) == D("4550.00")
    assert core.churn_risk(elapsed_seconds=10 * DAY, **shape).quantize(D("0.001")) == D("0.333")


def test_a_one_order_customer_is_measured_against_the_shops_typical_gap():
    shape = {"orders": 1, "span_seconds": 0, "typical_gap_seconds": 40 * DAY}
    assert core.churn_risk(elapsed_seconds=60 * DAY, **shape) == D("1.5")
    value = core.expected_value(lifetime_value=D("250.00"), elapsed_seconds=20 * DAY, **shape)
    assert value == D("250.00") + D(250) * 365 / 40  # 2531.25


def test_two_orders_on_one_day_count_a_one_day_gap_and_refunds_expect_nothing():
    same_day = {"orders": 2, "span_seconds": 3600, "typical_gap_seconds": 30 * DAY}
    assert core.gap_seconds(**same_day) == DAY
    assert core.churn_risk(elapsed_seconds=3 * DAY, **same_day) == 3
    refunded = core.expected_value(lifetime_value=D("-20"), elapsed_seconds=DAY, **same_day)
    assert refunded == D("-20")


def test_the_median_gap_of_an_even_count_is_the_mean_of_the_middle_two():
    assert core.median([D(40), D(10), D(30), D(20)]) == 25
    assert core.median([D(3), D(1), D(2)]) == 2
    assert core.median([]) is None
    assert core.whole_seconds(D("2592000.5")) == 2592001


# --- days of cover ------------------------------------------------------------------------------


def test_days_of_cover_and_the_reorder_test_by_hand():
    # 10 on hand, 12 sold in 28 days: 12 ÷ 28 = 0.43 a day, so 10 ÷ (12 ÷ 28) = 23.3 days.
    assert core.days_of_cover(on_hand=10, units_sold=12) == D("23.3")
    assert not core.needs_reorder(on_hand=10, units_sold=12, lead_time_days=21)  # 280 > 252
    assert core.needs_reorder(on_hand=10, units_sold=12, lead_time_days=24)  # 280 ≤ 288
    # Exactly the lead time: it runs out the day the restock arrives, so it is on the list.
    assert core.days_of_cover(on_hand=14, units_sold=28) == D("14.0")
    assert core.needs_reorder(on_hand=14, units_sold=28, lead_time_days=14)
    assert core.days_of_cover(on_hand=0, units_sold=5) == 0
    # Nothing sold: cover without end, never reordered.
    assert core.days_of_cover(on_hand=3, units_sold=0) is None
    assert not core.needs_reorder(on_hand=0, units_sold=0, lead_time_days=30)


def test_cover_rounds_half_up_to_a_tenth():
    assert core.days_of_cover(on_hand=1, units_sold=16) == D("1.8")  # 1.75
    assert core.days_of_cover(on_hand=2, units_sold=3) == D("18.7")  # 18.666…
