from datetime import UTC, datetime

from crm.notifications.services import next_allowed_time
from crm.notifications.sms import sms_length


def test_plain_ascii_is_gsm7_160_then_153_per_part():
    assert sms_length("a" * 160).parts == 1
    assert sms_length("a" * 161).parts == 2
    assert sms_length("a" * 306).parts == 2
    assert sms_length("a" * 307).parts == 3
    assert sms_length("Hello").encoding == "GSM-7"


def test_turkish_g_breve_forces_ucs2_70_then_67_per_part():
    text = "Siparişiniz yola çıktı, kargo takip numaranız ğ"
    length = sms_length(text)
    assert length.encoding == "UCS-2"
    assert length.parts == 1
    long = "ğ" + "a" * 70
    assert sms_length(long).parts == 2  # 71 characters in UCS-2
    assert sms_length("ğ" + "a" * 133).parts == 2  # 134 = 2 × 67
    assert sms_length("ğ" + "a" * 134).parts == 3


def test_gsm7_extension_characters_count_twice():
    assert sms_length("€" * 80).units == 160
    assert sms_length("€" * 81).parts == 2


def test_quiet_hours_defer_a_2am_sms_to_9am_istanbul(settings):
    settings.NOTIFICATIONS_QUIET_HOURS = (21, 9)
    two_am_istanbul = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)  # 02:00 at UTC+3
    allowed = next_allowed_time(now=two_am_istanbul, time_zone="Europe/Istanbul")
    assert allowed is not None
    assert (allowed.day, allowed.hour, allowed.minute) == (24, 9, 0)
    late_evening = datetime(2026, 11, 23, 19, 30, tzinfo=UTC)  # 22:30 Istanbul
    assert next_allowed_time(now=late_evening, time_zone="Europe/Istanbul").day == 24
    noon = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert next_allowed_time(now=noon, time_zone="Europe/Istanbul") is None
