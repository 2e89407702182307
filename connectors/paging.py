"""The gateway's four paging styles, declared per endpoint and walked by one engine (`iter_pages`).

An endpoint is data, declared with its system (`sources.catalog`): its path, paging kind, parameter
names, page-size limit, where the records and the total are, how its filter writes a time. The engine yields pages of raw record
dicts exactly as the source served them; validating and merging them is another module's work.

Offset paging (qlvb, motcua) runs over a moving dataset: a record saved while we page leaves the
window and shifts later rows one place back, so a plain walk skips a row for good, and the total
drops. The engine therefore reads the window in chunks of at most `max_chunk_pages` pages (splitting
its time range by what page 1 says the total is) and accepts a chunk only when every page reported
the same total and the pages delivered exactly that many records; a chunk whose total moved is read
again. Duplicates from re-reads are expected: the merge keeps the latest version of each record.

A window split into time parts has them read concurrently, by as many threads as the gateway may take
requests at once (`workers`, by default the client's concurrency maximum; 1 is the sequential walk):
each part is walked exactly as alone, and its pages come out in the sequential walk's order, with a
bounded look-ahead (`connectors.readahead`). Cursor and link walks follow one chain: sequential.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Literal
from urllib.parse import urljoin

from connectors.http import GatewayClient, GatewayResponse, Transient
from connectors.readahead import read_ahead
from core.english import counted
from core.errors import PagingError
from core.timezone import ICT
from sources import CursorPages, GatewayEndpoint, LinkPages, OffsetPages, System, Whole

log = logging.getLogger("cchc.paging")

PagingKind = Literal["none", "offset", "cursor", "link"]
ONE_SECOND = timedelta(seconds=1)
MALFORMED_HINT = "The system answered outside the contract: run again; if it persists, contact its operator"
LOOP_HINT = "The source's paging does not end: contact its operator; this is not fixed by running again"


# --- how a filter writes a time (`GatewayEndpoint.time_style`) ----------------------------------

def iso_ict(moment: datetime) -> str:
    """ISO 8601 with the +07:00 offset (qlvb)."""
    return moment.astimezone(ICT).strftime("%Y-%m-%dT%H:%M:%S+07:00")


def compact_ict(moment: datetime) -> str:
    """yyyyMMddHHmmss, local time (motcua)."""
    return moment.astimezone(ICT).strftime("%Y%m%d%H%M%S")


def utc_z(moment: datetime) -> str:
    """UTC with a Z (baocao)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_seconds(moment: datetime) -> str:
    """yyyy-MM-dd HH:mm:ss, local time (nhiemvu)."""
    return moment.astimezone(ICT).strftime("%Y-%m-%d %H:%M:%S")


TIME_FORMATS: dict[str, Callable[[datetime], str]] = {
    "iso_offset_ict": iso_ict, "compact_ict": compact_ict, "utc_z": utc_z, "local_seconds": local_seconds}


def status_check(key: str, fine: str) -> Callable[[Any], None]:
    """A source that reports failures under HTTP 200 (the one-stop shop's `error_code`): retried like a 5xx."""

    def check(body: Any) -> None:
        if isinstance(body, dict) and str(body.get(key)) != fine:
            code = body.get(key)
            shown = code if isinstance(code, str | int) and len(str(code)) <= 16 else "missing or odd"
            raise Transient(f'{key} "{shown}"')

    return check


# --- an endpoint, as the engine walks it -------------------------------------------------------

@dataclass(frozen=True)
class Endpoint:
    """A system's `GatewayEndpoint` declaration, flattened for the walks (see `endpoint_of`)."""

    system: str
    path: str
    paging: PagingKind
    records_key: str | None  # None: the body is a bare JSON array
    max_page_size: int = 0  # 0: no paging parameter
    format_time: Callable[[datetime], str] | None = None
    since_param: str | None = None
    until_param: str | None = None
    page_param: str | None = None  # offset: page number, from 1
    size_param: str | None = None
    total_key: str | None = None  # offset: the total in the body
    total_header: str | None = None  # link: the total in a header
    cursor_param: str | None = None
    next_cursor_key: str | None = None
    check: Callable[[Any], None] | None = field(default=None, compare=False)
    max_chunk_pages: int = 10  # offset: a chunk is at most this many pages
    max_rereads: int = 8  # offset: re-reads of a chunk whose total keeps moving


_KINDS = {Whole: "none", OffsetPages: "offset", CursorPages: "cursor", LinkPages: "link"}


def endpoint_of(system: System) -> Endpoint:
    """The walkable endpoint of a gateway system, derived from its declaration."""
    access = system.access
    if not isinstance(access, GatewayEndpoint):
        raise TypeError(f"{system.name} is not read through the gateway")
    paging = dataclasses.asdict(access.paging)
    return Endpoint(system=system.name, path=access.path, paging=_KINDS[type(access.paging)],
                    records_key=access.records_key, max_page_size=access.max_page_size,
                    format_time=TIME_FORMATS[access.time_style] if access.time_style else None,
                    check=status_check(*access.status) if access.status else None, **paging)


# --- the engine --------------------------------------------------------------------------------

def iter_pages(client: GatewayClient, endpoint: Endpoint, lo: datetime, hi: datetime, *,
               page_size: int | None = None, stats: Counter | None = None,
               workers: int | None = None) -> Iterator[Page]:
    """Pages of raw records updated in [lo, hi] (both ends, whole seconds).

    Cursor and link endpoints have no upper filter: they also yield records updated after `hi`.
    The directory has no filter at all. Raises `PagingError` for paging that cannot be trusted.
    An offset window split in time parts is read by `workers` threads (default: as many as the
    client may send requests at once), its pages yielded in the same order as by one.
    """
    stats = stats if stats is not None else Counter()
    size = _page_size(endpoint, page_size)
    lo, hi = _whole_seconds(lo, "lo"), _whole_seconds(hi, "hi")
    if hi < lo:
        raise ValueError("the window ends before it starts")
    workers = client.concurrency.maximum if workers is None else workers
    if workers < 1:
        raise ValueError("workers must be at least 1")
    walk = {"none": _walk_single, "offset": partial(_walk_offset, workers=workers), "cursor": _walk_cursor,
            "link": _walk_link}
    for records in walk[endpoint.paging](client, endpoint, lo, hi, size, stats):
        stats["pages"] += 1
        stats["records"] += len(records)
        yield records


def split_range(lo: datetime, hi: datetime, parts: int) -> list[tuple[datetime, datetime]]:
    """[lo, hi] cut into at most `parts` contiguous whole-second ranges: [a, m], [m+1s, b], ..."""
    seconds = int((hi - lo) // ONE_SECOND) + 1
    parts = max(1, min(parts, seconds))
    starts = [lo + ONE_SECOND * (i * seconds // parts) for i in range(parts + 1)]
    return [(starts[i], starts[i + 1] - ONE_SECOND) for i in range(parts)]


def _page_size(endpoint: Endpoint, page_size: int | None) -> int:
    if endpoint.paging == "none":
        return 0
    size = endpoint.max_page_size if page_size is None else page_size
    if not 1 <= size <= endpoint.max_page_size:
        raise ValueError(f"page_size must be between 1 and {endpoint.max_page_size} for {endpoint.path}")
    return size


def _whole_seconds(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return moment.replace(microsecond=0)


def _fail(endpoint: Endpoint, problem: str, hint: str) -> PagingError:
    return PagingError(endpoint.system, problem, hint, path=endpoint.path)


class Page(list):
    """The raw records of one page, with the body they were parsed from: a columnar validator reads
    the body again at C speed (`ingest.columnar`) instead of looking at each record in Python."""

    __slots__ = ("body",)

    def __init__(self, records: list, body: bytes | None = None):
        super().__init__(records)
        self.body = body  # the JSON body as served; None when the records did not come from one


def _records(endpoint: Endpoint, response: GatewayResponse, page: int) -> Page:
    body = response.json()
    container = body if endpoint.records_key is None else (
        body.get(endpoint.records_key) if isinstance(body, dict) else None)
    if not isinstance(container, list):
        where = "the body is not a JSON array" if endpoint.records_key is None else \
            f'"{endpoint.records_key}" is missing, null or not a list'
        raise _fail(endpoint, f"page {page} is malformed: {where}", MALFORMED_HINT)
    return Page(container, response.content)


# --- no paging: the directory ------------------------------------------------------------------

def _walk_single(client, endpoint, lo, hi, size, stats) -> Iterator[Page]:
    yield _records(endpoint, client.get(endpoint.system, endpoint.path, check=endpoint.check), 1)


# --- offset paging over a moving dataset -------------------------------------------------------

@dataclass(frozen=True)
class _OffsetPage:
    number: int
    total: int
    records: Page


def _read_offset_page(client: GatewayClient, endpoint: Endpoint, lo: datetime, hi: datetime, number: int,
                      size: int) -> _OffsetPage:
    params = {endpoint.since_param: endpoint.format_time(lo), endpoint.until_param: endpoint.format_time(hi),
              endpoint.page_param: number, endpoint.size_param: size}
    response = client.get(endpoint.system, endpoint.path, params, check=endpoint.check)
    records = _records(endpoint, response, number)
    total = response.json().get(endpoint.total_key)
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise _fail(endpoint, f'page {number} is malformed: "{endpoint.total_key}" is not a non-negative integer',
                    MALFORMED_HINT)
    return _OffsetPage(number, total, records)


def _walk_offset(client, endpoint, lo, hi, size, stats, workers: int = 1) -> Iterator[Page]:
    probe = _read_offset_page(client, endpoint, lo, hi, 1, size)
    stats["promised"] = probe.total  # what the window holds, for progress reports
    yield from _walk_range(client, endpoint, lo, hi, size, stats, probe, endpoint.max_rereads, workers)


def _walk_range(client: GatewayClient, endpoint: Endpoint, lo: datetime, hi: datetime, size: int,
                stats: Counter, probe: _OffsetPage, rereads_left: int, workers: int = 1) -> Iterator[Page]:
    """Walk [lo, hi] as one chunk when page 1 says it is small enough, else split it by time.

    Small chunks keep a re-read cheap and make a clean read likely while clerks keep saving.
    A single second that alone holds too many records cannot be split: it is walked as it is.
    """
    limit = endpoint.max_chunk_pages * size
    if probe.total <= limit or hi == lo:
        yield from _walk_chunk(client, endpoint, lo, hi, size, stats, probe, rereads_left)
        return
    # read by several threads, parts of a quarter chunk: each fits its buffer (memory stays small: the
    # parts ahead of their turn hold Python records), there are more parts to share, and a busy stretch
    # rarely needs splitting again (which its thread does alone, holding the others back)
    target = _parallel_part_pages(endpoint) * size if workers > 1 else limit
    parts = split_range(lo, hi, math.ceil(probe.total / target) + 1)
    workers = min(workers, len(parts))
    log.info("%s %s: %d records in %s..%s, read in %d time ranges%s", endpoint.system, endpoint.path,
             probe.total, lo.isoformat(), hi.isoformat(), len(parts),
             f", {workers} at a time" if workers > 1 else "")
    if workers > 1:
        yield from _walk_parts_concurrently(client, endpoint, parts, size, stats, rereads_left, workers)
    else:
        yield from _walk_parts(client, endpoint, parts, size, stats, rereads_left)


def _parallel_part_pages(endpoint: Endpoint) -> int:
    return -(-endpoint.max_chunk_pages // 4)  # a quarter of a chunk, rounded up


def _walk_parts(client: GatewayClient, endpoint: Endpoint, parts: list[tuple[datetime, datetime]], size: int,
                stats: Counter, rereads_left: int) -> Iterator[Page]:
    for a, b in parts:
        yield from _walk_part(client, endpoint, a, b, size, stats, rereads_left)


def _walk_part(client: GatewayClient, endpoint: Endpoint, lo: datetime, hi: datetime, size: int, stats: Counter,
               rereads_left: int) -> Iterator[Page]:
    # a part's page 1 is read only when the part is walked, so pages stream in order
    probe = _read_offset_page(client, endpoint, lo, hi, 1, size)
    yield from _walk_range(client, endpoint, lo, hi, size, stats, probe, rereads_left)


def _walk_parts_concurrently(client: GatewayClient, endpoint: Endpoint, parts: list[tuple[datetime, datetime]],
                             size: int, stats: Counter, rereads_left: int, workers: int) -> Iterator[Page]:
    """`_walk_parts`, with the parts walked by `workers` threads: the same pages in the same order.

    Each part's walk is the sequential one (its own probe, chunk checks, re-reads and splits) in a
    thread of its own. At most `workers` parts are unread at once, each holding at most a part's pages
    and one more, plus the one its thread waits to hand over: a clean part fits whole, so the parts
    ahead of their turn keep the gateway busy while the reader is on the first; memory stays within
    workers × (part pages + 2) pages.

    A part's counts are kept apart and added to `stats` here, once it has ended: the walk's counts
    are only ever written by the reading thread, and are what a sequential walk would have counted
    for the pages yielded.
    """
    counts = [Counter() for _ in parts]
    walks = [partial(_walk_part, client, endpoint, a, b, size, part_counts, rereads_left)
             for (a, b), part_counts in zip(parts, counts, strict=True)]
    # closed here, not when the garbage goes: an error's traceback would keep the threads alive
    buffered = _parallel_part_pages(endpoint) + 1  # a part and a page more, for a busier stretch
    with closing(read_ahead(walks, workers, buffered, "cchc-pages")) as ahead:
        for pages, part_counts in zip(ahead, counts, strict=True):
            try:
                yield from pages
            except Exception:
                stats.update(part_counts)  # the part's walk ended with this error: its counts are final
                raise
            stats.update(part_counts)


@dataclass
class _ChunkRead:
    """What one read of a chunk saw."""

    total: int
    delivered: int = 0
    moved: bool = False


def _walk_chunk(client: GatewayClient, endpoint: Endpoint, lo: datetime, hi: datetime, size: int,
                stats: Counter, first: _OffsetPage, rereads_left: int) -> Iterator[Page]:
    """Accept a read of the chunk only when the total held still and exactly that many records came.

    When the total moved, the chunk is read again, in two halves of its time range when it has
    more than a page: under steady saving a shorter read is likelier to be clean. Each half is a
    chunk checked on its own, so the whole range still ends without a gap.
    """
    stats["chunks"] += 1
    read = _ChunkRead(first.total)
    yield from _read_chunk(client, endpoint, lo, hi, size, first, read)
    if not read.moved:
        if read.delivered != read.total:
            raise _fail(endpoint, f"page 1 promised a total of {read.total} but the window delivered "
                                  f"{counted(read.delivered, 'record')}",
                        "The source miscounts its window: report it to its operator; running again will not help")
        return
    if rereads_left <= 0:
        raise _fail(endpoint, f"the window kept changing while being read (read again {endpoint.max_rereads} "
                              "times)", "Run again")
    stats["rereads"] += 1
    log.info("%s %s: the total moved while paging %s..%s; reading it again", endpoint.system, endpoint.path,
             lo.isoformat(), hi.isoformat())
    parts = split_range(lo, hi, 2) if read.total > size else [(lo, hi)]
    yield from _walk_parts(client, endpoint, parts, size, stats, rereads_left - 1)


def _read_chunk(client: GatewayClient, endpoint: Endpoint, lo: datetime, hi: datetime, size: int,
                first: _OffsetPage, read: _ChunkRead) -> Iterator[Page]:
    """Pages 1..n until a short page; stops early once the total moves (the read is redone anyway)."""
    page = first
    max_pages = read.total // size + 2
    while True:
        read.delivered += len(page.records)
        yield page.records
        if len(page.records) < size:
            return
        if page.number + 1 > max_pages:
            raise _fail(endpoint, f"paging loop: page {page.number + 1} would pass the total of {read.total} "
                                  f"records at {size} a page", LOOP_HINT)
        page = _read_offset_page(client, endpoint, lo, hi, page.number + 1, size)
        if page.total != read.total:
            read.moved = True
            return


# --- what a window holds, for the count check ------------------------------------------------

def window_totals(client: GatewayClient, endpoint: Endpoint, windows: list[tuple[datetime, datetime]],
                  workers: int | None = None) -> list[int] | None:
    """What the source says it holds in each update-time window [a, b] (both ends, whole seconds); None for
    an endpoint that promises no total (cursor paging, the directory).

    An offset endpoint answers a page of one record with its window's total. A link endpoint filters only
    from below: a window's count is the total since its start less the total since the second after its end.
    The questions go out as many at a time as the gateway takes (`workers`, default the client's maximum)."""
    if endpoint.paging not in ("offset", "link") or not windows:
        return None
    windows = [(_whole_seconds(a, "a window's start"), _whole_seconds(b, "a window's end")) for a, b in windows]
    if endpoint.paging == "offset":
        ask = [partial(_offset_total, client, endpoint, a, b) for a, b in windows]
    else:
        starts = sorted({a for a, _ in windows} | {b + ONE_SECOND for _, b in windows})
        ask = [partial(_total_since, client, endpoint, moment) for moment in starts]
    workers = client.concurrency.maximum if workers is None else workers
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(ask))), thread_name_prefix="cchc-count") as pool:
        answers = list(pool.map(lambda question: question(), ask))
    if endpoint.paging == "offset":
        return answers
    since = dict(zip(starts, answers, strict=True))
    return [since[a] - since[b + ONE_SECOND] for a, b in windows]


def _offset_total(client: GatewayClient, endpoint: Endpoint, lo: datetime, hi: datetime) -> int:
    return _read_offset_page(client, endpoint, lo, hi, 1, 1).total


def _total_since(client: GatewayClient, endpoint: Endpoint, since: datetime) -> int:
    params = {endpoint.since_param: endpoint.format_time(since), endpoint.size_param: 1}
    return _total_header(endpoint, client.get(endpoint.system, endpoint.path, params, check=endpoint.check))


# --- cursor paging -----------------------------------------------------------------------------

def _walk_cursor(client, endpoint, lo, hi, size, stats) -> Iterator[Page]:
    """Follow next_cursor until null. No upper filter exists; records after `hi` are kept too."""
    params: dict[str, Any] = {endpoint.since_param: endpoint.format_time(lo), endpoint.size_param: size}
    seen: set[str] = set()
    page = 1
    while True:
        response = client.get(endpoint.system, endpoint.path, params, check=endpoint.check)
        yield _records(endpoint, response, page)
        body = response.json()
        cursor = body.get(endpoint.next_cursor_key, ...)
        if cursor is None:
            return
        if not isinstance(cursor, str) or not cursor:
            raise _fail(endpoint, f'page {page} is malformed: "{endpoint.next_cursor_key}" is missing or not a '
                                  "string", MALFORMED_HINT)
        if cursor in seen:
            raise _fail(endpoint, f"paging loop: cursor repeated after page {page}", LOOP_HINT)
        seen.add(cursor)
        params[endpoint.cursor_param] = cursor
        page += 1


# --- Link header paging ------------------------------------------------------------------------

def _walk_link(client, endpoint, lo, hi, size, stats) -> Iterator[Page]:
    """Follow `Link: <…>; rel="next"` until absent; only ever to the gateway itself."""
    params = {endpoint.since_param: endpoint.format_time(lo), endpoint.size_param: size}
    response = client.get(endpoint.system, endpoint.path, params, check=endpoint.check)
    promised = _total_header(endpoint, response)
    stats["promised"] = promised
    seen = {response.url}
    delivered, page = 0, 1
    while True:
        records = _records(endpoint, response, page)
        delivered += len(records)
        yield records
        link = _next_link(endpoint, response, seen, client)
        if link is None:
            break
        seen.add(link)
        response = client.get_url(endpoint.system, link, check=endpoint.check)
        page += 1
    if delivered < promised:
        # records only move forward in this walk, so an honest source delivers at least its total
        raise _fail(endpoint, f"page 1 promised a total of {promised} but the walk delivered {counted(delivered, 'record')}",
                    "The source miscounts its window: report it to its operator; running again will not help")


def _total_header(endpoint: Endpoint, response: GatewayResponse) -> int:
    text = (response.headers.get(endpoint.total_header) or "").strip()
    if not text.isdigit():
        raise _fail(endpoint, f"page 1 is malformed: the {endpoint.total_header} header is missing or not a "
                              "non-negative integer", MALFORMED_HINT)
    return int(text)


def _next_link(endpoint: Endpoint, response: GatewayResponse, seen: set[str], client: GatewayClient) -> str | None:
    target = response.links.get("next", {}).get("url")
    if not target:
        return None
    link = urljoin(response.url, target)  # a relative link is relative to the page that gave it
    if not client.owns(link):
        raise _fail(endpoint, "the next link points outside the gateway's base URL; it was not followed "
                              "(the access token is only sent to the gateway)",
                    "This is a contract change or a misconfigured gateway: contact the LGSP operator")
    if link in seen:
        raise _fail(endpoint, "paging loop: a next link repeated", LOOP_HINT)
    return link
