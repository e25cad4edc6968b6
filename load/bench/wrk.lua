-- wrk script for `python -m load.bench`: the frontend-like mix, the auth ceiling, or /health.
-- BENCH_MODE: mix | whoami | health. BENCH_USERS: lines "user token first_task_id".
-- Mix: 50% list, 20% create, 15% toggle, 10% update, 5% get, each for a random user.

local mode = os.getenv("BENCH_MODE") or "mix"
local tasks_per_user = tonumber(os.getenv("BENCH_TASKS_PER_USER") or "20")
local users = {}

function init(args)
  local path = os.getenv("BENCH_USERS")
  if path then
    for line in io.lines(path) do
      local user, token, first = line:match("^(%S+) (%S+) (%d+)$")
      users[#users + 1] = { base = "/api/" .. user .. "/tasks", user = user,
                            auth = "Bearer " .. token, first = tonumber(first) }
    end
  end
  math.randomseed(os.time())
end

local create_body = '{"title":"Benchmark task","description":"created by wrk"}'
local update_body = '{"title":"Renamed by wrk"}'

function request()
  if mode == "health" then
    return wrk.format("GET", "/health")
  end
  local u = users[math.random(#users)]
  local headers = { Authorization = u.auth }
  if mode == "whoami" then
    return wrk.format("GET", "/api/" .. u.user .. "/whoami", headers)
  end
  local r = math.random(100)
  if r <= 50 then
    return wrk.format("GET", u.base, headers)
  end
  if r <= 70 then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", u.base, headers, create_body)
  end
  local one = u.base .. "/" .. (u.first + math.random(tasks_per_user) - 1)
  if r <= 85 then
    return wrk.format("PATCH", one .. "/complete", headers)
  end
  if r <= 95 then
    headers["Content-Type"] = "application/json"
    return wrk.format("PUT", one, headers, update_body)
  end
  return wrk.format("GET", one, headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
