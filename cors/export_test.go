package cors

import "time"

// SetLogClock sets the clock of m's log limiter, for tests of the limit.
func SetLogClock(m *Middleware, now func() time.Time) { m.logLimit.now = now }
