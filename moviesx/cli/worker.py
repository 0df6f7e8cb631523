"""`rq worker`: runs email and retrain jobs from Redis, with RQ's scheduler as a thread of the same process."""

from __future__ import annotations

import threading

import click
from flask import current_app
from rq import SimpleWorker
from rq.defaults import DEFAULT_LOGGING_DATE_FORMAT, DEFAULT_LOGGING_FORMAT
from rq.scheduler import RQScheduler
from rq.scheduler import run as run_scheduler
from rq.scripts import release_lock

from moviesx.cli import CommandGroup
from moviesx.services.jobs import QUEUE_NAME, redis_connection

rq_group = CommandGroup("rq", help="Background job worker.")
commands = [rq_group]

# A scheduler renews its lock every second; one that has not for this long is dead (or wedged), and RQ's own lease
# (61 s) plus its retry period (up to 10 minutes for a worker) would leave retries and delayed jobs waiting.
ABANDONED_LOCK_SECONDS = 10


class ThreadScheduler(RQScheduler):
    """RQ's scheduler (it moves due retries and delayed jobs onto their queue) as a thread of the worker.

    RQ forks it as a child process. A SIGKILLed worker left that child running (PPID 1), still holding the scheduler
    lock and a copy of the dead worker's blocking BLMOVE connection, which swallowed the next job for minutes.
    A thread dies with the worker: nothing is left behind.
    """

    def start(self) -> threading.Thread:
        self._status = self.Status.STARTED
        self._process = threading.Thread(target=run_scheduler, args=(self,), name="Scheduler", daemon=True)
        self._process.start()
        return self._process

    def _install_signal_handlers(self) -> None:
        """Signals reach the main thread only: the worker's handlers stop this thread with `request_stop`."""

    @property
    def should_reacquire_locks(self) -> bool:
        """Ask for a missing lock every round (RQ waits 2 minutes), so that the lock of a dead worker is taken over."""
        return self._queue_names != self.acquired_locks

    def acquire_locks(self, auto_start: bool = False) -> set[str]:
        self._release_abandoned_locks()
        return super().acquire_locks(auto_start)

    def _release_abandoned_locks(self) -> None:
        """Delete a lock that its holder has not renewed for ABANDONED_LOCK_SECONDS (judged by the key's TTL on the
        Redis clock, so that hosts' clocks do not matter). A holder that was only slow notices at its next heartbeat
        that the lock moved, as RQ designed for a takeover."""
        lease_ms = (self.interval + 60) * 1000
        for name in self._queue_names - self.acquired_locks:
            key = self.get_locking_key(name)
            with self.connection.pipeline() as pipeline:
                holder, ttl_ms = pipeline.get(key).pttl(key).execute()
            if holder is not None and ttl_ms >= 0 and lease_ms - ttl_ms > ABANDONED_LOCK_SECONDS * 1000:
                self.log.warning("Scheduler lock for %s abandoned by %s; taking it over", name, holder.decode())
                release_lock(self.connection, key, holder)


class Worker(SimpleWorker):
    """Jobs run in this process (no fork per job, so the loaded model stays warm); so does the scheduler."""

    def _start_scheduler(
        self,
        burst: bool = False,
        logging_level: str | None = None,
        date_format: str = DEFAULT_LOGGING_DATE_FORMAT,
        log_format: str = DEFAULT_LOGGING_FORMAT,
    ) -> None:
        if burst:  # RQ moves the due jobs once, in this process, and starts nothing
            super()._start_scheduler(burst, logging_level, date_format, log_format)
            return
        self.scheduler = ThreadScheduler(
            self.queues,
            connection=self.connection,
            logging_level=logging_level if logging_level is not None else self.log.level,
            date_format=date_format,
            log_format=log_format,
            serializer=self.serializer,
        )
        self.scheduler.start()

    def stop_scheduler(self) -> None:
        """Let the thread release its lock and exit (RQ's version signals a process)."""
        if self.scheduler._process is not None:
            self.scheduler.request_stop()
            self.scheduler._process.join()


@rq_group.command("worker")
@click.option("--queue", "queue_names", multiple=True, default=[QUEUE_NAME], show_default=True)
@click.option("--burst", is_flag=True, help="Exit once the queues are empty.")
def worker(queue_names: tuple[str, ...], burst: bool) -> None:
    """Process jobs inside this app context; one process, no children."""
    if not current_app.config.get("REDIS_URL"):
        click.echo("REDIS_URL is not set", err=True)
        raise SystemExit(1)
    connection = redis_connection()
    Worker(list(queue_names), connection=connection).work(burst=burst, with_scheduler=True)
