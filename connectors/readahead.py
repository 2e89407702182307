"""Producers run ahead in threads, read in order: what `for make in producers: yield from make()` gives,
with up to `workers` of them at work at once (the offset walk's time parts, `connectors.paging`).

Memory stays bounded: a producer is started only while fewer than `workers` are unread (the one being
read included), and each holds at most `buffered` items not taken yet; one that is ahead of its turn
waits when its buffer is full. An exception in a producer is raised in the reader where that producer's
next item would have come. When the reader stops early (it closes the generator: an error of its own,
Ctrl-C), the producers are stopped — their gateway calls raise `Stopped` (`stopped_by`) instead of
sending or waiting to retry; a request already on the wire runs to its end — and joined: no thread
outlives the read.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from typing import Generic, TypeVar

from connectors.http import stopped_by

T = TypeVar("T")


def read_ahead(producers: Sequence[Callable[[], Generator[T, None, None]]], workers: int, buffered: int,
               name: str = "cchc-readahead") -> Iterator[Iterator[T]]:
    """An iterator of each producer's items, in order; read each to its end before taking the next.

    The threads are named `name`-N, so that a test can tell that none is left.
    """
    if workers < 1 or buffered < 1:
        raise ValueError("workers and buffered must be at least 1")
    stop = threading.Event()
    waiting = deque(producers)
    unread: deque[_Buffer[T]] = deque()
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
    try:
        while waiting or unread:
            while waiting and len(unread) < workers:
                buffer = _Buffer(buffered)
                pool.submit(_produce, waiting.popleft(), buffer, stop)
                unread.append(buffer)
            yield iter(unread[0])
            unread.popleft().close()  # a reader that skipped the rest of it: its producer stops too
    finally:
        stop.set()
        for buffer in unread:
            buffer.close()
        pool.shutdown(wait=True, cancel_futures=True)


def _produce(make: Callable[[], Generator[T, None, None]], buffer: _Buffer[T], stop: threading.Event) -> None:
    """A worker: the producer's items into its buffer, then the end (or the error) of it."""
    try:
        with stopped_by(stop), closing(make()) as items:
            for item in items:
                if not buffer.put(item):
                    return  # the reader went away
    except BaseException as error:  # noqa: BLE001 - handed to the reader, raised there
        buffer.finish(error)
    else:
        buffer.finish()


class _Buffer(Generic[T]):
    """The items of one producer not read yet: at most `capacity`, then the producer waits for room."""

    def __init__(self, capacity: int):
        self._capacity = capacity
        self._items: deque[T] = deque()
        self._ended = False
        self._error: BaseException | None = None
        self._closed = False  # the reader went away: the producer stops at its next item
        self._changed = threading.Condition()

    def put(self, item: T) -> bool:
        """Hand an item over, waiting for room; False once the reader went away."""
        with self._changed:
            while len(self._items) >= self._capacity and not self._closed:
                self._changed.wait()
            if self._closed:
                return False
            self._items.append(item)
            self._changed.notify_all()
            return True

    def finish(self, error: BaseException | None = None) -> None:
        with self._changed:
            self._ended, self._error = True, error
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._items.clear()
            self._changed.notify_all()

    def __iter__(self) -> Iterator[T]:
        while True:
            with self._changed:
                while not self._items and not self._ended:
                    self._changed.wait()
                if not self._items:
                    if self._error is not None:
                        raise self._error
                    return
                item = self._items.popleft()
                self._changed.notify_all()
            yield item
