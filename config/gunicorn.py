"""gunicorn's settings for Kotae's web processes (Procfile.production's `web` line:
`gunicorn -c python:config.gunicorn config.wsgi`); the command line may override any.

The hooks are prometheus_client's multiprocess recipe for gunicorn
(https://prometheus.github.io/client_python/multiprocess/): the directory that every web
process of the host writes its request figures to is emptied when gunicorn starts, so a
restart does not add the last run's counts to this one's, and a worker that exits is marked
dead, so its gauges stop counting.
"""
import os
from pathlib import Path

# Only where the TLS proxy reaches (its X-Forwarded-For is trusted from whoever connects):
# this host alone by default; the private interface when the proxy is elsewhere.
bind = f"{os.environ.get('BIND', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# An evidence download from a store that hangs costs about 25 s at worst (README "Evidence
# storage"); the default 30 s would kill the worker just after.
timeout = 60
graceful_timeout = 30
# gunicorn 25.1's control socket (for gunicornc) is one path per user by default
# ($HOME/.gunicorn/gunicorn.ctl), so a second gunicorn of the same user on the host takes it
# over from the first; nothing of Kotae's uses it.
control_socket_disable = True


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for stale in Path(directory).glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
