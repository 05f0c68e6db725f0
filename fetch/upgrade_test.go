package fetch_test

import (
	"testing"

	"github.com/corskit/corskit/internal/corscase"
)

// TestUpgradeMatchEngines runs the upgradable mixed-content cases in each
// engine's profile, without a browser, and compares them with each
// engine's recording (conformance TestUpgrade* checks the same live).
func TestUpgradeMatchEngines(t *testing.T) {
	matchRecorded(t, "upgrade", corscase.UpgradeCases())
}
