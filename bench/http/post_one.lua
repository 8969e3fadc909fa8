-- wrk script: POST one new status per request, each with a unique id.
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"id":"wrk-%d-%d","text":"posted by wrk"}', math.random(1, 1e9), counter)
  return wrk.format("POST", "/timelines/home/statuses.json",
                    {["Content-Type"] = "application/json"}, body)
end
