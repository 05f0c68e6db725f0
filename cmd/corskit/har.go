package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/corskit/corskit/cmd/corskit/internal/checkjson"
	"github.com/corskit/corskit/cmd/corskit/internal/har"
	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
)

// checkHAR diagnoses every cross-origin call recorded in a HAR file by
// replaying the recorded responses through the browser model. An entry
// that cannot be read or replayed is reported as skipped, with its index
// and the reason, and the rest is diagnosed; the exit status is 2 (usage)
// only when entries were skipped and no call could be diagnosed.
func checkHAR(ctx context.Context, path string, engines []fetch.Profile, asJSON, color bool, stdout io.Writer) error {
	prof := engines[0]
	log, err := har.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is named below
		}
		// har's errors start "har: ", which the flag says already.
		return usageError{fmt.Sprintf("--har %s: %s", path, strings.TrimPrefix(err.Error(), "har: "))}
	}
	// Each result is printed (or turned into its report) and dropped at
	// once, so memory stays that of the parsed log.
	calls, blocked := 0, 0
	s := style{color}
	var hw *checkjson.HARWriter
	if asJSON {
		// The reports are streamed into the "requests" array as they come.
		hw = checkjson.NewHARWriter(stdout)
	}
	skipped, err := har.ReplayEngines(ctx, log, engines, func(r har.Replayed) error {
		if slices.ContainsFunc(r.Results, func(res *fetch.Result) bool { return !res.Allowed() }) {
			blocked++
		}
		calls++
		if asJSON {
			// The report explains each engine's result itself.
			return hw.Add(checkjson.NewHARReport(r, engines))
		}
		diags := make([]explain.Diagnosis, len(r.Results))
		for i, res := range r.Results {
			diags[i] = explain.Explain(res)
		}
		d := diags[0]
		if calls > 1 {
			fmt.Fprintln(stdout, "\n"+s.dim("----"))
		}
		fmt.Fprintf(stdout, "HAR entry %d\n", r.Entry)
		if len(engines) > 1 {
			printEngines(stdout, engines, r.Results, diags, color)
		} else {
			printCheck(stdout, r.Result, d, prof, color)
		}
		printCookies(stdout, checkjson.HARCookies(r, engines, nil), s)
		return nil
	})
	if err != nil {
		return err
	}
	if asJSON {
		if err := hw.Close(skipped); err != nil {
			return err
		}
	} else {
		if len(skipped) > 0 {
			fmt.Fprintln(stdout)
		}
		for _, sk := range skipped {
			fmt.Fprintf(stdout, "HAR entry %d skipped: %s\n", sk.Entry, sk.Reason)
		}
		fmt.Fprintf(stdout, "\n%d cross-origin requests in %s, %d blocked, %d entries skipped.\n", calls, path, blocked, len(skipped))
	}
	switch {
	case calls == 0 && len(skipped) > 0:
		return usageError{fmt.Sprintf("--har %s: no entry could be diagnosed (%d skipped)", path, len(skipped))}
	case blocked > 0:
		return exitError{code: 1}
	}
	return nil
}
