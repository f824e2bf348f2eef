"""Each worker's kept version tokens, and how it hears that one changed.

One connection of the worker's own asks Redis to tell it of every write to a token (client
tracking in broadcast mode, redirected to itself) and listens on the invalidation channel
(`__redis__:invalidate`), all through redis-py's public pub/sub API. Any word on it drops every
kept token before the next request uses one. Redis sends that word in the same event-loop turn
as it answers the write, so once a change is saved the next request in any worker sees it.
"""

import logging
import os
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import caches

from .store import PAGES_ALIAS, VERSION_PREFIX

logger = logging.getLogger(__name__)


class Tracker:
    """This worker's copy of the version tokens, and the pub/sub connection on which Redis tells
    it of every write to one (`CLIENT TRACKING ON REDIRECT <itself> BCAST PREFIX`).

    The connection is read without waiting before each request (`sync`): any invalidation on
    it, or a lost connection, drops every kept token. A token read from Redis is kept only if
    nothing was dropped since the read began (`generation`), so a thread that read an old token
    cannot put it back after another thread heard of the write. A PING at most every
    HEARTBEAT_SECONDS proves the connection still carries Redis's word: kept tokens are used
    only within TRUST_SECONDS of the last answer (a silently cut network loses no change for
    longer), and an unanswered PING counts as a lost connection. A reconnection is never
    silent (redis-py's own retries are off and a reconnect of the connection counts as lost):
    the worker connects anew at the next request after a drop or a fork, and after a failure to
    connect at most every RETRY_SECONDS; meanwhile every request reads its tokens.
    """

    RETRY_SECONDS = 30.0
    HEARTBEAT_SECONDS = 1.0
    TRUST_SECONDS = 3.0
    CHANNEL = "__redis__:invalidate"
    PING = "pagecache"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[str, str] = {}
        self.generation = 0
        self.pubsub: object | None = None  # redis.client.PubSub while connected
        self.client_id: int | None = None  # the connection's id in Redis (CLIENT LIST, KILL)
        self._pid = 0
        self._retry_at = 0.0
        self._pinged_at = 0.0  # when the last PING was sent
        self._answered_at = 0.0  # when the last answered PING was sent (or the connection made)
        self._reconnected = False

    def sync(self) -> bool:
        """Drop the kept tokens if a token was written since the last sync; True when the kept
        ones may be used in this request."""
        if not settings.PAGE_CACHE_ENABLED:
            return False
        import redis

        with self._lock:
            if self._pid != os.getpid():  # a forked worker: the parent's connection is not its own
                self.pubsub = self.client_id = None
                self._pid = os.getpid()
            if self.pubsub is None and not self._connect():
                return False
            now = time.monotonic()
            try:
                heard = self._drain()
                waiting = self._answered_at < self._pinged_at
                if waiting and now - self._pinged_at > self.TRUST_SECONDS:
                    raise ConnectionError("no answer to PING")
                if not waiting and now - self._pinged_at >= self.HEARTBEAT_SECONDS:
                    self.pubsub.ping(self.PING)
                    self._pinged_at = now
            except (redis.RedisError, OSError) as error:
                logger.warning("page cache: Redis stopped telling of version changes (%s)", error)
                self._close()
                self._retry_at = 0.0  # reconnect at once
                return False
            if heard:
                self._forget()
            return now - self._answered_at <= self.TRUST_SECONDS

    def _drain(self) -> bool:
        """Read what Redis has sent since the last sync (without waiting); True if a token was
        written. A PONG answers the PING."""
        heard = False
        while (message := self.pubsub.get_message(timeout=0)) is not None:
            if message["type"] == "pong":
                self._answered_at = self._pinged_at
            elif message["type"] == "message":
                heard = True
        if self._reconnected:  # a new connection has no tracking of its own
            raise ConnectionError("reconnected without tracking")
        return heard

    def take(self, names: list[str], into: dict[str, str]) -> list[str]:
        """Copy the kept tokens of these names into `into`; the names not kept."""
        kept = self._kept
        into.update((name, kept[name]) for name in names if name in kept)
        return [name for name in names if name not in into]

    def keep(self, tokens: dict[str, str], generation: int) -> None:
        with self._lock:
            if generation == self.generation:
                self._kept.update(tokens)

    def forget(self, names: Iterable[str] | None = None) -> None:
        """Drop these kept tokens (all without names): this worker wrote them."""
        with self._lock:
            self._forget(names)

    def _forget(self, names: Iterable[str] | None = None) -> None:
        self.generation += 1
        if names is None:
            self._kept.clear()
        for name in names or ():
            self._kept.pop(name, None)

    def _on_connect(self, connection: object) -> None:
        """Called by redis-py on every (re)connection of the listening connection."""
        self._reconnected = True

    def _connect(self) -> bool:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        if time.monotonic() < self._retry_at:
            return False
        self._retry_at = time.monotonic() + self.RETRY_SECONDS
        self._forget()  # whatever was written while nobody listened
        pool = None
        try:
            # One connection, no retries of redis-py's own: a reconnected connection carries no
            # tracking, so it counts as lost (`_on_connect`).
            pool = redis.ConnectionPool.from_url(
                settings.PAGE_CACHE_URL,
                max_connections=1,
                protocol=2,  # invalidations as pub/sub messages (RESP3 would push them)
                socket_connect_timeout=2,
                socket_timeout=2,
                retry=Retry(NoBackoff(), 0, supported_errors=()),
            )
            connection = pool.get_connection()
            connection.register_connect_callback(self._on_connect)
            pool.release(connection)
            self._reconnected = False
            client = redis.Redis(connection_pool=pool)
            own_id = client.client_id()
            prefix = caches[PAGES_ALIAS].make_key(VERSION_PREFIX)
            client.client_tracking_on(clientid=own_id, prefix=[prefix], bcast=True)
            pubsub = client.pubsub()
            pubsub.subscribe(self.CHANNEL)  # on the same (only) connection of the pool
            confirmed = pubsub.get_message(timeout=2)
        except (redis.RedisError, OSError) as error:
            logger.warning("page cache: Redis does not tell of version changes (%s)", error)
            if pool is not None:
                pool.disconnect()
            return False
        if not confirmed or confirmed["type"] != "subscribe" or self._reconnected:
            pool.disconnect()
            return False
        self._forget()  # a write between tracking on and subscribing was not heard
        self.pubsub, self.client_id = pubsub, own_id
        self._pinged_at = self._answered_at = time.monotonic()
        return True

    def _close(self) -> None:
        pubsub, self.pubsub, self.client_id = self.pubsub, None, None
        self._forget()
        if pubsub is not None:
            try:
                pubsub.close()
            except Exception:  # closing a broken connection
                logger.debug("page cache: closing the tracking connection failed", exc_info=True)


tracker = Tracker()
