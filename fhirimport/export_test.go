package fhirimport

// The importer's batch bounds, for the benchmarks that imitate its batches.
const (
	DefaultBatchResources = defaultBatchResources
	MaxBatchBytes         = maxBatchBytes
)
