//go:build race

package fetch_test

// raceEnabled: the race runtime changes allocation counts.
const raceEnabled = true
