package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/internal/har"
)

// checkHAR diagnoses every cross-origin call recorded in a HAR file by
// replaying the recorded responses through the browser model.
func checkHAR(ctx context.Context, path string, prof fetch.Profile, asJSON, color bool, stdout io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return usageError{fmt.Sprintf("--har: %v", err)}
	}
	defer f.Close()
	log, err := har.Parse(f)
	if err != nil {
		return usageError{fmt.Sprintf("--har %s: %v", path, err)}
	}
	results, err := har.Replay(ctx, log, prof)
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
		if err := writeJSON(stdout, map[string]any{"requests": reports, "blocked": blocked}); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "\n%d cross-origin requests in %s, %d blocked.\n", len(results), path, blocked)
	}
	if blocked > 0 {
		return exitError{code: 1}
	}
	return nil
}

type harReport struct {
	Entry int `json:"har_entry"`
	explain.Report
}
