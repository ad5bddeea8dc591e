"""Median and p90 of a duration column per group: PERCENTILE_CONT in PostgreSQL, the
same linear interpolation in Python on SQLite (which has no ordered-set aggregates)."""
import math
from collections import defaultdict

from django.db import connection
from django.db.models import Aggregate, FloatField


class PercentileCont(Aggregate):
    """PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY seconds of an interval), PostgreSQL only."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s))"
    output_field = FloatField()

    def __init__(self, expression, fraction, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile_cont(sorted_values, fraction):
    """PostgreSQL's PERCENTILE_CONT on an ascending list (None when it is empty)."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def median_p90_minutes(queryset, group, field):
    """{group value: (median, p90)} in minutes of `field` (a DurationField)."""
    if connection.vendor == "postgresql":
        rows = queryset.values(group).annotate(
            median=PercentileCont(field, 0.5), p90=PercentileCont(field, 0.9)).order_by()
        return {row[group]: (_minutes(row["median"]), _minutes(row["p90"])) for row in rows}
    seconds = defaultdict(list)
    for key, value in queryset.exclude(**{f"{field}__isnull": True}).order_by(group, field).values_list(group, field):
        seconds[key].append(value.total_seconds())
    return {key: (_minutes(percentile_cont(values, 0.5)), _minutes(percentile_cont(values, 0.9)))
            for key, values in seconds.items()}


def median_p90_minutes_overall(queryset, field):
    """(median, p90) in minutes of `field` over the whole queryset."""
    if connection.vendor == "postgresql":
        row = queryset.aggregate(median=PercentileCont(field, 0.5), p90=PercentileCont(field, 0.9))
        return _minutes(row["median"]), _minutes(row["p90"])
    values = [v.total_seconds() for v in queryset.exclude(**{f"{field}__isnull": True}).order_by(field)
              .values_list(field, flat=True)]
    return _minutes(percentile_cont(values, 0.5)), _minutes(percentile_cont(values, 0.9))


def _minutes(seconds):
    return None if seconds is None else round(seconds / 60, 1)


def rate(part, whole):
    """A percentage with one decimal; None (shown as “—”) when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None
