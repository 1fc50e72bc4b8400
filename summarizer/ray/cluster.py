"""Joining Ray: a local instance sized for this machine, or an existing cluster.

Defaults are for small machines as much as large ones: a local Ray gets a bounded object
store (articles are small; the default would reserve a third of the memory), no
dashboard, and quiet logs. A job that the cluster cannot place is refused before it
starts, naming what it needs and what the cluster has, instead of waiting forever.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any

from ..errors import BackendError, ConfigError

OBJECT_STORE_BYTES = 512 * 1024 * 1024  # a local Ray's object store: blocks of articles, not models
LOCAL = "local"
REACH_TIMEOUT_S = 5.0
GCS_PORT = 6379  # ray start --head's default
HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"  # how every gRPC (so Ray) connection opens


def connect(address: str | None) -> bool:
    """Join Ray (``None`` or ``"local"``: start one on this machine); True when this call started it.

    A Ray already initialized in this process (a notebook's, say) is used as it is. The
    caller checks ``address`` first (:func:`check_address`), before it opens any output.
    """
    import ray

    if ray.is_initialized():
        return False
    quiet = {"include_dashboard": False, "logging_level": logging.WARNING, "log_to_driver": False,
             "configure_logging": True}
    # A job's settings travel to its actors inside the task arguments, never as a
    # runtime_env variable: the key stays out of Ray's own logs and dashboard.
    # "token authentication is enabled" is good news, said on every start; "disabled" still speaks
    logging.getLogger("ray._private.authentication.authentication_token_setup").addFilter(
        lambda record: "authentication is enabled" not in record.getMessage())
    try:
        if address in (None, LOCAL):
            # address="local": a RAY_ADDRESS in the environment (set inside `ray job submit`)
            # must not turn this into a join that refuses num_cpus
            ray.init(address="local", num_cpus=os.cpu_count() or 1, object_store_memory=OBJECT_STORE_BYTES, **quiet)
        else:
            ray.init(address=address, **quiet)
    except ConnectionError as exc:
        raise ConfigError(f"--address {address}: no Ray cluster answers there ({exc}); start one with "
                          "'ray start --head', or leave out --address for a Ray on this machine") from None
    return True


def quiet_ray_data() -> None:
    """Ray Data logs every execution's start, plan and end on the driver's stderr, where the
    job's own progress and accounting already speak, and its warnings (such as "progress
    bars disabled", which the job asks for) say nothing a user can act on; errors still show.
    (Set after ``import ray.data``, which configures its loggers.)"""
    import ray.data  # noqa: F401

    logging.getLogger("ray.data").setLevel(logging.ERROR)


def check_address(address: str | None) -> None:
    """Refuse at once, in one line, a HOST:PORT that names no Ray cluster's head."""
    if address not in (None, LOCAL, "auto") and not address.startswith("ray://"):
        _check_reachable(address)


def _check_reachable(address: str) -> None:
    """Refuse at once an address nothing answers at, or a web server does (Ray itself would
    retry for a while, printing a line of its own every second)."""
    if address.startswith(("http://", "https://")):
        raise ConfigError(f"--address {address}: that is a web address (a dashboard's, as 'ray job submit' takes); "
                          f"give the head's HOST:PORT (its GCS port, {GCS_PORT} unless set), or 'auto' on a node")
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"--address {address}: give 'auto', HOST:PORT of a cluster's head, or ray://HOST:PORT")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=REACH_TIMEOUT_S) as conn:
            reply = _first_reply(conn)
    except OSError as exc:
        raise ConfigError(f"--address {address}: no Ray cluster answers there ({exc.strerror or exc}); start one "
                          "with 'ray start --head', or leave out --address for a Ray on this machine") from None
    if reply and all(32 <= byte < 127 or byte in b"\t\r\n" for byte in reply):
        raise ConfigError(f"--address {address}: a server that is not a Ray cluster's head answers there (a web "
                          f"server or a dashboard?); give the head's GCS port ({GCS_PORT} unless set), or 'auto' on a node")


def _first_reply(conn: socket.socket) -> bytes:
    """What a server says first to HTTP/2's opening. A Ray head (gRPC) sends a binary
    settings frame (a head with TLS, a binary alert); a web server, a dashboard or a Redis
    answer in text. Nothing in time is left for Ray to judge."""
    try:
        conn.sendall(HTTP2_PREFACE)
        return conn.recv(16)
    except OSError:
        return b""


def cpus() -> float:
    """The CPUs the cluster has in all."""
    import ray

    return float(ray.cluster_resources().get("CPU", 0.0))


def check_room(actors: int, cpus_each: float) -> None:
    """Refuse a job whose actors the cluster cannot place (Ray would wait for them forever)."""
    have = cpus()
    need = actors * cpus_each
    if need > have + 1e-9:
        raise ConfigError(f"the Ray cluster has {have:g} CPUs and the job needs {need:g} "
                          f"({actors} brief makers x {cpus_each:g}); give fewer --workers")


def placement_failure(exc: BaseException) -> ConfigError | None:
    """Our one-line error for Ray's timeout waiting for actors, or None for another failure."""
    text = f"{type(exc).__name__}: {exc}"
    if "actor" in text.lower() and ("timed out" in text.lower() or "timeout" in text.lower()):
        return ConfigError("the Ray cluster could not start the job's brief makers in time (too few free CPUs "
                           "or too little memory); give fewer --workers or free the cluster")
    return None


def job_failure(exc: BaseException, out: Any) -> BackendError:
    """Our one-line error for a failure of Ray itself mid-job (the lines written are kept)."""
    first = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    return BackendError(f"the Ray job failed ({type(exc).__name__}: {first[:300]}); every finished article "
                        f"is in {out}: run again with --resume to continue")


def shutdown(started: bool) -> None:
    import ray

    if started and ray.is_initialized():
        ray.shutdown()


__all__ = ["LOCAL", "check_address", "check_room", "connect", "cpus", "job_failure", "placement_failure", "quiet_ray_data", "shutdown"]
