"""The offline evaluation: its recommenders agree with the database's, and on orders with
co-purchase structure the personal recommender beats the best sellers."""

import random
from collections import Counter

import pytest
from django.core.management import call_command

from catalog.models import Product
from crm.models import BoughtTogether
from crm.recommendations import evaluation
from crm.recommendations.selectors import personal_recommendations
from crm.recommendations.services import bought_together_refresh
from tests.crm.recommendation_helpers import order, products
from tests.factories import UserFactory, make_category


@pytest.mark.django_db
def test_the_evaluations_recommenders_agree_with_the_database():
    kitchen, garden = make_category("Mutfak"), make_category("Bahçe")
    k = products(6, category=kitchen)
    g = products(4, category=garden)
    Product.objects.filter(pk=k[5].pk).update(is_consumable=True)
    customer = UserFactory(verified=True)
    for items in [(k[0], k[1]), (k[0], k[1], g[0]), (k[0], k[2]), (k[3], k[4]), (g[1], g[2])]:
        order(*items)
    order(k[0], k[5], user=customer, status="delivered")
    order(g[1], user=customer, status="delivered")
    shop = evaluation.shop_from_database()
    orders_with = Counter(p for basket in shop.baskets for p in basket.products)
    for product in [*k, *g]:  # the catalog's rollup, as the evaluation counts best sellers
        Product.objects.filter(pk=product.pk).update(units_sold=orders_with[product.pk])
    bought_together_refresh()
    model = evaluation.train(shop, shop.baskets)
    for product in [*k, *g]:
        stored = list(
            BoughtTogether.objects.filter(product=product)
            .order_by("position")
            .values_list("other_id", flat=True)
        )
        assert [other for other, _score in model.lists[product.pk]] == stored
    history = [b for b in shop.baskets if b.customer == customer.pk]
    history.sort(key=lambda b: (b.placed, b.order))
    from_db = [p.pk for p in personal_recommendations(user=customer, limit=10)]
    assert from_db and evaluation.personal(model, history)[: len(from_db)] == from_db


def test_the_personal_recommender_beats_best_sellers_on_orders_with_structure():
    for seed in (31, 7):
        figures = evaluation.evaluate(evaluation.generated_shop(seed=seed))
        personal = figures["personal (recommended for you)"]
        best = figures["best sellers (baseline)"]
        assert personal.customers > 300
        assert personal.hit_rate > best.hit_rate + 0.1
        assert personal.coverage > best.coverage


def test_a_shop_without_structure_gives_the_personal_recommender_no_edge():
    """The check can fail: orders of random products leave co-occurrence nothing to find."""
    shop = evaluation.generated_shop(seed=31)
    rng = random.Random(5)
    everything = sorted(shop.category)
    shuffled = evaluation.Shop(
        baskets=[
            evaluation.Basket(b.customer, b.order, b.placed, frozenset(rng.sample(everything, 2)))
            for b in shop.baskets
        ],
        category=shop.category,
    )
    figures = evaluation.evaluate(shuffled)
    assert figures["personal (recommended for you)"].hit_rate < 0.2


@pytest.mark.django_db
def test_the_command_prints_the_figures(capsys):
    call_command("recommendations_evaluate", "--source", "generated")
    out = capsys.readouterr().out
    assert "hit rate @10" in out and "personal (recommended for you)" in out
