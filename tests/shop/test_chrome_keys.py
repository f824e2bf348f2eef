"""A `{% chrome %}` part is kept per worker by its key: anything it shows that is not in its key
would show stale. A cart line is keyed by what it shows field by field, so every variable the
part reads must be in its key (or be derived from one that is)."""

from django.template import Engine, Node, NodeList
from django.template.base import FilterExpression, Token, TokenType, Variable
from django.template.loader import get_template

from shop.templatetags.shop_tags import ChromeNode

# What a template reads -> the key field it follows from (in the part's language, also keyed).
DERIVED = {"product.get_absolute_url": "product.slug"}
NOT_CONTEXT = {"forloop", "True", "False", "None"}


def _paths(expression: FilterExpression) -> set[str]:
    """The variables an expression reads, its filters' arguments included."""
    found = set()
    for part in [expression.var, *(arg for _f, args in expression.filters for _l, arg in args)]:
        if isinstance(part, Variable) and part.literal is None:
            found.add(part.var)
    return found


def _reads_and_locals(value: object, reads: set[str], local: set[str]) -> None:
    """Walk a node's attributes for what it reads and the names it binds."""
    if isinstance(value, FilterExpression):
        reads |= _paths(value)
    elif isinstance(value, Token):
        if value.token_type == TokenType.VAR:  # {{ name }} inside {% blocktranslate %}
            reads.add(value.contents.split("|")[0].strip())
    elif isinstance(value, dict):
        for name, item in value.items():
            if isinstance(name, str) and isinstance(item, FilterExpression):
                local.add(name)  # {% with name=… %}, {% blocktranslate with name=… %}
            _reads_and_locals(item, reads, local)
    elif isinstance(value, list | tuple):
        for item in value:
            _reads_and_locals(item, reads, local)
    elif hasattr(value, "value") or hasattr(value, "first"):  # {% if %} conditions
        for name in ("value", "first", "second"):
            if getattr(value, name, None) is not None:
                _reads_and_locals(getattr(value, name), reads, local)


def unkeyed_reads(part: ChromeNode) -> set[str]:
    """What the part shows that its key does not hold."""
    key = set()
    for expression in part.kwargs.values():
        key |= _paths(expression)
    reads: set[str] = set()
    local: set[str] = set()
    for node in part.nodelist.get_nodes_by_type(Node):
        for name, value in vars(node).items():
            if isinstance(value, NodeList) or name in ("token", "origin"):
                continue
            if name in ("asvar", "countervar") and isinstance(value, str):
                local.add(value)  # {% url … as name %}, {% blocktranslate count name=… %}
            elif name == "loopvars":
                local |= set(value)
            else:
                _reads_and_locals(value, reads, local)
    shown = {path for path in reads if path.split(".")[0] not in local | NOT_CONTEXT}
    return {path for path in shown if path not in key and DERIVED.get(path) not in key}


def _part(nodelist: NodeList, name: str) -> ChromeNode:
    parts = [node for node in nodelist.get_nodes_by_type(ChromeNode) if node.name == name]
    assert len(parts) == 1, f"{len(parts)} chrome parts named {name!r}"
    return parts[0]


def test_everything_a_cart_line_shows_is_in_its_key():
    template = get_template("orders/_cart.html").template
    part = _part(template.nodelist, "cart-line")
    assert unkeyed_reads(part) == set()


def test_a_field_shown_and_missing_from_the_key_is_found():
    engine = Engine.get_default()
    template = engine.from_string(
        "{% load i18n shop_tags %}"
        '{% chrome "cart-line" line=line.pk name=product.name %}'
        '<a href="{{ product.get_absolute_url }}">{{ product.name }}</a>'
        "{% if state.price_changed %}{{ state.unit_price|default:line.seen_price }}{% endif %}"
        "{% blocktranslate with old=line.seen_price %}was {{ old }}{% endblocktranslate %}"
        "{% url 'orders:cart_line' line.pk as update_url %}{{ update_url }}"
        "{% visitor 'csrf_token' %}{% endchrome %}"
    )
    part = _part(template.nodelist, "cart-line")
    assert unkeyed_reads(part) == {
        "product.get_absolute_url",  # its slug is not in the key
        "state.price_changed",
        "state.unit_price",
        "line.seen_price",
    }
