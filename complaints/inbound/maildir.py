"""Reading the desk's maildir (a mailbox the mail server delivers to): each message not yet
processed, as raw bytes, and marking one processed (moved to cur/ with the "S" flag).

The maildir belongs to the desk: a message is processed once the desk has taken it (made or
threaded its ticket, or refused it); a second run skips it. Taking the same message twice is
harmless anyway (the ticket code keys on the Message-ID).
"""

import mailbox
import os
from collections.abc import Iterator
from pathlib import Path

PROCESSED_FLAG = "S"


def _info_separator() -> str:
    return mailbox.Maildir.colon + "2,"


def _flags_in_cur(path: Path) -> dict[str, str]:
    """key → flags of the messages in cur/ (the flags are in the file name after ":2,")."""
    found = {}
    separator = _info_separator()
    for name in os.listdir(path / "cur"):
        key, _, flags = name.partition(separator)
        found[key] = flags
    return found


def maildir_messages(path: str | os.PathLike) -> Iterator[tuple[str, bytes]]:
    """(key, raw bytes) of every message in new/ and cur/ not yet marked processed, oldest
    delivery first. Raises mailbox.NoSuchMailboxError when `path` is not a maildir."""
    path = Path(path)
    box = mailbox.Maildir(path, factory=None, create=False)
    processed = {key for key, flags in _flags_in_cur(path).items() if PROCESSED_FLAG in flags}
    for key in sorted(box.keys()):  # keys start with the delivery time
        if key in processed:
            continue
        try:
            raw = box.get_bytes(key)
        except (KeyError, FileNotFoundError):  # taken by another reader meanwhile
            continue
        yield key, raw


def maildir_mark_processed(path: str | os.PathLike, key: str) -> bool:
    """Move the message to cur/ with the "S" flag (its other flags kept), by a rename: the
    bytes are not rewritten. True if it was marked now; False if it already was or is gone."""
    path = Path(path)
    separator = _info_separator()
    current = None
    for subdir in ("new", "cur"):
        for name in os.listdir(path / subdir):
            if name == key or name.startswith(key + separator):
                current = (subdir, name)
                break
        if current:
            break
    if current is None:
        return False
    subdir, name = current
    flags = name.partition(separator)[2]
    if subdir == "cur" and PROCESSED_FLAG in flags:
        return False
    new_flags = "".join(sorted(set(flags) | {PROCESSED_FLAG}))
    try:
        os.rename(path / subdir / name, path / "cur" / f"{key}{separator}{new_flags}")
    except FileNotFoundError:  # another reader moved it first
        return False
    return True
