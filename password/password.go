// Package password hashes and verifies passwords with argon2id (RFC 9106),
// in the PHC string format: $argon2id$v=19$m=19456,t=2,p=1$salt$hash.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
}

// Default is OWASP's first recommended setting for argon2id (19 MiB, two
// passes, one thread): about 25 ms on this project's machine, and little
// memory when several people sign in at once.
var Default = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
)

// slots bounds the hashes computed at once, so that a burst of sign-ins
// (or an attack) cannot take all memory and CPU.
var slots = make(chan struct{}, 4)

// Hash returns the PHC string of pw under p.
func Hash(pw string, p Params) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := derive(pw, salt, p, keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// ErrMalformed is returned for a stored hash that is not an argon2id PHC
// string this package can read.
var ErrMalformed = errors.New("password: malformed argon2id hash")

// Verify reports whether pw matches the PHC string encoded, in constant
// time, and whether the hash should be recomputed under Default (its
// parameters are weaker or different).
func Verify(pw, encoded string) (ok, rehash bool, err error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, false, err
	}
	got := derive(pw, salt, p, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, p != Default, nil
}

// Dummy spends the time of a verification without a stored hash, so that an
// unknown email takes as long to refuse as a wrong password.
func Dummy(pw string) {
	derive(pw, make([]byte, saltLen), Default, keyLen)
}

func derive(pw string, salt []byte, p Params, n uint32) []byte {
	slots <- struct{}{}
	defer func() { <-slots }()
	return argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, n)
}

func decode(s string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformed
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, ErrMalformed
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, ErrMalformed
	}
	// Refuse parameters that would make one verification a denial of service.
	if p.Memory < 8*uint32(p.Threads) || p.Memory > 1<<20 || p.Time < 1 || p.Time > 16 || p.Threads < 1 {
		return p, nil, nil, ErrMalformed
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, ErrMalformed
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, ErrMalformed
	}
	return p, salt, key, nil
}

// temporaryAlphabet leaves out letters and digits that are easily confused
// when read aloud or copied from paper (0/o, 1/l/i).
const temporaryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// Temporary returns a random one-time password for an administrator to hand
// over: four groups of four characters ("k7pq-3mzt-x9aw-e2rf"), 79 bits.
func Temporary() string {
	const n = len(temporaryAlphabet)
	out := make([]byte, 0, 19)
	buf := make([]byte, 32)
	for len(out) < 19 {
		rand.Read(buf)
		for _, c := range buf {
			// Bytes past the largest multiple of n would favour the
			// alphabet's first letters; they are skipped.
			if int(c) >= 256/n*n || len(out) == 19 {
				continue
			}
			if len(out)%5 == 4 {
				out = append(out, '-')
			}
			out = append(out, temporaryAlphabet[int(c)%n])
		}
	}
	return string(out)
}
