-- HTTP/1.1 pipelining: every write carries DEPTH requests (wrk -s pipeline.lua URL -- DEPTH).
init = function(args)
  local depth = tonumber(args[1]) or 16
  local r = {}
  for i = 1, depth do
    r[i] = wrk.format(nil, nil)
  end
  pipelined = table.concat(r)
end

request = function()
  return pipelined
end
