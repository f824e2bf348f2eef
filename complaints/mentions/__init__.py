"""The mention inbox: import (CSV in the admin, a signed webhook), triage, and the rows' checks."""
