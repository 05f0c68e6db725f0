//go:build js && wasm

// Command wasm is corskit's browser model built for WebAssembly
// (GOOS=js GOARCH=wasm): the same fetch model, explanations, stack
// advice and DevTools readers as `corskit check`, behind one JavaScript
// function. dist/web/corskit.js loads it and defines globalThis.corskit
// (web/corskit-api.js); the page, the DevTools panel and `corskit serve`
// call that.
//
// The model only judges the exchanges it is given: nothing here sends a
// request (checkjson replays the answers), so in a page no Origin can be
// forged and nothing leaves the browser.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"syscall/js"

	"github.com/corskit/corskit/cmd/corskit/internal/checkjson"
	"github.com/corskit/corskit/stacks"
)

func main() {
	js.Global().Set("__corskitDiagnose", js.FuncOf(diagnose))
	js.Global().Set("__corskitStacks", stackList())
	if started := js.Global().Get("__corskitStarted"); started.Type() == js.TypeFunction {
		started.Invoke()
	}
	select {} // serve calls until the page goes away
}

// diagnose(input string, options string, compact boolean) returns a
// Promise of the JSON text `check --json` prints for input (compact: the
// same value without indentation), or rejects with an Error whose "field"
// names what is wrong.
func diagnose(_ js.Value, args []js.Value) any {
	if len(args) < 3 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeString || args[2].Type() != js.TypeBoolean {
		return jsError("arguments", "want (input string, options JSON string, compact boolean)")
	}
	input, optsText, compact := args[0].String(), args[1].String(), args[2].Bool()
	var run js.Func
	run = js.FuncOf(func(_ js.Value, p []js.Value) any {
		resolve, reject := p[0], p[1]
		// In a goroutine: the model must not hold the JavaScript event
		// loop's callback while it works.
		go func() {
			defer run.Release()
			var opts checkjson.Options
			if err := json.Unmarshal([]byte(optsText), &opts); err != nil {
				reject.Invoke(jsError("options", err.Error()))
				return
			}
			opts.Compact = compact
			out, err := checkjson.Diagnose(context.Background(), []byte(input), opts)
			if err != nil {
				field := "input"
				var ie *checkjson.InputError
				if errors.As(err, &ie) {
					field = ie.Field
				}
				reject.Invoke(jsError(field, err.Error()))
				return
			}
			resolve.Invoke(string(out))
		}()
		return nil
	})
	return js.Global().Get("Promise").New(run)
}

// stackList is the JSON of the stacks fixes can be written for, as
// [{"name", "title"}], for the page's stack picker.
func stackList() string {
	type entry struct {
		Name  string `json:"name"`
		Title string `json:"title"`
	}
	var out []entry
	for _, n := range stacks.Names() {
		if s, err := stacks.Lookup(n); err == nil {
			out = append(out, entry{n, s.Title})
		}
	}
	data, _ := json.Marshal(out)
	return string(data)
}

func jsError(field, msg string) js.Value {
	e := js.Global().Get("Error").New(msg)
	e.Set("field", field)
	return e
}
