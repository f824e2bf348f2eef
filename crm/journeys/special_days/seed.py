"""The special days the shop starts with (a data migration and `seed_demo` call this): the
national days, the two bayrams from the business calendar, Mother's, Father's and Teachers'
Day. Kandil nights move every year: staff add them as single dates."""

from django.db import transaction

# seed key -> fields; the holiday names are the `holidays` library's Turkish names, as the
# business calendar stores them (shop.services.calendar_seed).
SEED: dict[str, dict] = {
    "yilbasi": {"name": "Yılbaşı", "name_en": "New Year's Day", "rule": "fixed", "month": 1,
                "day": 1},
    "23-nisan": {"name": "23 Nisan Ulusal Egemenlik ve Çocuk Bayramı",
                 "name_en": "National Sovereignty and Children's Day", "rule": "fixed",
                 "month": 4, "day": 23},
    "1-mayis": {"name": "1 Mayıs Emek ve Dayanışma Günü", "name_en": "Labour and Solidarity Day",
                "rule": "fixed", "month": 5, "day": 1},
    "19-mayis": {"name": "19 Mayıs Atatürk'ü Anma, Gençlik ve Spor Bayramı",
                 "name_en": "Commemoration of Atatürk, Youth and Sports Day", "rule": "fixed",
                 "month": 5, "day": 19},
    "15-temmuz": {"name": "15 Temmuz Demokrasi ve Millî Birlik Günü",
                  "name_en": "Democracy and National Unity Day", "rule": "fixed", "month": 7,
                  "day": 15,
                  "greeting": "15 Temmuz şehitlerimizi rahmet ve minnetle anıyoruz.",
                  "greeting_en": "We remember the martyrs of 15 July with gratitude."},
    "30-agustos": {"name": "30 Ağustos Zafer Bayramı", "name_en": "Victory Day", "rule": "fixed",
                   "month": 8, "day": 30},
    "29-ekim": {"name": "29 Ekim Cumhuriyet Bayramı", "name_en": "Republic Day", "rule": "fixed",
                "month": 10, "day": 29},
    "ramazan-bayrami": {"name": "Ramazan Bayramı", "name_en": "Eid al-Fitr",
                        "rule": "holiday", "holiday_name": "Ramazan Bayramı"},
    "kurban-bayrami": {"name": "Kurban Bayramı", "name_en": "Eid al-Adha",
                       "rule": "holiday", "holiday_name": "Kurban Bayramı"},
    "anneler-gunu": {"name": "Anneler Günü", "name_en": "Mother's Day", "rule": "nth_weekday",
                     "month": 5, "weekday": 6, "week": 2},
    "babalar-gunu": {"name": "Babalar Günü", "name_en": "Father's Day", "rule": "nth_weekday",
                     "month": 6, "weekday": 6, "week": 3},
    "ogretmenler-gunu": {"name": "Öğretmenler Günü", "name_en": "Teachers' Day",
                         "rule": "fixed", "month": 11, "day": 24},
}  # fmt: skip


def special_days_seed(*, model: type | None = None) -> int:
    """Make the starting rows that are missing (a row staff edited or switched off is left as
    it is); returns how many were made. `model`: the historical model in a migration."""
    if model is None:
        from crm.models import SpecialDay as model
    made = 0
    with transaction.atomic():
        for key, fields in SEED.items():
            _, created = model.objects.get_or_create(seed_key=key, defaults=fields)
            made += created
    return made
