from django.http import HttpRequest

from .kept import menu_categories


def menu(request: HttpRequest) -> dict[str, object]:
    return {"menu_categories": menu_categories()}
