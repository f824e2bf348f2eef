from django.urls import path

from . import views
from .questions import views as questions

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.product_list, name="product_list"),
    path("products/suggest/", views.suggest, name="suggest"),
    path("c/<slug:slug>/", views.category_detail, name="category"),
    path("p/<slug:slug>/", views.product_detail, name="product"),
    path("p/<slug:slug>/review/", views.review_write, name="review"),
    path("p/<slug:slug>/questions/ask/", questions.question_ask, name="question_ask"),
    path("p/<slug:slug>/answers/<int:answer_id>/vote/", questions.answer_vote, name="answer_vote"),
    path("questions/<int:question_id>/answer/", questions.answer_write, name="answer_write"),
    path(
        "questions/<int:pk>/confirm/<str:token>/",
        questions.question_confirm,
        name="question_confirm",
    ),
]
