package password

import (
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestHashAndVerify(t *testing.T) {
	h, err := Hash("correct horse battery staple", Default)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string with the default parameters", h)
	}
	h2, _ := Hash("correct horse battery staple", Default)
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{
		{"correct horse battery staple", true},
		{"correct horse battery stapl", false},
		{"Correct horse battery staple", false},
		{"", false},
	} {
		ok, rehash, err := Verify(tc.pw, h)
		if err != nil || ok != tc.want || rehash {
			t.Errorf("Verify(%q) = %v, %v, %v; want %v, false, nil", tc.pw, ok, rehash, err, tc.want)
		}
	}
}

// TestVerifyKnownHash: hashes made with other parameters, or elsewhere in
// the PHC format, verify.
func TestVerifyKnownHash(t *testing.T) {
	// A hash made elsewhere with other parameters still verifies, and asks
	// to be rehashed.
	weak := Params{Memory: 64, Time: 1, Threads: 1}
	h, err := Hash("s3cret-passphrase", weak)
	if err != nil {
		t.Fatal(err)
	}
	ok, rehash, err := Verify("s3cret-passphrase", h)
	if err != nil || !ok || !rehash {
		t.Fatalf("Verify under weak params = %v, %v, %v; want true, true, nil", ok, rehash, err)
	}
	// The reference implementation's encoding of "password" with salt
	// "somesalt", m=64, t=1, p=1 and a 32-byte key.
	key := argon2.IDKey([]byte("password"), []byte("somesalt"), 1, 64, 1, 32)
	const ref = "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$"
	if ok, _, err := Verify("password", ref+base64.RawStdEncoding.EncodeToString(key)); err != nil || !ok {
		t.Fatalf("reference hash did not verify: %v %v", ok, err)
	}
}

func TestVerifyRejectsMalformed(t *testing.T) {
	for _, h := range []string{
		"",
		"plaintext",
		"$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=16$m=64,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=99999999,t=1,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1000,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$c2hvcnQ",
	} {
		if _, _, err := Verify("x", h); err != ErrMalformed {
			t.Errorf("Verify(%q) error %v, want ErrMalformed", h, err)
		}
	}
}

func BenchmarkHashDefault(b *testing.B) {
	for range b.N {
		Hash("correct horse battery staple", Default)
	}
}

func TestTemporary(t *testing.T) {
	seen := map[string]bool{}
	counts := map[rune]int{}
	for range 10000 {
		pw := Temporary()
		if len(pw) != 19 || pw[4] != '-' || pw[9] != '-' || pw[14] != '-' {
			t.Fatalf("temporary password %q is not four groups of four", pw)
		}
		if seen[pw] {
			t.Fatalf("temporary password %q came twice", pw)
		}
		seen[pw] = true
		for _, c := range strings.ReplaceAll(pw, "-", "") {
			if !strings.ContainsRune(temporaryAlphabet, c) {
				t.Fatalf("temporary password %q has %q", pw, c)
			}
			counts[c]++
		}
	}
	// 160,000 characters over 31 letters: 5,161 each, give or take 70 (one
	// standard deviation). A plain modulo of random bytes would give the
	// first 8 letters 9/256 each, about 5,625: outside five deviations.
	for _, c := range temporaryAlphabet {
		if counts[c] < 4810 || counts[c] > 5512 {
			t.Errorf("%q came %d times in 160,000", c, counts[c])
		}
	}
}
