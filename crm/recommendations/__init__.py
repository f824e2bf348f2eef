"""Recommendations: "also bought" lists kept by a periodic job (services), "recommended for
you" and "recently viewed" (selectors, views), and their offline evaluation (evaluation)."""
