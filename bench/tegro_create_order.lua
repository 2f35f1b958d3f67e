-- wrk script: POST signed createOrder bodies from a pre-generated file, each once.
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
