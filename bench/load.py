"""The load a results page server gets from visitors, as a wrk script: popular searches and a long tail.

Real visits repeat a few searches (« infirmière », a sector ticked) and spread thinly over many
others. ``script(popular, words, filters)`` writes a wrk Lua script that sends, per request:

- with probability ``1 - tail_share``, one of the ``popular`` paths, Zipf-weighted (the first
  ones most often);
- otherwise a search composed on the spot: one to three words drawn from ``words`` and, half of
  the time, one to two filter values drawn from ``filters`` — almost always a search not seen
  before in the run, so that no cache can carry the figure alone.

Every request accepts gzip, as browsers do. The script counts the requests whose path it had
not sent before (``unique``; per wrk thread, so with several threads a path two threads both
composed counts twice) and the answers the server marks ``X-Bloomr-Cache: hit`` (``hits``), and
prints them with wrk's latency figures on one ``BENCHJSON {…}`` line.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import quote_plus

TAIL_SHARE = 0.4
"""Share of composed (long-tail) searches; at least 30 % of the requests are then never seen before."""

_LUA = """
local popular = {%(popular)s}
local weights = {}
local total = 0
for i = 1, #popular do total = total + 1 / i; weights[i] = total end
local words = {%(words)s}
local filters = {%(filters)s}
-- wrk runs request() and response() in each thread's own Lua state and done() in another one:
-- the counters are the threads' globals, gathered in done() through the thread objects setup() kept.
local threads = {}
local next_id = 0
setup = function(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end
seen = {}
unique, hits, misses = 0, 0, 0
init = function(args)
  math.randomseed(%(seed)d * 1000 + id)  -- each thread its own searches
end

local function pick_popular()
  local r = math.random() * total
  for i = 1, #weights do if r <= weights[i] then return popular[i] end end
  return popular[#popular]
end

local function composed()
  local n = math.random(1, 3)
  local parts = {}
  for _ = 1, n do parts[#parts + 1] = words[math.random(#words)] end
  local path = "/recherche?q=" .. table.concat(parts, "+")
  if math.random() < 0.5 then
    for _ = 1, math.random(1, 2) do path = path .. "&" .. filters[math.random(#filters)] end
  end
  return path
end

request = function()
  local path
  if math.random() < %(tail)f then path = composed() else path = pick_popular() end
  if not seen[path] then seen[path] = true; unique = unique + 1 end
  return wrk.format("GET", path, {["Accept-Encoding"] = "gzip"})
end

response = function(status, headers, body)
  local cache = headers["x-bloomr-cache"] or headers["X-Bloomr-Cache"]  -- uvicorn sends names in lower case
  if cache == "hit" then hits = hits + 1 else misses = misses + 1 end
end

done = function(summary, latency, requests)
  local e = summary.errors
  local unique, hits, misses = 0, 0, 0
  for _, thread in ipairs(threads) do
    unique = unique + thread:get("unique")
    hits = hits + thread:get("hits")
    misses = misses + thread:get("misses")
  end
  io.write(string.format('BENCHJSON {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p95_us": %%d, ' ..
    '"p99_us": %%d, "max_us": %%d, "connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d, ' ..
    '"unique": %%d, "hits": %%d, "misses": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout, unique, hits, misses))
end
"""


def _lua_list(items: Sequence[str]) -> str:
    """Lua string literals; every item is plain ASCII by then (paths and words percent-encoded)."""
    for item in items:
        if not item.isascii():
            raise ValueError(f"not percent-encoded: {item!r}")
    return ", ".join(json.dumps(item) for item in items)


def script(popular: Sequence[str], words: Sequence[str], filters: Sequence[str], *, tail: float = TAIL_SHARE,
           seed: int = 1) -> str:
    """The Lua source; ``filters`` are ready ``name=value`` pairs (``region=FR-BRE``)."""
    if not popular or not words or not filters:
        raise ValueError("popular paths, words and filters are all needed")
    return _LUA % {
        "popular": _lua_list(popular), "words": _lua_list([quote_plus(w) for w in words]), "filters": _lua_list(filters),
        "tail": tail, "seed": seed,
    }
