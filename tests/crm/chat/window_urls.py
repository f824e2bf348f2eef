"""URLs for the assistant's flow tests: the shop's own, plus a stand-in chat window (`crm:chat`)
only while crm.urls has none (the chat window is built on another branch). The stand-in shows
the messages through the assistant's templates, as the window does, so they are tested too."""

from django.conf.urls.i18n import i18n_patterns
from django.http import Http404, HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from crm import urls as crm_urls
from crm.chat.assistant import assistant_menu
from crm.chat.selectors import conversation_for_visitor
from crm.chat.session import chat_tokens
from shop import urls as shop_urls

WINDOW = engines["django"].from_string(
    "{% load i18n %}<main>"
    '{% for note in messages %}<p class="note">{{ note }}</p>{% endfor %}'
    "{% for message in messages_shown %}"
    '<div class="chat-message {{ message.author }}">'
    '{% if message.author == "assistant" %}{% include "crm/chat/_answer.html" %}'
    "{% else %}<p>{{ message.body }}</p>{% endif %}</div>{% endfor %}"
    '{% include "crm/chat/_assistant_menu.html" %}</main>'
)


def stand_in_window(request: HttpRequest, token: str) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    conversation = conversation_for_visitor(
        token=token, user=user, session_tokens=chat_tokens(request)
    )
    if conversation is None:
        raise Http404
    context = {
        "conversation": conversation,
        "messages_shown": conversation.messages.order_by("pk"),
        "menu": assistant_menu(conversation=conversation),
    }
    return HttpResponse(WINDOW.render(context, request))


crm_patterns = list(crm_urls.urlpatterns)
if not any(getattr(pattern, "name", None) == "chat" for pattern in crm_patterns):
    crm_patterns.append(path("chat/<str:token>/", stand_in_window, name="chat"))

# The first "crm" namespace wins when names are reversed: this one, with the stand-in.
urlpatterns = [
    *i18n_patterns(path("", include((crm_patterns, "crm"))), prefix_default_language=False),
    *shop_urls.urlpatterns,
]
