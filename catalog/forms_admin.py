"""Admin forms of the catalog: uploads are checked and cleaned before they are stored."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .images import clean_product_image
from .models import ProductImage


class ProductImageForm(forms.ModelForm):
    # A plain file field: our own checks (format by content, pixel cap before decoding) run
    # instead of Django's ImageField check, which decodes first and says less.
    image = forms.FileField(label=_("image"), widget=forms.ClearableFileInput)

    class Meta:
        model = ProductImage
        fields = ["product", "image", "variant", "alt_text_tr", "alt_text_en", "position"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            return clean_product_image(image)
        return image
