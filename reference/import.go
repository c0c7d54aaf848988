package reference

import (
	"context"
	"errors"
	"io"
	"runtime"
	"sync"
	"time"
)

// DefaultBiometricQuality is the biometric quality of a citizen whose record gives none.
const DefaultBiometricQuality = 0.9

const defaultImportBatch = 20000

// Import loads a population into the store, by these rules:
//
//   - every citizen into the registry;
//   - the SIM in each citizen's handset as a subscriber record held by the citizen and owned by
//     them when the SIM is owner-registered (else by someone outside the population);
//   - an account phone that differs from the SIM (the number the account was registered with
//     before a SIM swap) as a subscriber record with no owner and no holder, unless some
//     citizen holds that number now — then that citizen holds it (a recycled number: its SMS,
//     including OTPs for the old account, reach the new holder). The result does not depend
//     on the order of the records;
//   - every account with its level, phone, status and bound device; passwords are hashed once
//     per distinct password and the hash shared (the pool size is recorded). A slow hasher
//     (argon2id) hashes at most opts.HashBudget distinct passwords (default DefaultHashBudget);
//     passwords beyond the budget get a salted SHA-256 import hash that the first successful
//     login replaces with the service's hasher ("rehash on login"), so that first login costs
//     one slow hash like any other and the import stays fast for a file with a distinct
//     password per citizen. The count is recorded as DeferredPasswordHashes.
//
// The caller opens the source (reference/assemble.ImportFile reads a population file). It is
// read as a stream and written in transactions of opts.BatchSize citizens. A bad record stops
// the import with the source's error, or a *RecordError naming opts.Name and the record's
// line; batches before it stay committed, and running the import again completes it.
// Importing is idempotent: records are inserted or replaced. With opts.SHA256 set, the import
// is recorded under that digest (Settings lists it) and a source whose digest was imported
// before is skipped entirely unless opts.Force; without it, nothing is recorded or skipped.
func (s *Service) Import(ctx context.Context, src Population, opts ImportOptions) (ImportStats, error) {
	start := time.Now() // wall-clock duration for the statistics only; domain times come from s.clock
	if opts.BatchSize <= 0 {
		opts.BatchSize = defaultImportBatch
	}
	sum := opts.SHA256
	if sum != "" && !opts.Force {
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
			s.log.Info("population imported before; skipped", "path", opts.Name, "sha256", sum)
			return st, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return ImportStats{}, internal(err)
		}
	}

	imp := &importer{s: s, name: opts.Name, pool: map[string]string{}, stats: ImportStats{SHA256: sum}, budget: -1}
	if s.hasher.Settings().Algorithm != HashFast {
		imp.budget = opts.HashBudget
		if imp.budget == 0 {
			imp.budget = DefaultHashBudget
		}
	}
	batches := make(chan []lineRecord, 2)
	readErr := make(chan error, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(batches)
		readErr <- readBatches(ctx, src, opts.BatchSize, batches)
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
	imp.stats.Duration = time.Since(start)
	if sum != "" {
		rec := &ImportRecord{SHA256: sum, Path: opts.Name, ImportedAt: s.now(), Stats: imp.stats}
		if err := s.store.Update(ctx, func(tx Tx) error { return tx.PutImport(rec) }); err != nil {
			return ImportStats{}, internal(err)
		}
	}
	s.log.Info("population imported", "path", opts.Name, "citizens", imp.stats.Citizens, "accounts", imp.stats.Accounts,
		"password_pool", imp.stats.PasswordPoolSize, "duration", imp.stats.Duration)
	return imp.stats, nil
}

type lineRecord struct {
	line int
	rec  Person
}

func readBatches(ctx context.Context, src Population, size int, out chan<- []lineRecord) error {
	batch := make([]lineRecord, 0, size)
	for {
		batch = append(batch, lineRecord{})
		lr := &batch[len(batch)-1]
		err := src.Next(&lr.rec)
		if errors.Is(err, io.EOF) {
			batch = batch[:len(batch)-1]
			break
		}
		if err != nil {
			return err
		}
		lr.line = src.Line()
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
	s      *Service
	name   string
	pool   map[string]string // password → hash
	stats  ImportStats
	budget int // distinct passwords to hash with the service's hasher; -1: all
}

// hashNew hashes the batch's passwords not in the pool yet, in parallel: with the service's
// hasher while the import's budget lasts, then with the fast hasher (upgraded at first login).
func (imp *importer) hashNew(batch []lineRecord) error {
	var unseen []string
	seen := map[string]bool{}
	for i := range batch {
		a := batch[i].rec.Account
		if a == nil {
			continue
		}
		if _, ok := imp.pool[a.Password]; !ok && !seen[a.Password] {
			seen[a.Password] = true
			unseen = append(unseen, a.Password)
		}
	}
	hashes := make([]string, len(unseen))
	errs := make([]error, len(unseen))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, pw := range unseen {
		h := imp.s.hasher
		if imp.budget >= 0 && imp.stats.PasswordPoolSize >= imp.budget {
			h = fastHasher{}
			imp.stats.DeferredPasswordHashes++
		} else {
			imp.stats.PasswordPoolSize++
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			hashes[i], errs[i] = h.Hash(pw)
		})
	}
	wg.Wait()
	for i, pw := range unseen {
		if errs[i] != nil {
			return errs[i]
		}
		imp.pool[pw] = hashes[i]
	}
	return nil
}
