"""Procedures and quality review: reads, the ticket panel and the staff screens (the tables are
in complaints/models/procedures.py and quality.py, the writes in complaints/services/)."""
