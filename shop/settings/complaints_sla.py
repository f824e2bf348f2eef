"""The complaint desk's SLA targets, in working hours per priority (the clock: complaints/sla.py,
docs/complaints.md). `urgent=1,high=2,...`; a priority left out takes its default."""

from .base import env

_FIRST_RESPONSE = {"urgent": 1, "high": 2, "normal": 4, "low": 8}
_RESOLUTION = {"urgent": 8, "high": 16, "normal": 27, "low": 45}

COMPLAINTS_SLA_FIRST_RESPONSE_HOURS = _FIRST_RESPONSE | env.dict(
    "COMPLAINTS_SLA_FIRST_RESPONSE_HOURS", cast={"value": float}, default={}
)
COMPLAINTS_SLA_RESOLUTION_HOURS = _RESOLUTION | env.dict(
    "COMPLAINTS_SLA_RESOLUTION_HOURS", cast={"value": float}, default={}
)
