class ErasureRefused(Exception):
    """The account cannot be erased now; the message is for the customer."""
