package cluster_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
	"github.com/eidsim/eidsim/reference/cluster"
	"github.com/eidsim/eidsim/reference/telco"
)

// world holds every number on a 4G handset of citizen "c1".
type world struct{}

func (world) Handset(_ context.Context, phone string) (*reference.Handset, error) {
	return &reference.Handset{Phone: phone, Carrier: reference.CarrierOf(phone), HolderID: "c1", Coverage: "4g"}, nil
}

var t0 = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

func newTelco(t *testing.T) (*telco.Sim, *reference.ManualClock, *cluster.Telco) {
	t.Helper()
	clock := reference.NewManualClock(t0)
	sim := telco.New(telco.FastConfig(), world{}, clock, 1)
	srv := httptest.NewServer(cluster.TelcoHandler(sim, sim, "tok", nil))
	t.Cleanup(srv.Close)
	c, err := cluster.NewTelco(srv.URL, "tok")
	require.NoError(t, err)
	return sim, clock, c
}

// An SMS sent through the client is delivered by the telco process and read through the
// client, as an in-process telco would deliver it.
func TestRemoteTelcoDeliversAndReads(t *testing.T) {
	ctx := context.Background()
	_, clock, c := newTelco(t)
	require.NoError(t, c.Ready(ctx))
	require.NoError(t, c.Send(ctx, reference.SMS{To: "0912345678", Sender: "VNeID", Body: "code 123456", OTP: "123456", Purpose: reference.PurposeLogin}))
	msgs, err := c.Messages(ctx, "0912345678", 0, 0)
	require.NoError(t, err)
	assert.Empty(t, msgs, "not delivered before its latency")
	assert.NotNil(t, msgs)
	clock.Advance(time.Minute)
	msgs, err = c.Messages(ctx, "0912345678", 0, 0)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	assert.Equal(t, "123456", msgs[0].OTP)
	assert.Equal(t, reference.PurposeLogin, msgs[0].Purpose)
	msgs, err = c.Messages(ctx, "0912345678", msgs[0].ID, 0)
	require.NoError(t, err)
	assert.Empty(t, msgs)
}

// Refusals cross the wire as the simulator's *telco.SubmitError; a bad phone is the
// simulator's invalid_input; a wrong token is refused.
func TestRemoteTelcoErrors(t *testing.T) {
	ctx := context.Background()
	sim, _, c := newTelco(t)
	require.NoError(t, sim.SetFaults(telco.Faults{Outages: []telco.Outage{{From: t0.Add(-time.Hour), Until: t0.Add(time.Hour)}}}))
	err := c.Send(ctx, reference.SMS{To: "0912345678", Body: "x"})
	var se *telco.SubmitError
	require.ErrorAs(t, err, &se)
	assert.ErrorIs(t, err, telco.ErrOutage)
	assert.Equal(t, time.Hour, se.RetryAfter)
	assert.Equal(t, telco.StatusSubmitFailed, se.Status)

	err = c.Send(ctx, reference.SMS{To: "12", Body: "x"})
	assert.ErrorIs(t, err, telco.ErrInvalidDestination)

	_, err = c.Messages(ctx, "not-a-phone", 0, 0)
	assert.Equal(t, reference.EInvalidInput, reference.ErrorCode(err), "err %v", err)

	bad, err := cluster.NewTelco(c.Base(), "wrong")
	require.NoError(t, err)
	err = bad.Send(ctx, reference.SMS{To: "0912345678"})
	require.Error(t, err)
	assert.False(t, errors.Is(err, telco.ErrOutage))
	assert.Contains(t, err.Error(), "401")
}

// A long-poll through the client returns as soon as the message is delivered.
func TestRemoteTelcoLongPoll(t *testing.T) {
	ctx := context.Background()
	sim := telco.New(telco.FastConfig(), world{}, reference.SystemClock{}, 1)
	srv := httptest.NewServer(cluster.TelcoHandler(sim, sim, "tok", nil))
	t.Cleanup(srv.Close)
	c, err := cluster.NewTelco(srv.URL, "tok")
	require.NoError(t, err)
	require.NoError(t, c.Send(ctx, reference.SMS{To: "0912345678", OTP: "111111", Purpose: reference.PurposeLogin}))
	start := time.Now()
	msgs, err := c.Messages(ctx, "0912345678", 0, 5*time.Second)
	require.NoError(t, err)
	require.Len(t, msgs, 1)
	assert.Less(t, time.Since(start), 3*time.Second)
}

func TestNewTelcoRefusesBadURL(t *testing.T) {
	for _, u := range []string{"", "127.0.0.1:80", "ftp://x", "http://", "http://h/path"} {
		_, err := cluster.NewTelco(u, "t")
		assert.Error(t, err, u)
	}
}

// The telco serves its metrics behind the token, and /healthz without it.
func TestTelcoHandlerMetricsAndHealth(t *testing.T) {
	sim := telco.New(telco.FastConfig(), world{}, reference.NewManualClock(t0), 1)
	metrics := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("eidsim_sms_pending 0\n")) })
	srv := httptest.NewServer(cluster.TelcoHandler(sim, sim, "tok", metrics))
	t.Cleanup(srv.Close)
	get := func(path, tok string) (int, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	code, _ := get("/healthz", "")
	assert.Equal(t, 200, code)
	code, _ = get("/metrics", "")
	assert.Equal(t, 401, code)
	code, body := get("/metrics", "tok")
	assert.Equal(t, 200, code)
	assert.Contains(t, body, "eidsim_sms_pending")
}
