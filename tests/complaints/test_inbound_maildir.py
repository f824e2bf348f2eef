"""Reading the desk's maildir: new and seen-but-unprocessed messages as raw bytes, each one
skipped once marked processed (moved to cur/ with the S flag, the bytes untouched)."""

import mailbox
from pathlib import Path

import pytest

from complaints.inbound.maildir import maildir_mark_processed, maildir_messages
from complaints.inbound.parse import inbound_parse

MAIL = Path(__file__).parent / "mail"


@pytest.fixture
def maildir(tmp_path):
    path = tmp_path / "desk"
    box = mailbox.Maildir(path, create=True)
    new_key = box.add((MAIL / "plain_turkish.eml").read_bytes())
    read = mailbox.MaildirMessage((MAIL / "reply_quoted.eml").read_bytes())
    read.set_subdir("cur")
    read.add_flag("R")  # a human looked at it (replied) but the desk has not taken it
    cur_key = box.add(read)
    done = mailbox.MaildirMessage((MAIL / "html_only.eml").read_bytes())
    done.set_subdir("cur")
    done.add_flag("S")
    box.add(done)
    return path, new_key, cur_key


def test_unprocessed_messages_from_new_and_cur_come_as_raw_bytes(maildir):
    path, new_key, cur_key = maildir

    found = dict(maildir_messages(path))

    assert set(found) == {new_key, cur_key}
    assert found[new_key] == (MAIL / "plain_turkish.eml").read_bytes()
    assert inbound_parse(found[cur_key]).message_id == "CAF3x9q+TR-02@mail.example.com"


def test_a_processed_message_moves_to_cur_with_s_and_is_not_read_again(maildir):
    path, new_key, cur_key = maildir

    assert maildir_mark_processed(path, new_key)
    assert maildir_mark_processed(path, cur_key)
    assert not maildir_mark_processed(path, new_key)  # twice: nothing more to do
    assert not maildir_mark_processed(path, "no-such-key")

    assert list(maildir_messages(path)) == []
    assert list((path / "new").iterdir()) == []
    names = sorted(item.name for item in (path / "cur").iterdir())
    assert f"{new_key}:2,S" in names and f"{cur_key}:2,RS" in names
    box = mailbox.Maildir(path, create=False)
    assert box.get_bytes(new_key) == (MAIL / "plain_turkish.eml").read_bytes()


def test_a_message_delivered_while_reading_is_read_next_time(maildir):
    path = maildir[0]
    for key, _raw in maildir_messages(path):
        maildir_mark_processed(path, key)
    later = mailbox.Maildir(path, create=False).add((MAIL / "encoded_subject.eml").read_bytes())

    assert [key for key, _ in maildir_messages(path)] == [later]


def test_a_missing_maildir_says_so(tmp_path):
    with pytest.raises(mailbox.NoSuchMailboxError):
        list(maildir_messages(tmp_path / "nowhere"))
