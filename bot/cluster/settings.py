"""Everything the cluster reads from the environment, in one place (defaults for one machine)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MAX_INSTANCES = 4  # a cluster's ports fit in 13 from WAYFINDER_CLUSTER_BASE


def _env(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


@dataclass(frozen=True)
class ClusterSettings:
    """Ports are base + a fixed offset, 13 in all: nginx +0 (Rasa) and +1 (actions), Rasa
    +2..+5, actions +6..+9 (up to MAX_INSTANCES each), RabbitMQ +10/+11 (our own node), Redis
    +12 (only if none is running)."""

    instances: int = 2
    base_port: int = field(default_factory=lambda: int(_env("WAYFINDER_CLUSTER_BASE", "7000")))
    postgres_admin_url: str = field(default_factory=lambda: _env(
        "WAYFINDER_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    database: str = field(default_factory=lambda: _env("WAYFINDER_CLUSTER_DB",
                                                       "wayfinder_cluster"))
    redis_host: str = field(default_factory=lambda: _env("WAYFINDER_REDIS_HOST", "127.0.0.1"))
    redis_port: int = field(default_factory=lambda: int(_env("WAYFINDER_REDIS_PORT", "6379")))
    redis_db: int = field(default_factory=lambda: int(_env("WAYFINDER_REDIS_DB", "1")))
    lock_store: str = field(default_factory=lambda: _env(
        "WAYFINDER_LOCK_STORE", "bot.plugins.lock_store.AtomicRedisLockStore"))
    # Rasa's own setting (default 60 s): how long a dead instance's ticket blocks its
    # conversation. Living processes renew their tickets (bot/plugins/lock_store.py).
    lock_lifetime: int = field(default_factory=lambda: int(_env("TICKET_LOCK_LIFETIME", "20")))
    prefix: str = field(default_factory=lambda: _env("WAYFINDER_CLUSTER_PREFIX", "wayfinder"))
    run_dir: Path = field(default_factory=lambda: Path(_env(
        "WAYFINDER_CLUSTER_DIR", str(PROJECT_ROOT / "var" / "cluster"))))

    @property
    def nginx_port(self) -> int:
        return self.base_port

    @property
    def actions_lb_port(self) -> int:
        return self.base_port + 1

    def rasa_port(self, i: int) -> int:
        return self.base_port + 2 + self._checked(i)

    def actions_port(self, i: int) -> int:
        return self.base_port + 2 + MAX_INSTANCES + self._checked(i)

    @property
    def rabbitmq_port(self) -> int:
        return self.base_port + 2 + 2 * MAX_INSTANCES  # and +1 for its distribution port

    @property
    def own_redis_port(self) -> int:
        return self.base_port + 4 + 2 * MAX_INSTANCES

    @staticmethod
    def _checked(i: int) -> int:
        if not 0 <= i < MAX_INSTANCES:
            raise SystemExit(f"at most {MAX_INSTANCES} instances on one machine")
        return i

    @property
    def database_url(self) -> str:
        base = self.postgres_admin_url.rsplit("/", 1)[0]
        return f"{base}/{self.database}"

    @property
    def amqp_url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.rabbitmq_port}/"

    @property
    def queue(self) -> str:
        return f"{self.prefix}_events"

    @property
    def redis_url(self) -> str:
        """The lock store's Redis as a URL, for the staff console's shared counters (their keys
        are namespaced by the prefix, apart from the lock store's `<prefix>:lock:` keys)."""
        host = f"[{self.redis_host}]" if ":" in self.redis_host else self.redis_host
        return f"redis://{host}:{self.redis_port}/{self.redis_db}"

    def environment(self) -> dict[str, str]:
        """What Rasa (bot/cluster/endpoints.yml), the actions and the consumer read."""
        return {
            "DATABASE_URL": self.database_url,
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.actions_lb_port}/webhook",
            "WAYFINDER_LOCK_STORE": self.lock_store,
            "WAYFINDER_REDIS_HOST": self.redis_host, "WAYFINDER_REDIS_PORT": str(self.redis_port),
            "WAYFINDER_REDIS_DB": str(self.redis_db),
            "WAYFINDER_LOCK_PREFIX": "".join(c for c in self.prefix if c.isalnum()),  # Rasa: alnum
            # sign-ins per address and texts per call counted once for all instances
            "WAYFINDER_COUNTERS_REDIS_URL": self.redis_url,
            "WAYFINDER_COUNTERS_PREFIX": self.prefix,
            "TICKET_LOCK_LIFETIME": str(self.lock_lifetime),
            "WAYFINDER_RABBITMQ_HOST": "127.0.0.1",
            "WAYFINDER_RABBITMQ_PORT": str(self.rabbitmq_port),
            "WAYFINDER_RABBITMQ_USER": "guest", "WAYFINDER_RABBITMQ_PASSWORD": "guest",
            "WAYFINDER_EVENTS_EXCHANGE": f"{self.prefix}_exchange",
            "WAYFINDER_EVENTS_QUEUE": self.queue,
            "WAYFINDER_AMQP_URL": self.amqp_url,
        }
