"""The dashboard's predictive cores, pure arithmetic (no ORM): Decimal or int in, Decimal out.

- a category's sales for the next weeks: seasonal naive (the week's pattern) with a damped trend,
  and its back-test on the weeks before (`forecast_weeks`, `naive_weeks`, `backtest`);
- a customer's churn risk and expected lifetime value (`churn_risk`, `expected_value`);
- a product's days of cover and whether it must be reordered (`days_of_cover`, `needs_reorder`).

docs/analytics.md has the definitions; `crm.analytics.predict_selectors` computes the same
figures in SQL and the tests hold the two together.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
DAY_SECONDS = 86_400
WEEK = 7
# The week's pattern (day-of-week shares) and the level come from the last PATTERN_WEEKS weeks;
# the trend compares them with the TREND_WEEKS weeks before.
PATTERN_WEEKS = 4
TREND_WEEKS = 4
HORIZON_WEEKS = 8
# Each week ahead keeps DAMPING of the previous week's trend step: over a long horizon the
# trend adds at most DAMPING ÷ (1 − DAMPING) = 4 weeks' worth of slope (Gardner's damped trend).
DAMPING = Decimal("0.8")
# Days of history the model reads: enough for the level and the trend.
FIT_DAYS = (PATTERN_WEEKS + TREND_WEEKS) * WEEK
# Days a back-test reads: a fit before the cut-off, then the horizon it is judged on.
BACKTEST_DAYS = FIT_DAYS + HORIZON_WEEKS * WEEK
YEAR_DAYS = 365

Number = Decimal | int


# --- Sales forecast ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    """Weekly totals of the weeks ahead, and their days (the week's pattern spread over them)."""

    weeks: tuple[Decimal, ...]
    days: tuple[Decimal, ...]
    level: Decimal  # mean weekly total of the last PATTERN_WEEKS weeks
    trend: Decimal  # change per week, before damping


@dataclass(frozen=True)
class Accuracy:
    """WAPE = Σ|actual − forecast| ÷ Σ actual; bias = Σ(forecast − actual) ÷ Σ actual
    (positive: the model said more than happened). Both None when nothing happened."""

    wape: Decimal | None
    bias: Decimal | None


@dataclass(frozen=True)
class Backtest:
    """The model and the plain naive model fitted on the days up to the cut-off, judged on the
    HORIZON_WEEKS weeks after it (weekly totals)."""

    actual: tuple[Decimal, ...]
    model: Forecast
    naive: Forecast
    model_accuracy: Accuracy
    naive_accuracy: Accuracy


def _weekly(days: Sequence[Decimal]) -> list[Decimal]:
    return [sum(days[start : start + WEEK], ZERO) for start in range(0, len(days), WEEK)]


def _as_decimals(history: Sequence[Number], needed: int) -> list[Decimal]:
    if len(history) < needed:
        raise ValueError(f"the forecast needs {needed} days of history, got {len(history)}")
    values = [Decimal(value) for value in history[-needed:]]
    if any(value < 0 for value in values):
        raise ValueError("sales history cannot be negative")
    return values


def forecast_weeks(
    history: Sequence[Number], *, weeks: int = HORIZON_WEEKS, damping: Decimal = DAMPING
) -> Forecast:
    """The next `weeks` weeks after a daily history (oldest first, ending on the last closed day;
    only its last FIT_DAYS days are read).

    level L = mean weekly total of the last 4 weeks; trend b = (mean of the last 4 weeks − mean
    of the 4 before) ÷ 4 weeks. L sits mid-way through its 4 weeks, 1.5 weeks before the end of
    the last one, so week k ahead = L + b × (1.5 + φ + φ² + … + φᵏ), never below zero; its days
    get the day-of-week shares of the last 4 weeks (equal shares if those sold nothing).
    """
    days = _as_decimals(history, FIT_DAYS)
    totals = _weekly(days)
    recent, before = totals[-PATTERN_WEEKS:], totals[:TREND_WEEKS]
    level = sum(recent, ZERO) / PATTERN_WEEKS
    trend = (level - sum(before, ZERO) / TREND_WEEKS) / PATTERN_WEEKS
    pattern_days = days[-PATTERN_WEEKS * WEEK :]
    pattern_total = sum(pattern_days, ZERO)
    # The forecast's first day follows the last history day, so it is the same weekday as the
    # first day of each history week.
    weekday_sums = [sum(pattern_days[d::WEEK], ZERO) for d in range(WEEK)]
    week_totals, daily = [], []
    steps = Decimal("1.5")
    for k in range(1, weeks + 1):
        steps += damping**k
        total = max(ZERO, level + trend * steps)
        week_totals.append(total)
        for weekday_sum in weekday_sums:
            daily.append(total * weekday_sum / pattern_total if pattern_total else total / WEEK)
    return Forecast(weeks=tuple(week_totals), days=tuple(daily), level=level, trend=trend)


def naive_weeks(history: Sequence[Number], *, weeks: int = HORIZON_WEEKS) -> Forecast:
    """The plain seasonal naive model: the last week, day by day, repeated."""
    last_week = _as_decimals(history, WEEK)
    total = sum(last_week, ZERO)
    return Forecast(weeks=(total,) * weeks, days=tuple(last_week) * weeks, level=total, trend=ZERO)


def accuracy(actual: Sequence[Number], forecast: Sequence[Number]) -> Accuracy:
    """WAPE and bias of a forecast against what happened, period by period."""
    if len(actual) != len(forecast):
        raise ValueError("actual and forecast must cover the same periods")
    happened = sum((Decimal(a) for a in actual), ZERO)
    if happened <= 0:
        return Accuracy(wape=None, bias=None)
    pairs = [(Decimal(a), Decimal(f)) for a, f in zip(actual, forecast, strict=True)]
    absolute = sum((abs(a - f) for a, f in pairs), ZERO)
    signed = sum((f - a for a, f in pairs), ZERO)
    return Accuracy(wape=absolute / happened, bias=signed / happened)


def backtest(
    history: Sequence[Number], *, weeks: int = HORIZON_WEEKS, damping: Decimal = DAMPING
) -> Backtest:
    """Both models fitted on the history up to `weeks` weeks before its end (the cut-off) and
    compared, in weekly totals, with the weeks after it. Nothing after the cut-off is passed
    to the fits."""
    horizon = weeks * WEEK
    days = _as_decimals(history, FIT_DAYS + horizon)
    fit, judged = days[:-horizon], days[-horizon:]
    actual = tuple(_weekly(judged))
    model = forecast_weeks(fit, weeks=weeks, damping=damping)
    naive = naive_weeks(fit, weeks=weeks)
    return Backtest(
        actual=actual,
        model=model,
        naive=naive,
        model_accuracy=accuracy(actual, model.weeks),
        naive_accuracy=accuracy(actual, naive.weeks),
    )


# --- Churn risk and expected lifetime value --------------------------------------------------


def gap_seconds(*, orders: int, span_seconds: int | None, typical_gap_seconds: int) -> Decimal:
    """A customer's usual gap between orders, in seconds: (last − first) ÷ (orders − 1), at least
    one day; a one-order customer has the shop's typical gap."""
    if orders >= 2 and span_seconds is not None:
        return max(Decimal(span_seconds), Decimal(DAY_SECONDS) * (orders - 1)) / (orders - 1)
    return Decimal(typical_gap_seconds)


def churn_risk(
    *, elapsed_seconds: int, orders: int, span_seconds: int | None, typical_gap_seconds: int
) -> Decimal:
    """Time since the last order ÷ the usual gap (1 = as expected, 2 = a whole gap late)."""
    gap = gap_seconds(
        orders=orders, span_seconds=span_seconds, typical_gap_seconds=typical_gap_seconds
    )
    return Decimal(elapsed_seconds) / gap


def expected_value(
    *,
    lifetime_value: Decimal,
    orders: int,
    elapsed_seconds: int,
    span_seconds: int | None,
    typical_gap_seconds: int,
) -> Decimal:
    """Lifetime value + the next 12 months' expectation: average order value × 365 ÷ the longer
    of the usual gap and the time since the last order (a customer past their gap is expected
    to order once per time already waited: the churn risk discounts them, 1 ÷ risk)."""
    if orders < 1:
        return lifetime_value
    gap = gap_seconds(
        orders=orders, span_seconds=span_seconds, typical_gap_seconds=typical_gap_seconds
    )
    wait = max(gap, Decimal(elapsed_seconds))
    future = lifetime_value / orders * YEAR_DAYS * DAY_SECONDS / wait
    return lifetime_value + max(ZERO, future)


def median(values: Sequence[Number]) -> Decimal | None:
    """The middle value (the mean of the two middle ones for an even count); None if empty."""
    ordered = sorted(Decimal(value) for value in values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def whole_seconds(value: Decimal) -> int:
    """Seconds rounded half-up to a whole second (the typical gap is kept in whole seconds)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- Days of cover ----------------------------------------------------------------------------


COVER_DAYS = 28


def days_of_cover(*, on_hand: int, units_sold: int, days: int = COVER_DAYS) -> Decimal | None:
    """Units on hand ÷ average daily units sold over `days` days, to 0.1 day; None (cover without
    end) when nothing sold."""
    if units_sold <= 0:
        return None
    cover = Decimal(max(on_hand, 0) * days) / units_sold
    return cover.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def needs_reorder(
    *, on_hand: int, units_sold: int, lead_time_days: int, days: int = COVER_DAYS
) -> bool:
    """Whether the stock runs out within the restocking lead time (cover ≤ lead time), in exact
    integers: on hand × days ≤ lead time × units sold. Nothing sold: never."""
    return units_sold > 0 and max(on_hand, 0) * days <= lead_time_days * units_sold
