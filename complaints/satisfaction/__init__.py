"""The satisfaction survey after a complaint is resolved: its signed link, page, staff panel
and message kinds. The writes are in complaints.services (surveys, satisfaction)."""
