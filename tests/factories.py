"""factory_boy factories shared by every test folder."""

from decimal import Decimal

import factory
from allauth.account.models import EmailAddress

from shop.models import User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    first_name = "Ayşe"
    last_name = "Yılmaz"
    phone = "+905321234567"
    language = "tr"
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """UserFactory(verified=True) also records a verified primary email (allauth)."""
        if create:
            self.save()
            if extracted:
                EmailAddress.objects.create(
                    user=self, email=self.email, verified=True, primary=True
                )


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class OrderFactory(factory.django.DjangoModelFactory):
    """A placed order without lines, for status and payment tests (placement builds real ones)."""

    class Meta:
        model = "orders.Order"

    number = factory.Sequence(lambda n: f"DK-TEST-{n:05d}")
    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "guest@example.com")
    phone = "+905321234567"
    payment_method = "cod"
    subtotal = Decimal("250.00")
    vat = Decimal("41.67")
    total = Decimal("250.00")
    billing_address = factory.LazyFunction(lambda: {"full_name": "Ayşe Yılmaz"})
    checkout_token = factory.Sequence(lambda n: f"test-token-{n}")
