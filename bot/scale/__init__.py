"""Scale-out on Redis: receivers append events to partitioned streams, workers
consume them, one process at a time runs the scheduler (issue [11/11])."""

from bot.scale.codec import BadEntry, decode_event, encode_event
from bot.scale.leader import Leadership
from bot.scale.leases import Lease
from bot.scale.streams import GROUP, EventStreams, StreamSink
from bot.scale.worker import StreamWorker, WorkerOptions, consumer_name

__all__ = [
    "GROUP",
    "BadEntry",
    "EventStreams",
    "Leadership",
    "Lease",
    "StreamSink",
    "StreamWorker",
    "WorkerOptions",
    "consumer_name",
    "decode_event",
    "encode_event",
]
