"""Turkish identity numbers for invoices: T.C. kimlik no (individuals), vergi no (companies)."""


def is_valid_tckn(value: str) -> bool:
    """11 digits, not starting with 0, with the two check digits of the national ID."""
    if len(value) != 11 or not value.isdigit() or value[0] == "0":
        return False
    d = [int(c) for c in value]
    tenth = (sum(d[0:9:2]) * 7 - sum(d[1:8:2])) % 10
    eleventh = sum(d[:10]) % 10
    return d[9] == tenth and d[10] == eleventh


def is_valid_vkn(value: str) -> bool:
    """10-digit tax number with its check digit."""
    if len(value) != 10 or not value.isdigit():
        return False
    d = [int(c) for c in value]
    total = 0
    for i in range(9):
        step = (d[i] + 9 - i) % 10
        if step:
            step = (step * 2 ** (9 - i)) % 9 or 9
        total += step
    return (10 - total % 10) % 10 == d[9]
