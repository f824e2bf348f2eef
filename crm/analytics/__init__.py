"""The staff analytics dashboard (issue 32): rollups, panels and predictions."""
