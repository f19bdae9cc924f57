"""A SQLAlchemy engine on a PostgreSQL store named by a checked location (booking/store/location.py).

The URL is built from its parts (never pasted together as text), over psycopg 3; the compound's
schema, when the URL names one, is the connection's search_path (with public, where a district's
server keeps the btree_gist extension), so every statement finds that compound's tables.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import URL

from booking.store.location import StoreServer

APPLICATION_NAME = "linli-desk"  # what the server's pg_stat_activity shows for a desk's connections

#: libpq's settings that let a desk notice a server gone within seconds rather than minutes: a
#: bounded connect, TCP keepalives on an idle connection (a network cable pulled, a server that
#: vanished without closing), and a bound on data the server never acknowledges. A URL that sets
#: one of them keeps its own.
LIVENESS: dict[str, object] = {"connect_timeout": 5, "keepalives": 1, "keepalives_idle": 5,
                               "keepalives_interval": 2, "keepalives_count": 3, "tcp_user_timeout": 10_000}


def liveness(server: StoreServer) -> dict[str, object]:
    """`LIVENESS` less what the URL of `server` sets itself."""
    own = {key for key, _ in server.options}
    return {key: value for key, value in LIVENESS.items() if key not in own}


def url_for(server: StoreServer, password: str | None) -> URL:
    query = {k: v for k, v in server.options if k != "schema"}
    query.setdefault("application_name", APPLICATION_NAME)
    return URL.create("postgresql+psycopg", username=server.user, password=password or None, host=server.host,
                      port=server.port, database=server.database, query=query)


def engine_for(server: StoreServer, password: str | None, **kwargs: object) -> sa.Engine:
    """An engine on `server` (`password` None: the URL's, else libpq's own ways, such as PGPASSFILE)."""
    connect_args: dict[str, object] = liveness(server)
    if server.schema:  # checked against [a-z_][a-z0-9_]* when the URL was read
        connect_args["options"] = f"-c search_path={server.schema},public"
    return sa.create_engine(url_for(server, password or server.password), connect_args=connect_args, **kwargs)
