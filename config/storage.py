"""Where evidence files are kept: an S3-compatible bucket when `KOTAE_S3_BUCKET` is set,
the local disk (`MEDIA_ROOT`) otherwise, so several web hosts can share one store.

`config/settings/base.py` builds `STORAGES["default"]` with `evidence_storage(os.environ)`;
the S3 tests build theirs with the same function, so what they test is what runs.
"""
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

# Every call to the store is bounded: a store that does not answer costs a request at most
# about attempts × (connect + read) seconds, never a worker's whole life.
S3_CONNECT_TIMEOUT = 2.0  # seconds to open a connection
S3_READ_TIMEOUT = 10.0  # seconds any one wait for the store's answer (or to send a chunk)
S3_ATTEMPTS = 2  # one try and one retry, botocore's "standard" retry mode
# A file read from the store is held in memory up to this size, then in a temporary file.
S3_SPOOL_BYTES = 2 * 1024 * 1024
ADDRESSING_STYLES = ("auto", "path", "virtual")


def _seconds(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not 0 < value <= 60:
        raise ImproperlyConfigured(f"{name} must be a number of seconds between 0 and 60.")
    return value


def evidence_storage(environ: Mapping[str, str]) -> dict:
    """The `STORAGES["default"]` entry for these environment variables."""
    bucket = environ.get("KOTAE_S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    from boto3.s3.transfer import TransferConfig
    from botocore.config import Config

    addressing = environ.get("KOTAE_S3_ADDRESSING_STYLE", "").strip() or "auto"
    if addressing not in ADDRESSING_STYLES:
        raise ImproperlyConfigured(
            f"KOTAE_S3_ADDRESSING_STYLE must be one of {', '.join(ADDRESSING_STYLES)}.")
    endpoint = environ.get("KOTAE_S3_ENDPOINT_URL", "").strip() or None
    # An S3-compatible server (any endpoint of its own) may refuse the checksums boto3
    # sends by default since 1.36 (https://github.com/boto/boto3/issues/4392): send them
    # only where an operation needs them. Kotae keeps each file's SHA-256 itself.
    checksums = "when_required" if endpoint else "when_supported"
    client = Config(
        connect_timeout=_seconds(environ, "KOTAE_S3_CONNECT_TIMEOUT", S3_CONNECT_TIMEOUT),
        read_timeout=_seconds(environ, "KOTAE_S3_READ_TIMEOUT", S3_READ_TIMEOUT),
        retries={"mode": "standard", "total_max_attempts": S3_ATTEMPTS},
        # path: http://host/bucket/key, what most S3-compatible servers (MinIO, moto) want
        s3={"addressing_style": addressing},
        signature_version="s3v4",
        request_checksum_calculation=checksums,
        response_checksum_validation=checksums,
    )
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": environ.get("KOTAE_S3_PREFIX", "").strip().strip("/"),
            "endpoint_url": endpoint,
            "region_name": environ.get("KOTAE_S3_REGION", "").strip() or None,
            # Unset: boto3's own chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or the
            # host's role), never a key in a file.
            "access_key": environ.get("KOTAE_S3_ACCESS_KEY_ID", "").strip() or None,
            "secret_key": environ.get("KOTAE_S3_SECRET_ACCESS_KEY", "").strip() or None,
            "client_config": client,
            # No thread pool inside a web or worker process; one upload is at most
            # KOTAE_MAX_UPLOAD_BYTES.
            "transfer_config": TransferConfig(use_threads=False),
            # Nothing in the bucket is readable without the desk's credentials, and an
            # object fetched some other way is still a download, never a page.
            "default_acl": "private",
            "object_parameters": {"ContentType": "application/octet-stream",
                                  "ContentDisposition": "attachment"},
            # Evidence is streamed by access-checked views, never linked by URL; were a
            # URL ever made, it would be signed and live a minute.
            "querystring_auth": True,
            "querystring_expire": 60,
            # Keys are random (complaints/models/evidence.py): no existence check needed.
            "file_overwrite": True,
            "max_memory_size": S3_SPOOL_BYTES,
        },
    }
