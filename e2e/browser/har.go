package browser

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// HARRecorder records a tab's network traffic from the DevTools protocol
// events, the same events DevTools' "Export HAR" uses: the headers that went
// on the wire (Origin and Cookie included), preflights as entries of their
// own ("_resourceType": "preflight"), redirects as one entry per hop, and
// the CORS failure of a request in "_error".
type HARRecorder struct {
	mu    sync.Mutex
	reqs  map[network.RequestID]*harRequest
	order []*harHop
}

type harRequest struct {
	hops                []*harHop
	reqExtra, respExtra int // how many ExtraInfo events have been matched to hops
	pendingReq, pendRsp []map[string]string
	pendingStatus       []int64
}

type harHop struct {
	started      time.Time
	resourceType string
	method, url  string
	headers      map[string]string // wire headers (ExtraInfo), or the renderer's view until then
	postData     string
	status       int64
	statusText   string
	respHeaders  map[string]string
	err          string
}

// RecordHAR starts recording the tab's network traffic.
func (t *Tab) RecordHAR() (*HARRecorder, error) {
	r := &HARRecorder{reqs: map[network.RequestID]*harRequest{}}
	err := chromedp.Listen(t.Ctx, func(ev any) {
		r.mu.Lock()
		defer r.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			q := r.req(ev.RequestID)
			if ev.RedirectResponse != nil && len(q.hops) > 0 {
				last := q.hops[len(q.hops)-1]
				last.status = ev.RedirectResponse.Status
				last.statusText = ev.RedirectResponse.StatusText
				if last.respHeaders == nil {
					last.respHeaders = headerMap(ev.RedirectResponse.Headers)
				}
			}
			h := &harHop{
				started: time.Unix(0, int64(float64(ev.WallTime)*1e9)), resourceType: strings.ToLower(string(ev.Type)),
				method: ev.Request.Method, url: ev.Request.URL + ev.Request.URLFragment, headers: headerMap(ev.Request.Headers),
			}
			for _, e := range ev.Request.PostDataEntries {
				h.postData += string(e.Bytes)
			}
			q.hops = append(q.hops, h)
			r.order = append(r.order, h)
			r.flush(q)
		case *network.EventRequestWillBeSentExtraInfo:
			q := r.req(ev.RequestID)
			q.pendingReq = append(q.pendingReq, headerMap(ev.Headers))
			r.flush(q)
		case *network.EventResponseReceivedExtraInfo:
			q := r.req(ev.RequestID)
			q.pendRsp = append(q.pendRsp, headerMap(ev.Headers))
			q.pendingStatus = append(q.pendingStatus, ev.StatusCode)
			r.flush(q)
		case *network.EventResponseReceived:
			q := r.req(ev.RequestID)
			if len(q.hops) > 0 {
				last := q.hops[len(q.hops)-1]
				last.status = ev.Response.Status
				last.statusText = ev.Response.StatusText
				if ev.Type == network.ResourceTypePreflight {
					last.resourceType = "preflight"
				}
				if last.respHeaders == nil {
					last.respHeaders = headerMap(ev.Response.Headers)
				}
			}
		case *network.EventLoadingFailed:
			q := r.req(ev.RequestID)
			if len(q.hops) > 0 {
				last := q.hops[len(q.hops)-1]
				last.err = ev.ErrorText
				if ev.CorsErrorStatus != nil {
					last.err += " (CORS: " + string(ev.CorsErrorStatus.CorsError) + ")"
				}
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("browser: recording HAR: %w", err)
	}
	return r, nil
}

func (r *HARRecorder) req(id network.RequestID) *harRequest {
	q := r.reqs[id]
	if q == nil {
		q = &harRequest{}
		r.reqs[id] = q
	}
	return q
}

// flush matches ExtraInfo events, which may come before or after the event
// that opens their hop, to hops in order.
func (r *HARRecorder) flush(q *harRequest) {
	for len(q.pendingReq) > 0 && q.reqExtra < len(q.hops) {
		q.hops[q.reqExtra].headers = q.pendingReq[0]
		q.pendingReq = q.pendingReq[1:]
		q.reqExtra++
	}
	for len(q.pendRsp) > 0 && q.respExtra < len(q.hops) {
		h := q.hops[q.respExtra]
		h.respHeaders = q.pendRsp[0]
		if h.status == 0 {
			h.status = q.pendingStatus[0]
		}
		q.pendRsp, q.pendingStatus = q.pendRsp[1:], q.pendingStatus[1:]
		q.respExtra++
	}
}

func headerMap(h network.Headers) map[string]string {
	m := make(map[string]string, len(h))
	for k, v := range h {
		switch v := v.(type) {
		case string:
			m[k] = v
		default:
			m[k] = fmt.Sprint(v)
		}
	}
	return m
}

// HAR returns what was recorded as a HAR 1.2 document.
func (r *HARRecorder) HAR(browserVersion string) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	type nv struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	pairs := func(m map[string]string) []nv {
		out := make([]nv, 0, len(m))
		for k, v := range m {
			// DevTools joins repeated lines with "\n"; HAR wants a line each.
			for _, line := range strings.Split(v, "\n") {
				out = append(out, nv{k, line})
			}
		}
		slices.SortStableFunc(out, func(a, b nv) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
		return out
	}
	var entries []map[string]any
	for _, h := range r.order {
		req := map[string]any{"method": h.method, "url": h.url, "httpVersion": "HTTP/1.1",
			"headers": pairs(h.headers), "queryString": []nv{}, "cookies": []nv{}, "headersSize": -1, "bodySize": len(h.postData)}
		if h.postData != "" {
			req["postData"] = map[string]any{"mimeType": h.headers["Content-Type"], "text": h.postData}
		}
		resp := map[string]any{"status": h.status, "statusText": h.statusText, "httpVersion": "HTTP/1.1",
			"headers": pairs(h.respHeaders), "cookies": []nv{}, "content": map[string]any{"size": 0, "mimeType": ""},
			"redirectURL": h.respHeaders["Location"], "headersSize": -1, "bodySize": -1}
		if h.err != "" {
			resp["_error"] = h.err
		}
		entries = append(entries, map[string]any{
			"startedDateTime": h.started.UTC().Format(time.RFC3339Nano), "time": 0,
			"_resourceType": h.resourceType, "request": req, "response": resp,
			"cache": map[string]any{}, "timings": map[string]any{"send": 0, "wait": 0, "receive": 0},
		})
	}
	doc := map[string]any{"log": map[string]any{
		"version": "1.2",
		"creator": map[string]any{"name": "corskit e2e (Chromium DevTools protocol)", "version": browserVersion},
		"pages":   []any{},
		"entries": entries,
	}}
	return json.MarshalIndent(doc, "", "  ")
}
