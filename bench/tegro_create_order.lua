-- wrk script: POST signed createOrder bodies from a pre-generated file, each once.
-- Counts answers with `"type":"success"` and errors (a wrapped-around pool shows as errors).
local reqs = {}
local idx = 0
local thread_id = 0
local all_threads = {}
ok = 0
failed = 0

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
  table.insert(all_threads, thread)
end

function response(status, headers, body)
  if body:find('"type":"success"', 1, true) then ok = ok + 1 else failed = failed + 1 end
end

function done(summary, latency, requests)
  local o, f = 0, 0
  for _, t in ipairs(all_threads) do
    o = o + t:get("ok")
    f = f + t:get("failed")
  end
  io.write(string.format("created orders: %d, refused: %d\n", o, f))
end

function init(args)
  local path = args[1]
  local nthreads = tonumber(args[2] or "1")
  local i = 0
  for line in io.lines(path) do
    if i % nthreads == id then
      local tab = line:find("\t", 1, true)
      local sig, body = line:sub(1, tab - 1), line:sub(tab + 1)
      reqs[#reqs + 1] = wrk.format("POST", "/createOrder/", {
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
