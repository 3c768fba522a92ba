package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode"

	"carepath"
)

// OrgSlug derives an organization id from its name: lower-case letters and
// digits, words joined by hyphens ("General Hospital" -> "general-hospital").
func OrgSlug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) && r < unicode.MaxASCII || unicode.IsDigit(r) && r < unicode.MaxASCII {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

// FindOrganizations implements carepath.OrganizationService.
func (db *DB) FindOrganizations(ctx context.Context) ([]*carepath.Organization, error) {
	rows, err := db.query(ctx, "SELECT id, name, time_zone, demo, created_at FROM organization ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var orgs []*carepath.Organization
	for rows.Next() {
		o, err := scanOrganization(rows)
		if err != nil {
			return nil, err
		}
		orgs = append(orgs, o)
	}
	return orgs, rows.Err()
}

// FindOrganization implements carepath.OrganizationService.
func (db *DB) FindOrganization(ctx context.Context, idOrName string) (*carepath.Organization, error) {
	o, err := scanOrganization(db.queryRow(ctx,
		"SELECT id, name, time_zone, demo, created_at FROM organization WHERE id = ? OR name = ?", idOrName, idOrName))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, carepath.Errorf(carepath.ENOTFOUND, "Organization %q not found.", idOrName)
	}
	return o, err
}

// CreateOrganization implements carepath.OrganizationService.
func (db *DB) CreateOrganization(ctx context.Context, org *carepath.Organization) error {
	org.Name = strings.TrimSpace(org.Name)
	if org.Name == "" {
		return carepath.Errorf(carepath.EINVALID, "An organization needs a name.")
	}
	if org.ID == "" {
		org.ID = OrgSlug(org.Name)
	}
	if org.ID == "" {
		return carepath.Errorf(carepath.EINVALID, "Organization name %q has no letters or digits to make an id from.", org.Name)
	}
	if org.TimeZone == "" {
		org.TimeZone = "America/New_York"
	}
	if _, err := time.LoadLocation(org.TimeZone); err != nil {
		return carepath.Errorf(carepath.EINVALID, "Unknown time zone %q.", org.TimeZone)
	}
	return db.RunInTx(ctx, func(tx *Tx) error {
		org.Created = tx.Now
		_, err := tx.Exec(ctx, "INSERT INTO organization (id, name, time_zone, demo, created_at) VALUES (?, ?, ?, ?, ?)",
			org.ID, org.Name, org.TimeZone, org.Demo, formatTime(tx.Now))
		if carepath.ErrorCode(mapError(err)) == carepath.ECONFLICT {
			return carepath.Errorf(carepath.ECONFLICT, "An organization with id %q or name %q already exists.", org.ID, org.Name)
		}
		return err
	})
}

type scanner interface{ Scan(dest ...any) error }

func scanOrganization(s scanner) (*carepath.Organization, error) {
	var o carepath.Organization
	var created string
	if err := s.Scan(&o.ID, &o.Name, &o.TimeZone, &o.Demo, &created); err != nil {
		return nil, err
	}
	o.Created = parseTime(created)
	return &o, nil
}
