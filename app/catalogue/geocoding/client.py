"""Asking a geocoder over HTTP: at most its rate, retrying what is worth retrying.

Over the per-second limit or a provider hiccup (network error, HTTP 5xx, a garbled answer) is retried
after a growing pause; a bad key or a spent quota is not: it stops the run (GeocoderStopped), because
no later row can succeed either.
"""
import time
from collections.abc import Callable
from typing import Any

import httpx

from app.catalogue.geocoding.providers import GeocoderApi
from geo.geocoders import Failure, Match, ProviderError, read_answer

# Pauses before each retry, in units of `retry_pause` seconds. Amap's per-minute block (10004) lifts at
# the next minute, so a run that is too fast may wait up to about a minute in all.
TOO_FAST_PAUSES = (1, 2, 4, 8, 16, 32)
UNAVAILABLE_PAUSES = (1, 2, 4)


class GeocoderStopped(Exception):
    """A failure that is the provider's (or the key's), not the address's: the run cannot go on."""

    def __init__(self, failure: Failure, message: str) -> None:
        super().__init__(message)
        self.failure = failure
        self.message = message


class TokenBucket:
    """At most `rate` takes per second on average and `capacity` at once (1: evenly spaced requests)."""

    def __init__(self, rate: float, *, capacity: float = 1.0, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate, self.capacity = rate, capacity
        self._clock, self._sleep = clock, sleep
        self._tokens, self._last = capacity, clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
        self._last = now

    def take(self) -> None:
        self._refill()
        if self._tokens < 1:
            self._sleep((1 - self._tokens) / self.rate)
            self._refill()
        self._tokens -= 1  # may go slightly negative when sleep returns early: the next take waits longer


class GeocoderClient:
    def __init__(self, api: GeocoderApi, *, key: str, url: str | None = None, qps: float | None = None,
                 timeout: float = 10.0, retry_pause: float = 1.0) -> None:
        self.api, self.key, self.url = api, key, url or api.url
        self.bucket = TokenBucket(qps or api.default_qps)
        self.retry_pause = retry_pause
        self.requests_sent = 0
        self._http = httpx.Client(timeout=timeout, headers={"User-Agent": "servicemap directory import"})

    def close(self) -> None:
        self._http.close()

    def ask(self, params: dict[str, str]) -> tuple[Any, Match | None]:
        """(the answer's JSON body, its match or None for no result); ProviderError(refused) for a refused
        address; GeocoderStopped when the provider cannot be used."""
        too_fast, unavailable = iter(TOO_FAST_PAUSES), iter(UNAVAILABLE_PAUSES)
        while True:
            try:
                status, body = self._get(params)
                return body, read_answer(self.api.provider, status, body)
            except ProviderError as exc:
                if exc.failure is Failure.refused:
                    raise
                pauses = {Failure.too_fast: too_fast, Failure.unavailable: unavailable}.get(exc.failure)
                pause = next(pauses, None) if pauses else None
                if pause is None:
                    raise GeocoderStopped(exc.failure, exc.message) from None
                time.sleep(pause * self.retry_pause)

    def _get(self, params: dict[str, str]) -> tuple[int, Any]:
        self.bucket.take()
        self.requests_sent += 1
        try:
            response = self._http.get(self.url, params={**params, self.api.key_parameter: self.key})
        except httpx.HTTPError as exc:
            raise ProviderError(Failure.unavailable, f"{self.api.provider} could not be reached: {exc}") from None
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, response.text
