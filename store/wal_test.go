package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWALStaysBounded: under continuous writing SQLite never restarts the
// WAL by itself (it grew to 7 GB during a 100,000-patient import). The
// checkpointer must flag a long WAL and the writer truncate it before its
// next transaction.
func TestWALStaysBounded(t *testing.T) {
	defer func(n int) { maxWALFrames = n }(maxWALFrames)
	maxWALFrames = 50
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wal.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 3000)
	write := func(n int) {
		err := db.RunInTx(ctx, func(tx *Tx) error {
			for i := 0; i < n; i++ {
				if _, err := tx.Exec(ctx, "INSERT INTO organization (id, name, created_at) VALUES (?, ?, ?)",
					big+time.Now().String()+string(rune('a'+i%26))+strings.Repeat("y", i), big+time.Now().String()+strings.Repeat("z", i), "x"); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	write(200) // hundreds of pages: far past 50 frames
	deadline := time.Now().Add(5 * time.Second)
	for !db.walTooLong.Load() {
		if time.Now().After(deadline) {
			t.Fatal("the checkpointer never flagged a WAL of hundreds of frames")
		}
		db.committed()
		time.Sleep(20 * time.Millisecond)
	}
	before := walSize(t, path)
	write(1) // the writer truncates first, then writes one small transaction
	after := walSize(t, path)
	if before < 200*1024 || after > 64*1024 {
		t.Fatalf("WAL was %d bytes before and %d after the truncating transaction", before, after)
	}
	// (The flag may be set again meanwhile by a check the checkpointer ran
	// on the old WAL; that costs one more, harmless, truncation.)
}

func walSize(t *testing.T, path string) int64 {
	st, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}
