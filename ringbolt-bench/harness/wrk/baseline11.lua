-- /baseline11 mixed: alternately GET ?a=&b= (answer a+b) and POST ?a=&b= with an integer body
-- (answer a+b+body).
init = function(args)
  get = wrk.format("GET", "/baseline11?a=13&b=42")
  post = wrk.format("POST", "/baseline11?a=13&b=42", { ["Content-Type"] = "text/plain" }, "7")
  n = 0
end

request = function()
  n = n + 1
  if n % 2 == 0 then
    return post
  end
  return get
end
