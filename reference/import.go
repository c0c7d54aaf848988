package reference

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/eidsim/eidsim/generators/population"
)

// DefaultBiometricQuality is the biometric quality of a citizen whose record gives none.
const DefaultBiometricQuality = 0.9

const defaultImportBatch = 20000

// Import loads a population file (JSON Lines, see generators/population) into the store:
//
//   - every citizen into the registry;
//   - the SIM in each citizen's handset as a subscriber record held by the citizen and owned by
//     them when sim.owner_registered (else by someone outside the population);
//   - an account phone that differs from the SIM (the number the account was registered with
//     before a SIM swap) as a subscriber record with no owner and no holder, unless some
//     citizen holds that number now — then that citizen holds it (a recycled number: its SMS,
//     including OTPs for the old account, reach the new holder). The result does not depend
//     on the order of the lines;
//   - every account with its level, phone, status and bound device; passwords are hashed once
//     per distinct password and the hash shared (the pool size is recorded).
//
// The file is read as a stream and written in transactions of opts.BatchSize citizens. A bad
// line stops the import with an error naming the file and line; batches before it stay
// committed, and running the import again completes it. Importing is idempotent: records are
// inserted or replaced. A file whose SHA-256 was imported before is skipped entirely unless
// opts.Force.
func (s *Service) Import(ctx context.Context, path string, opts ImportOptions) (ImportStats, error) {
	start := time.Now() // wall-clock duration for the statistics only; domain times come from s.clock
	if opts.BatchSize <= 0 {
		opts.BatchSize = defaultImportBatch
	}
	sum, err := fileSHA256(path)
	if err != nil {
		return ImportStats{}, err
	}
	if !opts.Force {
		var prev *ImportRecord
		err := s.store.View(ctx, func(tx Tx) error {
			var err error
			prev, err = tx.Import(sum)
			return err
		})
		if err == nil {
			st := prev.Stats
			st.Skipped = true
			st.Duration = time.Since(start)
			s.log.Info("population file imported before; skipped", "path", path, "sha256", sum)
			return st, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return ImportStats{}, internal(err)
		}
	}

	f, err := os.Open(path)
	if err != nil {
		return ImportStats{}, fmt.Errorf("population file: %w", err)
	}
	defer f.Close()

	imp := &importer{s: s, path: path, pool: map[string]string{}, stats: ImportStats{SHA256: sum}}
	batches := make(chan []lineRecord, 2)
	readErr := make(chan error, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(batches)
		readErr <- readBatches(ctx, f, path, opts.BatchSize, batches)
	}()
	for batch := range batches {
		if err := imp.write(ctx, batch); err != nil {
			cancel()
			for range batches { // let the reader finish
			}
			<-readErr
			return ImportStats{}, err
		}
		if opts.Progress != nil {
			opts.Progress(imp.stats.Citizens)
		}
	}
	if err := <-readErr; err != nil {
		return ImportStats{}, err
	}
	imp.stats.PasswordPoolSize = len(imp.pool)
	imp.stats.Duration = time.Since(start)
	rec := &ImportRecord{SHA256: sum, Path: path, ImportedAt: s.now(), Stats: imp.stats}
	if err := s.store.Update(ctx, func(tx Tx) error { return tx.PutImport(rec) }); err != nil {
		return ImportStats{}, internal(err)
	}
	s.log.Info("population imported", "path", path, "citizens", imp.stats.Citizens, "accounts", imp.stats.Accounts,
		"password_pool", imp.stats.PasswordPoolSize, "duration", imp.stats.Duration)
	return imp.stats, nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("population file: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("population file %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

type lineRecord struct {
	line int
	rec  population.Record
}

func readBatches(ctx context.Context, r io.Reader, name string, size int, out chan<- []lineRecord) error {
	rd := population.NewReader(r, name)
	batch := make([]lineRecord, 0, size)
	for {
		batch = append(batch, lineRecord{})
		lr := &batch[len(batch)-1]
		err := rd.Next(&lr.rec)
		if errors.Is(err, io.EOF) {
			batch = batch[:len(batch)-1]
			break
		}
		if err != nil {
			return err
		}
		lr.line = rd.Line()
		if len(batch) == size {
			select {
			case out <- batch:
			case <-ctx.Done():
				return ctx.Err()
			}
			batch = make([]lineRecord, 0, size)
		}
	}
	if len(batch) > 0 {
		select {
		case out <- batch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

type importer struct {
	s     *Service
	path  string
	pool  map[string]string // password → hash
	stats ImportStats
}

// hashNew hashes the batch's passwords not in the pool yet, in parallel.
func (imp *importer) hashNew(batch []lineRecord) error {
	var todo []string
	seen := map[string]bool{}
	for i := range batch {
		a := batch[i].rec.Account
		if a == nil {
			continue
		}
		if _, ok := imp.pool[a.Password]; !ok && !seen[a.Password] {
			seen[a.Password] = true
			todo = append(todo, a.Password)
		}
	}
	hashes := make([]string, len(todo))
	errs := make([]error, len(todo))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, pw := range todo {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			hashes[i], errs[i] = imp.s.hasher.Hash(pw)
		})
	}
	wg.Wait()
	for i, pw := range todo {
		if errs[i] != nil {
			return errs[i]
		}
		imp.pool[pw] = hashes[i]
	}
	return nil
}

func (imp *importer) write(ctx context.Context, batch []lineRecord) error {
	if err := imp.hashNew(batch); err != nil {
		return fmt.Errorf("hashing passwords: %w", err)
	}
	now := imp.s.now()
	var st ImportStats
	err := imp.s.store.Update(ctx, func(tx Tx) error {
		st = ImportStats{}
		for i := range batch {
			if err := imp.put(tx, &batch[i].rec, now, &st); err != nil {
				return &population.LineError{File: imp.path, Line: batch[i].line, Err: err}
			}
		}
		return nil
	})
	if err != nil {
		var le *population.LineError
		if errors.As(err, &le) {
			return err
		}
		return internal(err)
	}
	imp.stats.Citizens += st.Citizens
	imp.stats.Accounts += st.Accounts
	imp.stats.Subscribers += st.Subscribers
	imp.stats.OldNumbers += st.OldNumbers
	return nil
}

func carrierFor(phone, given string) string {
	if c := CarrierOf(phone); c != "" {
		return c
	}
	return given
}

func (imp *importer) put(tx Tx, r *population.Record, now time.Time, st *ImportStats) error {
	q := DefaultBiometricQuality
	if r.Traits != nil && r.Traits.BiometricQuality > 0 {
		q = r.Traits.BiometricQuality
	}
	c := &Citizen{ID: r.CitizenID, FullName: r.FullName, Sex: r.Sex, BirthDate: r.BirthDate,
		ProvinceCode: r.ProvinceCode, Ethnicity: r.Ethnicity, VillageID: r.VillageID, Coverage: r.Coverage,
		Handset: r.Handset, BiometricQuality: q}
	if err := tx.PutCitizen(c); err != nil {
		return err
	}
	st.Citizens++
	if p := r.SIM.Phone; p != "" {
		sub := &Subscriber{Phone: p, Carrier: carrierFor(p, r.SIM.Carrier), HolderID: r.CitizenID}
		if r.SIM.OwnerRegistered {
			sub.OwnerID = r.CitizenID
		}
		if err := tx.PutSubscriber(sub); err != nil {
			return err
		}
		st.Subscribers++
	}
	a := r.Account
	if a == nil {
		return nil
	}
	if a.Phone != r.SIM.Phone {
		st.OldNumbers++
		if _, err := tx.AddSubscriber(&Subscriber{Phone: a.Phone, Carrier: carrierFor(a.Phone, "")}); err != nil {
			return err
		}
	}
	acc := &Account{CitizenID: r.CitizenID, Level: a.Level, Phone: a.Phone, Status: a.AccountStatus(),
		PasswordHash: imp.pool[a.Password], DeviceID: a.DeviceID, CreatedAt: now, UpdatedAt: now}
	if err := tx.PutAccount(acc); err != nil {
		if errors.Is(err, ErrPhoneInUse) {
			return fmt.Errorf("field account.phone: %s is on another citizen's account (one phone, one account)", a.Phone)
		}
		return err
	}
	st.Accounts++
	return nil
}
