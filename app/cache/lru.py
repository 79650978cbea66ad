"""A least-recently-used map bounded by the bytes its values hold.

Shared by the event loop (response entries) and worker threads (read
models), hence the lock; every operation is O(1) and holds it briefly.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class ByteLRU:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.used = 0
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: Any, size: int) -> bool:
        """Store ``value``; False (and nothing stored) if it alone exceeds the budget."""
        if size > self.max_bytes:
            return False
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.used -= old[1]
            self._items[key] = (value, size)
            self.used += size
            self._evict()
        return True

    def grow(self, key: Hashable, extra: int) -> None:
        """Account for bytes added to a stored value (a new compressed variant)."""
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return
            self._items[key] = (found[0], found[1] + extra)
            self.used += extra
            self._evict()

    def discard(self, key: Hashable) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.used -= old[1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.used = 0

    def _evict(self) -> None:
        while self.used > self.max_bytes and self._items:
            _key, (_value, size) = self._items.popitem(last=False)
            self.used -= size
