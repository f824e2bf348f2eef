from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from catalog.purchases import register_purchase_checker
        from shop.demo import register_checkout_essentials, register_seeder

        from . import receivers  # noqa: F401  (connects the payments and log-in signals)
        from .benefits import loyalty_tier_benefits, register_customer_benefits
        from .demo import seed_orders_demo, seed_shipping_demo
        from .messages import register_order_kinds
        from .selectors import customer_bought

        register_purchase_checker(
            lambda user_id, product_id: customer_bought(user_id=user_id, product_id=product_id)
        )
        from catalog.delivery import register_delivery_promise

        from .selectors.promises import default_promise

        register_delivery_promise(default_promise)
        register_order_kinds()
        from .exchange_messages import register_exchange_kinds

        register_exchange_kinds()
        register_customer_benefits("loyalty_tier", loyalty_tier_benefits)
        register_seeder("orders", seed_orders_demo)
        from .wallet_demo import seed_wallet_demo

        register_seeder("wallet", seed_wallet_demo)
        register_checkout_essentials("shipping", seed_shipping_demo)

        from shop.pagecache import register_visitor_part

        from .context_processors import cart_count

        register_visitor_part("cart_count", lambda request: str(cart_count(request)))

        from . import invalidation
        from .views.shipping import PART_NAME, product_shipping_part

        invalidation.connect()
        register_visitor_part(PART_NAME, product_shipping_part, takes_arguments=True)
