-- wrk script: POST one new status per request, each with a unique id, to the timeline
-- that ROOST_TIMELINE names (default "home").
local counter = 0
local timeline = os.getenv("ROOST_TIMELINE") or "home"
request = function()
  counter = counter + 1
  local body = string.format('{"id":"wrk-%d-%d","text":"posted by wrk"}', math.random(1, 1e9), counter)
  return wrk.format("POST", "/timelines/" .. timeline .. "/statuses.json",
                    {["Content-Type"] = "application/json"}, body)
end
