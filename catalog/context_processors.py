from django.http import HttpRequest

from .selectors import menu_categories


def menu(request: HttpRequest) -> dict[str, object]:
    return {"menu_categories": menu_categories()}
