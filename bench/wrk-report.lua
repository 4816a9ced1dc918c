-- wrk script used by bench/run.sh.
-- WRK_METHOD / WRK_BODY (environment) turn the request into a form POST (zipstream-ng wants POST files=<folder>).
-- At the end it prints one machine-readable line: bytes read, duration, requests and errors.
local method = os.getenv("WRK_METHOD")
if method ~= nil and method ~= "" then
    wrk.method = method
    wrk.body = os.getenv("WRK_BODY") or ""
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("BENCH bytes=%d duration_us=%d requests=%d errors=%d status_errors=%d timeouts=%d\n",
        summary.bytes, summary.duration, summary.requests,
        e.connect + e.read + e.write + e.timeout, e.status, e.timeout))
end
