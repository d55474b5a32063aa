-- wrk script: counts 5xx answers across threads and prints "5xx=N" when done. WRK_METHOD, WRK_BODY and
-- WRK_TYPE (environment) make it send a POST form instead of a GET.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  fivexx = 0
  local method = os.getenv("WRK_METHOD")
  if method then
    wrk.method = method
    wrk.body = os.getenv("WRK_BODY") or ""
    wrk.headers["Content-Type"] = os.getenv("WRK_TYPE") or "application/x-www-form-urlencoded"
  end
end

function response(status, headers, body)
  if status >= 500 then
    fivexx = fivexx + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + t:get("fivexx")
  end
  io.write(string.format("5xx=%d requests=%d\n", total, summary.requests))
end
