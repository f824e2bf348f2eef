"""Choice widgets written in Python: the same HTML as Django's, without a template per option.

Django renders every option of a select, radio list or checkbox list through its own template
(and its attributes through another): the time-zone list of the account page (about 400 zones)
took 50 ms a page, the 81 provinces and the categories of the profile page 20 ms. These produce
what Django's templates produce (tests/shop/test_widgets.py compares the two), from the same
`get_context`, so values, ids, `selected`/`checked` and the optgroups stay Django's.
"""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _value(value: object) -> str:
    return "" if value is None else str(value)


def _attrs(attrs: dict) -> SafeString:
    """As Django's attrs.html writes them: in order, True as a bare name, False left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class Select(forms.Select):
    def render(
        self, name: str, value: object, attrs: dict | None = None, renderer: object = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html('<optgroup label="{}">', group))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    _value(option["value"]),
                    _attrs(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part built by format_html


class _InputList:
    """Radio buttons or checkboxes, each in a label, in a div as Django lays them out."""

    def render(
        self, name: str, value: object, attrs: dict | None = None, renderer: object = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        own = widget["attrs"]
        parts = [
            format_html(
                "<div{}>",
                _attrs({key: own[key] for key in ("id", "class") if own.get(key)}),
            )
        ]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html("<div><label>{}</label>", group))
            for option in options:
                box = format_html(
                    '<input type="{}" name="{}" value="{}"{}>',
                    option["type"],
                    option["name"],
                    _value(option["value"]),
                    _attrs(option["attrs"]),
                )
                if option.get("wrap_label"):
                    label_for = _attrs({"for": option["attrs"].get("id") or False})
                    box = format_html("<label{}>{} {}</label>", label_for, box, option["label"])
                parts.append(format_html("<div>{}</div>", box))
            if group:
                parts.append("</div>")
        parts.append("</div>")
        return mark_safe("".join(parts))  # noqa: S308 - every part built by format_html


class RadioSelect(_InputList, forms.RadioSelect):
    pass


class CheckboxSelectMultiple(_InputList, forms.CheckboxSelectMultiple):
    pass
