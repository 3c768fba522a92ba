package store

import (
	"container/list"
	"sync"
	"sync/atomic"

	"carepath"
)

// DefaultChartCache is how many charts a DB keeps in memory unless told
// otherwise (DB.SetChartCache).
const DefaultChartCache = 4096

// chartCache keeps the imported sections of recently read charts (problems,
// medications, encounters, vitals and labs, care plans...), least recently
// used out first. An entry is used only while the patient's record version
// (carepath.Patient.RecordVersion, read fresh in every chart's transaction)
// is the one it was read at: every import that writes a record of the
// patient changes that version, whichever process imports. The patient's
// identifiers are kept with the sections (only imports write them); the
// patient's own row and care team are always read fresh, and every view is
// audited, cached or not.
//
// Only imports write these sections today. A later change that writes them
// another way must change the record version in the same transaction.
type chartCache struct {
	mu      sync.Mutex
	max     int
	order   *list.List // of *chartEntry, most recent first
	entries map[chartKey]*list.Element

	hits, misses atomic.Int64
}

type chartKey struct{ org, patient string }

type chartEntry struct {
	key         chartKey
	version     int64
	chart       *carepath.Chart // sections only; never modified once cached
	identifiers []carepath.Identifier
}

func newChartCache(max int) *chartCache {
	return &chartCache{max: max, order: list.New(), entries: map[chartKey]*list.Element{}}
}

// get returns the cached sections of the patient's chart at version and
// the patient's identifiers, or nil.
func (c *chartCache) get(org, patient string, version int64) *chartEntry {
	if c == nil || c.max <= 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[chartKey{org, patient}]
	if !ok || el.Value.(*chartEntry).version != version {
		c.misses.Add(1)
		return nil
	}
	c.hits.Add(1)
	c.order.MoveToFront(el)
	return el.Value.(*chartEntry)
}

// put keeps a chart's sections and the patient's identifiers as read at
// version.
func (c *chartCache) put(org, patient string, version int64, chart *carepath.Chart, identifiers []carepath.Identifier) {
	if c == nil || c.max <= 0 {
		return
	}
	k := chartKey{org, patient}
	e := &chartEntry{k, version, chart, identifiers}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[k]; ok {
		el.Value = e
		c.order.MoveToFront(el)
		return
	}
	c.entries[k] = c.order.PushFront(e)
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.entries, last.Value.(*chartEntry).key)
	}
}

// SetChartCache sets how many charts the DB keeps in memory (0: none). It is
// meant to be called once, before the DB serves requests.
func (db *DB) SetChartCache(charts int) { db.charts = newChartCache(charts) }

// ChartCacheStats returns the chart cache's hits and misses so far.
func (db *DB) ChartCacheStats() (hits, misses int64) {
	if db.charts == nil {
		return 0, 0
	}
	return db.charts.hits.Load(), db.charts.misses.Load()
}
