package checkjson

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/corskit/corskit/explain"
)

// reportEncoder writes a HARReport as encoding/json writes it (compact,
// HTML not escaped), byte for byte, with less work. A call diagnosed in
// three engines holds the same fixes eight times (each report's "fixes"
// and "diagnosis"."fixes", at the top level and under "browsers"), the
// same trace and diagnosis twice (the top level is Chromium's report):
// each distinct value is encoded once per call. Encoding was most of the
// cost of a diagnosed HAR in WebAssembly (BenchmarkDiagnoseHAR2000).
//
// The objects whose fields carry those values (HARReport, explain.Report,
// explain.Diagnosis) are written here field by field, in the order and
// with the omitempty rules of their tags; every value inside them is
// written by encoding/json. TestReportEncoderSameAsJSON holds the bytes
// equal on every conformance case and on reports with every field set at
// random, so a field added to these types and not here fails it.
type reportEncoder struct {
	scratch bytes.Buffer
	enc     *json.Encoder
	// seen are the values encoded for the current call, with their JSON.
	seen []seenValue
}

type seenValue struct {
	key  string // the member's key: values under other keys are not compared
	v    any
	json []byte
}

func newReportEncoder() *reportEncoder {
	e := &reportEncoder{}
	e.enc = newEncoder(&e.scratch, "", true)
	return e
}

// appendHARReport appends r's compact JSON to dst.
func (e *reportEncoder) appendHARReport(dst []byte, r *HARReport) ([]byte, error) {
	e.seen = e.seen[:0]
	dst = append(dst, `{"har_entry":`...)
	dst = strconv.AppendInt(dst, int64(r.Entry), 10)
	dst = append(dst, ',')
	dst, err := e.appendReportFields(dst, &r.Report)
	if err != nil {
		return nil, err
	}
	if r.Cookies != nil {
		dst = append(dst, `,"cookies":`...)
		if dst, err = e.value(dst, r.Cookies); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

// appendReport appends the object of one report.
func (e *reportEncoder) appendReport(dst []byte, r *explain.Report) ([]byte, error) {
	dst, err := e.appendReportFields(append(dst, '{'), r)
	return append(dst, '}'), err
}

// field is one member of an object: its key (with the comma before it
// when it is not the first) and its value, skipped when omit. A string,
// number or boolean is written here (str, num, boolean: no interface to
// allocate, no reflection); anything else by encoding/json, from v, a
// pointer to it (boxing a pointer allocates nothing, and reflect.DeepEqual
// stops at two equal pointers).
type field struct {
	key     string
	kind    byte // 's' str, 'n' num, 'b' boolean, 0 v
	str     string
	num     int
	boolean bool
	v       any
	omit    bool
	// shared: the value recurs within a call (fixes, trace, diagnosis):
	// encoded once, its JSON reused.
	shared bool
}

// appendReportFields appends explain.Report's members, in its order.
func (e *reportEncoder) appendReportFields(dst []byte, r *explain.Report) ([]byte, error) {
	dst, err := e.fields(dst, []field{
		{key: `"verdict":`, kind: 's', str: r.Verdict},
		{key: `,"message":`, kind: 's', str: r.Message},
		{key: `,"reason":`, kind: 's', str: r.Reason, omit: r.Reason == ""},
		{key: `,"status":`, kind: 'n', num: r.Status},
		{key: `,"readable_headers":`, v: &r.ReadableHeaders},
		{key: `,"preflight_sent":`, kind: 'b', boolean: r.PreflightSent},
		{key: `,"fixes":`, v: &r.Fixes, shared: true},
		{key: `,"warnings":`, v: &r.Warnings},
		{key: `,"trace":`, v: &r.Trace, shared: true},
	})
	if err != nil {
		return nil, err
	}
	dst = append(dst, `,"diagnosis":`...)
	if dst, err = e.appendDiagnosis(dst, &r.Diagnosis); err != nil {
		return nil, err
	}
	dst, err = e.fields(dst, []field{
		{key: `,"net_error":`, kind: 's', str: r.NetError, omit: r.NetError == ""},
		{key: `,"stack":`, v: r.Stack, omit: r.Stack == nil},
		{key: `,"request":`, v: &r.Request},
		{key: `,"console":`, v: &r.Console},
		{key: `,"type_error":`, kind: 's', str: r.TypeError, omit: r.TypeError == ""},
	})
	if err != nil {
		return nil, err
	}
	if len(r.Browsers) > 0 {
		dst = append(dst, `,"browsers":{`...)
		for i, name := range slices.Sorted(maps.Keys(r.Browsers)) {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, name)
			b := r.Browsers[name]
			if dst, err = e.appendReport(append(dst, ':'), &b); err != nil {
				return nil, err
			}
		}
		dst = append(dst, '}')
	}
	return e.fields(dst, []field{{key: `,"gate":`, v: r.Gate, omit: r.Gate == nil}})
}

// appendDiagnosis appends explain.Diagnosis's object, in its order.
func (e *reportEncoder) appendDiagnosis(dst []byte, d *explain.Diagnosis) ([]byte, error) {
	if j := e.lookup("diagnosis", d); j != nil {
		return append(dst, j...), nil
	}
	start := len(dst)
	dst, err := e.fields(append(dst, '{'), []field{
		{key: `"verdict":`, kind: 's', str: d.Verdict},
		{key: `,"message":`, kind: 's', str: d.Message},
		{key: `,"net_error":`, kind: 's', str: d.NetError, omit: d.NetError == ""},
		{key: `,"reason":`, kind: 's', str: d.Reason, omit: d.Reason == ""},
		{key: `,"stopped_at":`, kind: 's', str: d.StoppedAt, omit: d.StoppedAt == ""},
		{key: `,"cross_origin":`, kind: 'b', boolean: d.CrossOrigin},
		{key: `,"preflight_needed":`, kind: 'b', boolean: d.Preflight},
		{key: `,"preflight_why":`, v: &d.PreflightWhy, omit: len(d.PreflightWhy) == 0},
		{key: `,"steps":`, v: &d.Steps},
		{key: `,"fixes":`, v: &d.Fixes, shared: true},
		{key: `,"warnings":`, v: &d.Warnings},
		{key: `,"gate":`, v: d.Gate, omit: d.Gate == nil},
	})
	if err != nil {
		return nil, err
	}
	dst = append(dst, '}')
	e.remember("diagnosis", d, dst[start:])
	return dst, nil
}

// fields appends each member that is not omitted.
func (e *reportEncoder) fields(dst []byte, fs []field) ([]byte, error) {
	var err error
	for _, f := range fs {
		if f.omit {
			continue
		}
		dst = append(dst, f.key...)
		switch f.kind {
		case 's':
			dst = appendString(dst, f.str)
			continue
		case 'n':
			dst = strconv.AppendInt(dst, int64(f.num), 10)
			continue
		case 'b':
			dst = strconv.AppendBool(dst, f.boolean)
			continue
		}
		if f.shared {
			if j := e.lookup(f.key, f.v); j != nil {
				dst = append(dst, j...)
				continue
			}
		}
		start := len(dst)
		if dst, err = e.value(dst, f.v); err != nil {
			return nil, err
		}
		if f.shared {
			e.remember(f.key, f.v, dst[start:])
		}
	}
	return dst, nil
}

// value appends v as encoding/json writes it.
func (e *reportEncoder) value(dst []byte, v any) ([]byte, error) {
	e.scratch.Reset()
	if err := e.enc.Encode(v); err != nil {
		return nil, err
	}
	return append(dst, bytes.TrimSuffix(e.scratch.Bytes(), []byte("\n"))...), nil
}

// lookup is the JSON of a value equal to v encoded earlier in the call,
// or nil. Equal values share most of their strings, so comparing them
// costs far less than encoding.
func (e *reportEncoder) lookup(key string, v any) []byte {
	for _, s := range e.seen {
		if s.key == key && reflect.DeepEqual(s.v, v) {
			return s.json
		}
	}
	return nil
}

// remember keeps v's JSON for the rest of the call: j is part of the
// report being written, which is only appended to until the call ends
// (appendHARReport forgets what it saw before it starts the next).
func (e *reportEncoder) remember(key string, v any, j []byte) {
	e.seen = append(e.seen, seenValue{key, v, j[:len(j):len(j)]})
}

// appendString appends s as a JSON string the way encoding/json writes it
// with HTML escaping off (its appendString): '"', '\\' and the control
// bytes escaped (\b \f \n \r \t by name, the others as \u00XX), invalid
// UTF-8 as \ufffd, U+2028 and U+2029 as \u2028 and \u2029, everything
// else as it is. FuzzAppendString holds it to encoding/json's.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
