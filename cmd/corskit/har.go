package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/har"
)

// checkHAR diagnoses every cross-origin call recorded in a HAR file by
// replaying the recorded responses through the browser model. An entry
// that cannot be read or replayed is reported as skipped, with its index
// and the reason, and the rest is diagnosed; the exit status is 2 (usage)
// only when entries were skipped and no call could be diagnosed.
func checkHAR(ctx context.Context, path string, prof fetch.Profile, asJSON, color bool, stdout io.Writer) error {
	log, err := har.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is named below
		}
		return usageError{fmt.Sprintf("--har %s: %v", path, err)}
	}
	results, skipped, err := har.Replay(ctx, log, prof)
	if err != nil {
		return err
	}
	blocked := 0
	var reports []harReport
	s := style{color}
	for i, r := range results {
		d := explain.Explain(r.Result)
		if !r.Result.Allowed() {
			blocked++
		}
		if asJSON {
			reports = append(reports, harReport{Entry: r.Entry, Report: explain.NewReport(r.Result, d, prof.Name)})
			continue
		}
		if i > 0 {
			fmt.Fprintln(stdout, "\n"+s.dim("----"))
		}
		fmt.Fprintf(stdout, "HAR entry %d\n", r.Entry)
		printCheck(stdout, r.Result, d, prof.Name, color)
	}
	if asJSON {
		if reports == nil {
			reports = []harReport{}
		}
		skips := make([]harSkip, len(skipped))
		for i, sk := range skipped {
			skips[i] = harSkip{sk.Entry, sk.Reason}
		}
		if err := writeJSON(stdout, map[string]any{"requests": reports, "blocked": blocked, "skipped": skips}); err != nil {
			return err
		}
	} else {
		if len(skipped) > 0 {
			fmt.Fprintln(stdout)
		}
		for _, sk := range skipped {
			fmt.Fprintf(stdout, "HAR entry %d skipped: %s\n", sk.Entry, sk.Reason)
		}
		fmt.Fprintf(stdout, "\n%d cross-origin requests in %s, %d blocked, %d entries skipped.\n", len(results), path, blocked, len(skipped))
	}
	switch {
	case len(results) == 0 && len(skipped) > 0:
		return usageError{fmt.Sprintf("--har %s: no entry could be diagnosed (%d skipped)", path, len(skipped))}
	case blocked > 0:
		return exitError{code: 1}
	}
	return nil
}

type harReport struct {
	Entry int `json:"har_entry"`
	explain.Report
}

type harSkip struct {
	Entry  int    `json:"har_entry"`
	Reason string `json:"reason"`
}
