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
	"slices"
	"strings"
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
//     per distinct password and the hash shared (the pool size is recorded). A slow hasher
//     (argon2id) hashes at most opts.HashBudget distinct passwords (default DefaultHashBudget);
//     passwords beyond the budget get a salted SHA-256 import hash that the first successful
//     login replaces with the service's hasher ("rehash on login"), so that first login costs
//     one slow hash like any other and the import stays fast for a file with a distinct
//     password per citizen. The count is recorded as DeferredPasswordHashes.
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

	imp := &importer{s: s, path: path, pool: map[string]string{}, stats: ImportStats{SHA256: sum}, budget: -1}
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
	s      *Service
	path   string
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

// rows are one batch's writes, grouped by kind.
type rows struct {
	citizens []Citizen
	sims     []Subscriber // SIMs in handsets: authoritative (PutSubscriber)
	old      []Subscriber // old account numbers: insert if absent (AddSubscriber)
	accounts []Account
	accLines []int
}

func (imp *importer) rows(batch []lineRecord, now time.Time) *rows {
	rs := &rows{citizens: make([]Citizen, 0, len(batch)), sims: make([]Subscriber, 0, len(batch))}
	for i := range batch {
		r := &batch[i].rec
		q := DefaultBiometricQuality
		if r.Traits != nil && r.Traits.BiometricQuality > 0 {
			q = r.Traits.BiometricQuality
		}
		rs.citizens = append(rs.citizens, Citizen{ID: r.CitizenID, FullName: r.FullName, Sex: r.Sex, BirthDate: r.BirthDate,
			ProvinceCode: r.ProvinceCode, Ethnicity: r.Ethnicity, VillageID: r.VillageID, Coverage: r.Coverage,
			Handset: r.Handset, BiometricQuality: q})
		if p := r.SIM.Phone; p != "" {
			sub := Subscriber{Phone: p, Carrier: carrierFor(p, r.SIM.Carrier), HolderID: r.CitizenID}
			if r.SIM.OwnerRegistered {
				sub.OwnerID = r.CitizenID
			}
			rs.sims = append(rs.sims, sub)
		}
		a := r.Account
		if a == nil {
			continue
		}
		if a.Phone != r.SIM.Phone {
			rs.old = append(rs.old, Subscriber{Phone: a.Phone, Carrier: carrierFor(a.Phone, "")})
		}
		rs.accounts = append(rs.accounts, Account{CitizenID: r.CitizenID, Level: a.Level, Phone: a.Phone,
			Status: a.AccountStatus(), PasswordHash: imp.pool[a.Password], DeviceID: a.DeviceID, CreatedAt: now, UpdatedAt: now})
		rs.accLines = append(rs.accLines, batch[i].line)
	}
	rs.sort()
	return rs
}

// sort orders each kind by its key, so that the store's B-trees are written in runs instead
// of at random places (a third less CPU on a million citizens). Stable sorts keep the file
// order among equal keys, so the last line still wins.
func (rs *rows) sort() {
	slices.SortStableFunc(rs.citizens, func(a, b Citizen) int { return strings.Compare(a.ID, b.ID) })
	slices.SortStableFunc(rs.sims, func(a, b Subscriber) int { return strings.Compare(a.Phone, b.Phone) })
	slices.SortStableFunc(rs.old, func(a, b Subscriber) int { return strings.Compare(a.Phone, b.Phone) })
	idx := make([]int, len(rs.accounts))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return strings.Compare(rs.accounts[a].CitizenID, rs.accounts[b].CitizenID) })
	accounts, lines := make([]Account, len(idx)), make([]int, len(idx))
	for i, j := range idx {
		accounts[i], lines[i] = rs.accounts[j], rs.accLines[j]
	}
	rs.accounts, rs.accLines = accounts, lines
}

// write writes one batch in one transaction: citizens, then SIMs, then old numbers, then
// accounts. The order of SIMs and old numbers does not matter (a SIM record replaces an old
// number's, an old number never replaces anything), so the grouping gives the same result as
// line order, or any other order.
func (imp *importer) write(ctx context.Context, batch []lineRecord) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := imp.hashNew(batch); err != nil {
		return fmt.Errorf("hashing passwords: %w", err)
	}
	rs := imp.rows(batch, imp.s.now())
	err := imp.s.store.Update(context.WithoutCancel(ctx), func(tx Tx) error {
		var err error
		if btx, ok := tx.(BulkTx); ok {
			err = writeBulk(btx, rs)
		} else {
			err = writeRows(tx, rs)
		}
		var be *BulkError
		if errors.As(err, &be) {
			if errors.Is(be.Err, ErrPhoneInUse) {
				be.Err = fmt.Errorf("field account.phone: %s is on another citizen's account (one phone, one account)",
					rs.accounts[be.Index].Phone)
			}
			return &population.LineError{File: imp.path, Line: rs.accLines[be.Index], Err: be.Err}
		}
		return err
	})
	if err != nil {
		var le *population.LineError
		if errors.As(err, &le) {
			return err
		}
		return internal(err)
	}
	imp.stats.Citizens += int64(len(rs.citizens))
	imp.stats.Accounts += int64(len(rs.accounts))
	imp.stats.Subscribers += int64(len(rs.sims))
	imp.stats.OldNumbers += int64(len(rs.old))
	return nil
}

func writeBulk(tx BulkTx, rs *rows) error {
	if err := tx.PutCitizens(rs.citizens); err != nil {
		return err
	}
	if err := tx.PutSubscribers(rs.sims); err != nil {
		return err
	}
	if err := tx.AddSubscribers(rs.old); err != nil {
		return err
	}
	return tx.PutAccounts(rs.accounts)
}

func writeRows(tx Tx, rs *rows) error {
	for i := range rs.citizens {
		if err := tx.PutCitizen(&rs.citizens[i]); err != nil {
			return err
		}
	}
	for i := range rs.sims {
		if err := tx.PutSubscriber(&rs.sims[i]); err != nil {
			return err
		}
	}
	for i := range rs.old {
		if _, err := tx.AddSubscriber(&rs.old[i]); err != nil {
			return err
		}
	}
	for i := range rs.accounts {
		if err := tx.PutAccount(&rs.accounts[i]); err != nil {
			return &BulkError{Index: i, Err: err}
		}
	}
	return nil
}

func carrierFor(phone, given string) string {
	if c := CarrierOf(phone); c != "" {
		return c
	}
	return given
}
