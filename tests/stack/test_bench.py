"""`make bench`, short, on every run of the tests: so the benchmark never breaks silently. The
figures themselves are read by people (README, Performance), not asserted: these machines are
too noisy for timed assertions."""

from tests.stack.conftest import figures_of


def test_the_benchmark_runs_every_target_through_nginx_and_gunicorn_without_an_error():
    figures = figures_of(
        "bench_website_data.py", "--seconds", 1, "--rounds", 1, "--client-requests", 20
    )
    assert len(figures["targets"]) == 6
    assert all(target["rps"] > 0 for target in figures["targets"].values())
    assert figures["errors"] == 0
    assert figures["wake_up"]["readers"] == 8
    client = figures["typescript_client"]
    assert client["client_vs_curl_200"] > 0 and client["client_vs_curl_304"] > 0


def test_the_publish_benchmark_times_publishes_with_and_without_webhook_endpoints():
    figures = figures_of("bench_publish.py", "--publishes", 3, "--rounds", 1)
    assert figures["publish"]["0"]["publishes"] == 3
    assert figures["publish"]["10"]["publishes"] == 3
    assert figures["ratio_10_to_0"] > 0


def test_preparing_a_40_megapixel_upload_stays_under_300_mb():
    # Memory, unlike time, is steady from run to run: this figure is asserted.
    figures = figures_of("bench_images.py", "--without-wagtail")
    for upload in ("whole", "focal"):  # without a focal point, and with a small one
        assert figures[upload]["prepare_images_mb"] < 300, figures
