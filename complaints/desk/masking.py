"""The outsourced team's narrower view lives with the teams, in crm (the chat console uses it
too); the desk's screens import it from here as before."""

from crm.staff.masking import MASK, mask_email, mask_phone, viewer_is_masked

__all__ = ["MASK", "mask_email", "mask_phone", "viewer_is_masked"]
