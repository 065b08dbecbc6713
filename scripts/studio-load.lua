-- wrk script of scripts/studio-load.sh: alternates the page and the job list, and counts the
-- answers by status class (2xx, 3xx, 4xx, 5xx) over all threads.
local paths = { "/", "/api/jobs" }
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  c2, c3, c4, c5 = 0, 0, 0, 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  if status >= 500 then c5 = c5 + 1
  elseif status >= 400 then c4 = c4 + 1
  elseif status >= 300 then c3 = c3 + 1
  else c2 = c2 + 1 end
end

function done(summary, latency, requests)
  local t2, t3, t4, t5 = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    t2 = t2 + thread:get("c2"); t3 = t3 + thread:get("c3")
    t4 = t4 + thread:get("c4"); t5 = t5 + thread:get("c5")
  end
  io.write(string.format("statuses: 2xx %d, 3xx %d, 4xx %d, 5xx %d; socket errors: connect %d, read %d, write %d, timeout %d\n",
    t2, t3, t4, t5, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
