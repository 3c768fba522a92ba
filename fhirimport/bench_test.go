package fhirimport_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"carepath"
	"carepath/fhir"
	"carepath/fhirimport"
	"carepath/internal/decodefloor"
	"carepath/internal/testdb"
	"carepath/store"
)

// sharedDir is the development checkout's shared data, beside the
// repository. Only benchmarks read it (it is too large for testdata/), and
// they skip without it.
const sharedDir = "../../shared/data/fhir"

// synthea300 unpacks ../shared/data/fhir/synthea-300.tar.gz (300 patients,
// 87,737 resources) once into the system temp folder and returns the
// folder of its JSON files; it skips the benchmark when the file is absent.
func synthea300(b *testing.B) string {
	b.Helper()
	archive := filepath.Join(sharedDir, "synthea-300.tar.gz")
	if _, err := os.Stat(archive); err != nil {
		b.Skipf("no %s: this benchmark reads the shared data beside a development checkout", archive)
	}
	dir := filepath.Join(os.TempDir(), "carepath-bench-synthea-300")
	files, _ := filepath.Glob(filepath.Join(dir, "synthea-300", "*.json"))
	if len(files) != 300 {
		os.RemoveAll(dir)
		os.MkdirAll(dir, 0o755)
		if out, err := exec.Command("tar", "-xzf", archive, "-C", dir).CombinedOutput(); err != nil {
			b.Fatalf("unpack: %v %s", err, out)
		}
	}
	return filepath.Join(dir, "synthea-300")
}

const synthea300Resources = 87737

// BenchmarkDecodeFloor is what any importer of these files must at least
// spend: reading them and decoding them with encoding/json into generic
// values, on every core (package decodefloor).
func BenchmarkDecodeFloor(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(synthea300(b), "*.json"))
	b.ResetTimer()
	for range b.N {
		entries, err := decodefloor.Decode(files)
		if err != nil {
			b.Fatal(err)
		}
		if entries != synthea300Resources {
			b.Fatalf("decoded %d resources", entries)
		}
	}
	b.ReportMetric(float64(synthea300Resources*b.N)/b.Elapsed().Seconds(), "resources/s")
}

// BenchmarkImport imports the unpacked synthea-300 folder into a fresh
// database per iteration, on every engine, including the final close
// (which on SQLite checkpoints the WAL into the database file).
func BenchmarkImport(b *testing.B) {
	dir := synthea300(b)
	benchImport(b, []string{dir})
}

// BenchmarkImportArchive imports straight from synthea-300.tar.gz.
func BenchmarkImportArchive(b *testing.B) {
	synthea300(b)
	benchImport(b, []string{filepath.Join(sharedDir, "synthea-300.tar.gz")})
}

func benchImport(b *testing.B, paths []string) {
	benchFreshDB(b, func(ctx context.Context, db *store.DB, org string) {
		rep, err := fhirimport.Import(ctx, db, org, paths, fhirimport.Options{})
		if err != nil || len(rep.Failures) > 0 || rep.Resources != synthea300Resources {
			b.Fatalf("import: %+v %v", rep, err)
		}
	})
}

// benchFreshDB times write, on every engine, into a fresh database per
// iteration, including closing it (which on SQLite checkpoints the WAL),
// and reports synthea-300's resources per second.
func benchFreshDB(b *testing.B, write func(ctx context.Context, db *store.DB, org string)) {
	for _, e := range testdb.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := importer()
			for range b.N {
				b.StopTimer()
				db := e.Open(b)
				org := newOrgB(b, db)
				b.StartTimer()
				write(ctx, db, org)
				if err := db.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(synthea300Resources*b.N)/b.Elapsed().Seconds(), "resources/s")
		})
	}
}

// BenchmarkWriteOnly is the writer on its own: the synthea-300 bundles are
// parsed before the timer starts, then written in the importer's batches
// into a fresh database, and the database closed. It is the least an import
// can take on this engine, however fast the parsing.
func BenchmarkWriteOnly(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(synthea300(b), "*.json"))
	var batches [][]*carepath.ImportUnit
	var batch []*carepath.ImportUnit
	resources, bytes := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		u, err := fhir.Parse(data, f)
		if err != nil {
			b.Fatal(err)
		}
		batch = append(batch, u)
		resources += len(u.Resources)
		for _, r := range u.Resources {
			bytes += len(r.JSON)
		}
		if resources >= fhirimport.DefaultBatchResources || bytes >= fhirimport.MaxBatchBytes {
			batches = append(batches, batch)
			batch, resources, bytes = nil, 0, 0
		}
	}
	batches = append(batches, batch)
	benchFreshDB(b, func(ctx context.Context, db *store.DB, org string) {
		for _, batch := range batches {
			results, err := db.ImportUnits(ctx, org, batch)
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range results {
				if r.Err != nil {
					b.Fatal(r.Err)
				}
			}
		}
	})
}
