-- The widget's sign-up limit moved from D1 to the Workers Rate Limiting binding (SIGNUP_LIMITER):
-- its old counters are no longer read or cleaned up.
DELETE FROM rate_limits WHERE key LIKE 'signup:%';
