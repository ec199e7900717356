"""A small thread-safe LRU for what coverage derives in-process from stored, content-keyed data
(layers are keyed by what determines them, so an entry never goes stale, only out of use)."""
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")
_all: list["Lru"] = []


class Lru(Generic[Value]):
    def __init__(self, size: int) -> None:
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()
        _all.append(self)

    def get(self, key: Hashable, make: Callable[[], Value]) -> Value:
        """The cached value, or ``make()`` stored (computed outside the lock; a race computes twice)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def clear_all() -> None:
    """Forget everything derived in this process (benchmarks measure from cold)."""
    for cache in _all:
        cache.clear()
