package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/telco"
)

// Telco is the client of a telco process (TelcoHandler) at one base URL: a reference.Gateway
// for the service and the reader of the handsets' inboxes. A refused submission comes back as
// the *telco.SubmitError the simulator gave (wrapping ErrOutage, ErrThrottled, …), so the
// service and its metrics treat it as they would an in-process telco's. It is safe for
// concurrent use.
type Telco struct {
	base  string
	token string
	hc    *http.Client
}

var _ reference.Gateway = (*Telco)(nil)

// NewTelco returns a client of the telco process at base (http://host:port) with its bearer
// token. A base that is not an http(s) URL with a host is an error naming it.
func NewTelco(base, token string) (*Telco, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return nil, fmt.Errorf("%q is not a telco URL such as http://127.0.0.1:8090", base)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	return &Telco{base: strings.TrimSuffix(base, "/"), token: token, hc: &http.Client{Transport: tr}}, nil
}

func (c *Telco) do(ctx context.Context, method, path string, body []byte, timeout time.Duration) (*http.Response, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("telco %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("telco %s: %w", c.base, err)
	}
	return resp, b, nil
}

// Send submits msg to the telco process.
func (c *Telco) Send(ctx context.Context, msg reference.SMS) error {
	body, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	resp, b, err := c.do(ctx, http.MethodPost, SendPath, body, 10*time.Second)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusAccepted {
		return nil
	}
	var ref refusal
	if json.Unmarshal(b, &ref) != nil {
		return fmt.Errorf("telco %s: %s", c.base, resp.Status)
	}
	for _, k := range kinds {
		if ref.Kind == k.kind {
			return &telco.SubmitError{Phone: ref.Phone, Carrier: ref.Carrier, Status: ref.Status,
				RetryAfter: time.Duration(ref.RetryAfterMS) * time.Millisecond, Err: k.err}
		}
	}
	return fmt.Errorf("telco %s: %s: %s", c.base, resp.Status, ref.Message)
}

// Messages returns the messages with ID > after delivered to phone, long-polling up to wait
// (at most MaxWait) on the telco process; as telco.Sim.Messages, an invalid phone is the
// simulator's invalid_input *reference.Error.
func (c *Telco) Messages(ctx context.Context, phone string, after int64, wait time.Duration) ([]telco.Message, error) {
	q := url.Values{}
	q.Set("after", strconv.FormatInt(after, 10))
	if wait > 0 {
		q.Set("wait", strconv.FormatFloat(min(wait, MaxWait).Seconds(), 'f', 3, 64))
	}
	resp, b, err := c.do(ctx, http.MethodGet, InboxPath+url.PathEscape(phone)+"/messages?"+q.Encode(), nil, min(wait, MaxWait)+10*time.Second)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		var ref refusal
		if json.Unmarshal(b, &ref) == nil && ref.Kind == "domain" {
			return nil, &reference.Error{Code: ref.Code, Message: ref.Message, Fields: ref.Fields}
		}
		return nil, fmt.Errorf("telco %s: %s: %s", c.base, resp.Status, strings.TrimSpace(string(b)))
	}
	var out struct {
		Messages []telco.Message `json:"messages"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("telco %s: %w", c.base, err)
	}
	if out.Messages == nil {
		out.Messages = []telco.Message{}
	}
	return out.Messages, nil
}

// Ready reports whether the telco process answers.
func (c *Telco) Ready(ctx context.Context) error {
	resp, _, err := c.do(ctx, http.MethodGet, "/healthz", nil, 5*time.Second)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("telco %s: /healthz %s", c.base, resp.Status)
	}
	return nil
}
