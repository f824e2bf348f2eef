"""Static files and media: local folders, or S3-compatible object storage."""

from .base import BASE_DIR, DEBUG, PRODUCTION, VAR_DIR, env

# --- Static and media ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
# Private files (digital downloads) never live under MEDIA_ROOT, so no URL can reach them.
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
# Outside production WhiteNoise serves straight from the app folders; no collectstatic needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Media on S3-compatible object storage (django-storages) when MEDIA_S3_BUCKET is set, so every
# web server sees the same files; the bucket serves product images publicly (plain, cacheable
# URLs). Digital products go to PRIVATE_MEDIA_S3_BUCKET, which has no public URL at all.
MEDIA_S3_BUCKET = env.str("MEDIA_S3_BUCKET", default="")
PRIVATE_MEDIA_S3_BUCKET = env.str("PRIVATE_MEDIA_S3_BUCKET", default="")
MEDIA_S3_OPTIONS = {
    "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
    "region_name": env.str("MEDIA_S3_REGION", default="") or None,
    # Keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the machine's role) via boto3.
    "file_overwrite": False,
}
STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **MEDIA_S3_OPTIONS,
                "bucket_name": MEDIA_S3_BUCKET,
                "querystring_auth": False,
                "custom_domain": env.str("MEDIA_S3_CUSTOM_DOMAIN", default="") or None,
                "url_protocol": "https:",
            },
        }
        if MEDIA_S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
