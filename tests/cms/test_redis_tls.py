"""How the app reaches Redis, tried against redis-servers of the tests' own: a rediss:// URL
talks TLS, with the breaker in between (the breaker's own connection class once sent it in
plain TCP, and its ssl_* options raised a TypeError); a password given on its own may hold
characters a URL cannot."""

import subprocess

from redis.connection import SSLConnection

from cms.cache.breaker import BreakerConnectionFactory
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


def test_a_password_given_on_its_own_may_hold_characters_a_url_cannot():
    password = "p/a@s#s:w%rd"
    port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--requirepass", password],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, redis)
        client = BreakerConnectionFactory({"PASSWORD": password}).connect(
            f"redis://127.0.0.1:{port}/0"
        )
        assert client.ping()
    finally:
        redis.kill()
        redis.wait(10)
