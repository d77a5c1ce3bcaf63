-- Connection churn: every 10th request of a wrk thread says "Connection: close"; the server
-- closes after answering it and wrk reconnects, so on average a connection serves 10 requests.
init = function(args)
  keep = wrk.format(nil, nil)
  close = wrk.format(nil, nil, { ["Connection"] = "close" })
  n = 0
end

request = function()
  n = n + 1
  if n % 10 == 0 then
    return close
  end
  return keep
end
