package assemble

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/eidsim/eidsim/generators/population"
	"github.com/eidsim/eidsim/reference"
)

// PersonOf is a population record (generators/population) as the domain's import reads it.
func PersonOf(r *population.Record) reference.Person {
	p := reference.Person{
		Citizen: reference.Citizen{ID: r.CitizenID, FullName: r.FullName, Sex: r.Sex, BirthDate: r.BirthDate,
			ProvinceCode: r.ProvinceCode, Ethnicity: r.Ethnicity, VillageID: r.VillageID, Coverage: r.Coverage,
			Handset: r.Handset},
		SIM: reference.PersonSIM{Phone: r.SIM.Phone, Carrier: r.SIM.Carrier, OwnerRegistered: r.SIM.OwnerRegistered},
	}
	if r.Traits != nil {
		p.Citizen.BiometricQuality = r.Traits.BiometricQuality
	}
	if a := r.Account; a != nil {
		p.Account = &reference.PersonAccount{Level: a.Level, Phone: a.Phone, Status: a.AccountStatus(),
			Password: a.Password, DeviceID: a.DeviceID}
	}
	return p
}

// ImportFile imports a population file (JSON Lines, see generators/population) into svc with
// the domain's rules (reference.Service.Import): the file is recorded under its path and
// SHA-256, so importing it again is skipped unless opts.Force. Errors name the file, and the
// line for a bad record.
func ImportFile(ctx context.Context, svc *reference.Service, path string, opts reference.ImportOptions) (reference.ImportStats, error) {
	sum, err := FileSHA256(path)
	if err != nil {
		return reference.ImportStats{}, fmt.Errorf("population file: %w", err)
	}
	f, err := os.Open(path)
	if err != nil {
		return reference.ImportStats{}, fmt.Errorf("population file: %w", err)
	}
	defer f.Close()
	opts.Name, opts.SHA256 = path, sum
	return svc.Import(ctx, &fileSource{rd: population.NewReader(f, path)}, opts)
}

// FileSHA256 is the hex SHA-256 of a file's content, the digest an import records it under.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fileSource reads a population file as the import's stream.
type fileSource struct {
	rd  *population.Reader
	rec population.Record
}

func (s *fileSource) Next(p *reference.Person) error {
	if err := s.rd.Next(&s.rec); err != nil {
		return err
	}
	*p = PersonOf(&s.rec)
	return nil
}

func (s *fileSource) Line() int { return s.rd.Line() }

// Records is population records in memory as the import's stream: each record becomes
// PersonOf(record), then Adapt (if set) may change it — a simulation gives its citizens the
// passwords and devices it models. Line is the record's index plus one.
type Records struct {
	Recs  []population.Record
	Adapt func(i int, r *population.Record, p *reference.Person)
	next  int
}

// Next implements reference.Population.
func (s *Records) Next(p *reference.Person) error {
	if s.next >= len(s.Recs) {
		return io.EOF
	}
	r := &s.Recs[s.next]
	*p = PersonOf(r)
	if s.Adapt != nil {
		s.Adapt(s.next, r, p)
	}
	s.next++
	return nil
}

// Line implements reference.Population.
func (s *Records) Line() int { return s.next }
