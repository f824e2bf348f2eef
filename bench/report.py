"""Reporting a benchmark: the machine, the setup, a JSON file under bench/results/, a table."""

import json
import os
import platform
import time
from pathlib import Path

from django.conf import settings
from django.db import connection
from measure import CONNECTIONS

ROOT = Path(__file__).resolve().parent.parent


def header(*, duration: int, runs: int, **setup: object) -> dict:
    """What every result file starts with: when, on what machine, measured how."""
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "python": platform.python_version(),
        },
        "setup": {
            "server": "gunicorn shop.wsgi --workers 2 (sync)",
            "wrk": f"-t2 -c{CONNECTIONS} -d{duration}s --latency, median of {runs} runs",
            "database": connection.vendor,
            "page_cache": bool(settings.PAGE_CACHE_ENABLED),
            "products": int(os.environ.get("BENCH_PRODUCTS", "10000")),
            **setup,
        },
    }


def write(result: dict, suffix: str = "") -> Path:
    """bench/results/<date>-<time><suffix>.json"""
    out = ROOT / "bench" / "results" / f"{time.strftime('%Y%m%d-%H%M%S')}{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def table(columns: list[str], rows: list[list[str]], out: Path) -> None:
    """A Markdown table (the first two columns left-aligned, the others right), then the file."""
    print()
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("---" if i < 2 else "---:" for i in range(len(columns))) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\nWritten to {out.relative_to(ROOT)}")
