"""A rediss:// URL talks TLS to Redis, with the breaker in between: the breaker's own
connection class once sent it in plain TCP, and its ssl_* options raised a TypeError."""

import subprocess

from redis.connection import SSLConnection

from cms.delivery.breaker import BreakerConnectionFactory
from scripts.loopback import free_port, self_signed_certificate, wait_for_port


def test_a_rediss_url_talks_tls_to_a_tls_only_redis_through_the_breaker(tmp_path):
    certificate, key = self_signed_certificate(tmp_path, "localhost")
    port = free_port()
    tls = ["--tls-port", str(port), "--tls-cert-file", certificate, "--tls-key-file", key]
    redis = subprocess.Popen(
        ["redis-server", "--port", "0", "--bind", "127.0.0.1", *tls, "--tls-auth-clients", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, redis)
        client = BreakerConnectionFactory({}).connect(
            f"rediss://127.0.0.1:{port}/0?ssl_cert_reqs=none"
        )
        assert client.set("greeting", "marhaba") and client.get("greeting") == b"marhaba"
        assert issubclass(client.connection_pool.connection_class, SSLConnection)
    finally:
        redis.kill()
        redis.wait(10)
