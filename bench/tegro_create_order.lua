-- wrk script: POST signed createOrder bodies from a pre-generated file, each once.
-- Arguments (after `--`): the file, the number of wrk threads (default 1).
-- With WRK_SUMMARY set in the environment, done() writes the run's figures there as
-- `key=value` lines (latencies in microseconds), for bench/compare.sh.
local reqs = {}
local idx = 0
local thread_id = 0

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  local path = args[1]
  local nthreads = tonumber(args[2] or "1")
  local i = 0
  for line in io.lines(path) do
    if i % nthreads == id then
      local tab = line:find("\t", 1, true)
      local sig, body = line:sub(1, tab - 1), line:sub(tab + 1)
      reqs[#reqs + 1] = wrk.format("POST", "/api/createOrder/", {
        ["Authorization"] = "Bearer " .. sig,
        ["Content-Type"] = "application/json",
      }, body)
    end
    i = i + 1
  end
end

function request()
  idx = idx + 1
  if idx > #reqs then idx = 1 end
  return reqs[idx]
end

function done(summary, latency, requests)
  local path = os.getenv("WRK_SUMMARY")
  if not path or path == "" then return end
  local f = assert(io.open(path, "w"))
  local e = summary.errors
  f:write(string.format("requests=%d\nduration_us=%d\n", summary.requests, summary.duration))
  f:write(string.format("p50_us=%d\np99_us=%d\nmax_us=%d\n",
    latency:percentile(50.0), latency:percentile(99.0), latency.max))
  f:write(string.format("connect=%d\nread=%d\nwrite=%d\nstatus=%d\ntimeout=%d\n",
    e.connect, e.read, e.write, e.status, e.timeout))
  f:close()
end
