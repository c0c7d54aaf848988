package telco

import (
	"context"
	"fmt"
	"time"
)

// Receipt is the delivery receipt (DLR) of one message: what the SMSC reports back to the
// sender in a deliver_sm with esm_class 0x04.
type Receipt struct {
	// Seq orders receipts as they were produced; pass the last one seen to Receipts.
	Seq       int64  `json:"seq"`
	MessageID int64  `json:"message_id"`
	Phone     string `json:"phone"`
	Carrier   string `json:"carrier"`
	Purpose   string `json:"purpose,omitempty"`
	// Status is the DLR stat value: DELIVRD, EXPIRED or UNDELIV.
	Status string `json:"status"`
	// Err is the network error cause, three digits: 000 none, 001 unknown subscriber, 027
	// absent subscriber, 032 delivery failure, 034 system failure.
	Err string `json:"err"`
	// Cause says the same in words.
	Cause     string    `json:"cause,omitempty"`
	Attempts  int       `json:"attempts"`
	Submitted time.Time `json:"submit_date"`
	Done      time.Time `json:"done_date"`
}

// String formats the receipt as the de-facto SMPP 3.4 appendix B text:
// "id:IIIIIIIIII sub:001 dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:SSSSSSS err:EEE text:".
func (r Receipt) String() string {
	dlvrd := 0
	if r.Status == StatDelivered {
		dlvrd = 1
	}
	return fmt.Sprintf("id:%010d sub:001 dlvrd:%03d submit date:%s done date:%s stat:%s err:%s text:",
		r.MessageID, dlvrd, r.Submitted.UTC().Format("0601021504"), r.Done.UTC().Format("0601021504"), r.Status, r.Err)
}

// Receipts advances deliveries to the clock's now and returns the receipts with Seq > after
// still held, oldest first. Only the latest Config.ReceiptBuffer are held: a consumer that
// needs every receipt reads at least that often (a gap shows as a jump in Seq).
func (s *Sim) Receipts(after int64) []Receipt {
	s.Advance(context.Background())
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.receipts.since(after)
}

// ring is a fixed-size buffer of the latest receipts.
type ring struct {
	buf  []Receipt
	next int64 // Seq of the next receipt; receipts 1..next-1 were produced
}

func newRing(size int) ring { return ring{buf: make([]Receipt, 0, size), next: 1} }

func (r *ring) add(rc Receipt) {
	rc.Seq = r.next
	r.next++
	if len(r.buf) < cap(r.buf) {
		r.buf = append(r.buf, rc)
		return
	}
	r.buf[(rc.Seq-1)%int64(cap(r.buf))] = rc
}

// since returns the held receipts with Seq > after in order.
func (r *ring) since(after int64) []Receipt {
	first := max(after+1, r.next-int64(len(r.buf)))
	out := make([]Receipt, 0, max(r.next-first, 0))
	for seq := first; seq < r.next; seq++ {
		out = append(out, r.buf[(seq-1)%int64(cap(r.buf))])
	}
	return out
}
