"""Risk flags: customers and delivery addresses whose history asks for care (docs/risk-flags.md).

services.py recomputes and reviews them, selectors.py reads them (the staff list, the summary the
dashboard shows, the checkout's question), tasks.py runs the periodic refresh.
"""
