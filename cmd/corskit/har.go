package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

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
	if asJSON {
		// The reports are streamed into the "requests" array as they come.
		fmt.Fprint(stdout, "{\n  \"requests\": [")
	}
	skipped, err := har.ReplayEngines(ctx, log, engines, func(r har.Replayed) error {
		diags := make([]explain.Diagnosis, len(r.Results))
		isBlocked := false
		for i, res := range r.Results {
			diags[i] = explain.Explain(res)
			isBlocked = isBlocked || !res.Allowed()
		}
		d := diags[0]
		if isBlocked {
			blocked++
		}
		calls++
		if asJSON {
			if calls > 1 {
				fmt.Fprint(stdout, ",")
			}
			rep := explain.NewReport(r.Result, d, prof.Name)
			if len(engines) > 1 {
				rep.Browsers = make(map[string]explain.Report, len(engines))
				for i, p := range engines {
					rep.Browsers[p.Name] = explain.NewReport(r.Results[i], diags[i], p.Name)
				}
			}
			data, err := jsonIndented(harReport{Entry: r.Entry, Report: rep}, "    ")
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(stdout, "\n    %s", data)
			return err
		}
		if calls > 1 {
			fmt.Fprintln(stdout, "\n"+s.dim("----"))
		}
		fmt.Fprintf(stdout, "HAR entry %d\n", r.Entry)
		if len(engines) > 1 {
			printEngines(stdout, engines, r.Results, diags, color)
			return nil
		}
		printCheck(stdout, r.Result, d, prof, color)
		return nil
	})
	if err != nil {
		return err
	}
	if asJSON {
		if calls > 0 {
			fmt.Fprint(stdout, "\n  ")
		}
		skips := make([]harSkip, len(skipped))
		for i, sk := range skipped {
			skips[i] = harSkip{sk.Entry, sk.Reason}
		}
		data, err := jsonIndented(skips, "  ")
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(stdout, "],\n  \"blocked\": %d,\n  \"skipped\": %s\n}\n", blocked, data); err != nil {
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

type harReport struct {
	Entry int `json:"har_entry"`
	explain.Report
}

type harSkip struct {
	Entry  int    `json:"har_entry"`
	Reason string `json:"reason"`
}

// jsonIndented is v as writeJSON writes it (two-space indent, HTML not
// escaped), each line after the first prefixed, without the final newline.
func jsonIndented(v any, prefix string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
