from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files; a file missing from the manifest (static
    files changed without `collectstatic`) is served by its plain name instead of
    turning every page, error pages included, into a server error."""

    manifest_strict = False
