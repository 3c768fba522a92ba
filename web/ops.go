package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Operations: request ids and structured request logs, Prometheus metrics
// (written in the text exposition format by hand: a dozen lines instead of
// the client library and its dependencies), and readiness.

type loggerKey struct{}

// RequestLogger is the request's logger, carrying its request id.
func (s *Server) RequestLogger(r *http.Request) *slog.Logger {
	if l, ok := r.Context().Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return s.Logger
}

// requestID is the id a request is logged and answered with: the
// proxy's, when the server trusts its proxy and the id looks sane, or a
// fresh one.
func (s *Server) requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); s.TrustProxy && len(id) > 0 && len(id) <= 64 && strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == "" {
		return id
	}
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// observe gives each request an id and a logger, then logs and counts it
// by route (the router's pattern, so that ids in paths do not multiply the
// series).
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := s.requestID(r)
		w.Header().Set("X-Request-Id", id)
		log := s.Logger.With("request_id", id)
		r = r.WithContext(context.WithValue(r.Context(), loggerKey{}, log))
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		elapsed := time.Since(start)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(route, rec.status, elapsed)
		log.Info("http", "method", r.Method, "route", route, "status", rec.status, "ms", float64(elapsed.Microseconds())/1000)
	})
}

var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type routeStats struct {
	byStatus map[int]uint64
	buckets  []uint64 // cumulative counts per latencyBuckets
	sum      float64
	count    uint64
}

// metrics counts requests and their latencies by route.
type metrics struct {
	mu     sync.Mutex
	routes map[string]*routeStats
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.routes == nil {
		m.routes = map[string]*routeStats{}
	}
	st := m.routes[route]
	if st == nil {
		st = &routeStats{byStatus: map[int]uint64{}, buckets: make([]uint64, len(latencyBuckets))}
		m.routes[route] = st
	}
	st.byStatus[status]++
	sec := d.Seconds()
	for i, le := range latencyBuckets {
		if sec <= le {
			st.buckets[i]++
		}
	}
	st.sum += sec
	st.count++
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	var b strings.Builder
	m := &s.metrics
	m.mu.Lock()
	routes := make([]string, 0, len(m.routes))
	for route := range m.routes {
		routes = append(routes, route)
	}
	slices.Sort(routes)
	b.WriteString("# HELP carepath_http_requests_total HTTP requests by route and status.\n# TYPE carepath_http_requests_total counter\n")
	for _, route := range routes {
		st := m.routes[route]
		codes := make([]int, 0, len(st.byStatus))
		for c := range st.byStatus {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		for _, c := range codes {
			fmt.Fprintf(&b, "carepath_http_requests_total{route=%q,status=\"%d\"} %d\n", route, c, st.byStatus[c])
		}
	}
	b.WriteString("# HELP carepath_http_request_duration_seconds Time to answer HTTP requests, by route.\n# TYPE carepath_http_request_duration_seconds histogram\n")
	for _, route := range routes {
		st := m.routes[route]
		for i, le := range latencyBuckets {
			fmt.Fprintf(&b, "carepath_http_request_duration_seconds_bucket{route=%q,le=\"%s\"} %d\n", route, strconv.FormatFloat(le, 'g', -1, 64), st.buckets[i])
		}
		fmt.Fprintf(&b, "carepath_http_request_duration_seconds_bucket{route=%q,le=\"+Inf\"} %d\n", route, st.count)
		fmt.Fprintf(&b, "carepath_http_request_duration_seconds_sum{route=%q} %g\n", route, st.sum)
		fmt.Fprintf(&b, "carepath_http_request_duration_seconds_count{route=%q} %d\n", route, st.count)
	}
	m.mu.Unlock()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(&b, "# HELP carepath_go_goroutines Goroutines now.\n# TYPE carepath_go_goroutines gauge\ncarepath_go_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintf(&b, "# HELP carepath_go_heap_bytes Bytes of live and not yet collected heap.\n# TYPE carepath_go_heap_bytes gauge\ncarepath_go_heap_bytes %d\n", ms.HeapAlloc)
	// What the Go runtime holds from the OS, less what it gave back: set
	// beside the process's RSS, the rest is memory outside Go (SQLite's).
	fmt.Fprintf(&b, "# HELP carepath_go_runtime_bytes Memory the Go runtime holds from the OS.\n# TYPE carepath_go_runtime_bytes gauge\ncarepath_go_runtime_bytes %d\n", ms.Sys-ms.HeapReleased)
	if s.ChartCacheStats != nil {
		hits, misses := s.ChartCacheStats()
		b.WriteString("# HELP carepath_chart_cache_total Chart reads served from memory (hit) or the database (miss).\n# TYPE carepath_chart_cache_total counter\n")
		fmt.Fprintf(&b, "carepath_chart_cache_total{result=\"hit\"} %d\ncarepath_chart_cache_total{result=\"miss\"} %d\n", hits, misses)
	}
	w.Write([]byte(b.String()))
}

// handleReady answers 200 while the server takes work: the database
// answers and no shutdown has begun (so that a load balancer drains it).
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	status, code := "ready", http.StatusOK
	if s.closing.Load() {
		status, code = "shutting down", http.StatusServiceUnavailable
	} else if err := s.Health(r.Context()); err != nil {
		s.RequestLogger(r).Error("readiness", "err", err)
		status, code = "database unavailable", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	fmt.Fprintf(w, "{\"status\":%q}\n", status)
}
