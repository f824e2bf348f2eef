"""Crisis detection: the periodic scan's task, the alert's message kind and ticket panel, the
banner. The writes are in complaints/services/crisis.py, the reads in selectors.py here."""
