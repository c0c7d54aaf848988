package oidc_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/internal/testtool"
	"github.com/eidsim/eidsim/reference/oidc"
	"github.com/eidsim/eidsim/reference/oidc/oidctest"
)

// TestLoginPageInHeadlessChromium drives the login page in a real browser: the first login
// from the browser asks for the SMS OTP (a new device), the second goes straight through on
// the now bound browser.
func TestLoginPageInHeadlessChromium(t *testing.T) {
	exe := testtool.Chromium(t)
	rp := oidctest.New(oidctest.Config{ClientID: "browser-rp", ClientSecret: "browser-secret", ACR: "LoA1"})
	rpSrv := httptest.NewServer(rp.Handler())
	defer rpSrv.Close()
	rp.Base = rpSrv.URL
	e := newEnv(t, oidc.ClientConfig{ID: "browser-rp", Secret: "browser-secret", Name: "Browser RP", RedirectURIs: []string{rp.RedirectURL()}})
	rp.SetIssuer(e.srv.URL)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(testtool.ProfileDir(t)),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	var welcome string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(rpSrv.URL+"/start"),
		chromedp.WaitVisible("#citizen_id", chromedp.ByID),
		chromedp.SendKeys("#citizen_id", level1ID, chromedp.ByID),
		chromedp.SendKeys("#password", level1Password, chromedp.ByID),
		chromedp.Click("#submit", chromedp.ByID),
		chromedp.WaitVisible("#otp", chromedp.ByID),
	), "first login: password page, then the OTP page")
	otp := e.sms.otp(level1Phone)
	require.NotEmpty(t, otp)
	require.NoError(t, chromedp.Run(ctx,
		chromedp.SendKeys("#otp", otp, chromedp.ByID),
		chromedp.Click("#verify", chromedp.ByID),
		chromedp.WaitVisible("#welcome", chromedp.ByID),
		chromedp.Text("#welcome", &welcome, chromedp.ByID),
	), "OTP accepted, back at the relying party")
	require.Equal(t, "Trần Văn Minh "+level1ID+" LoA1", welcome)

	// The browser is now the bound device: no OTP the second time.
	welcome = ""
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(rpSrv.URL+"/start"),
		chromedp.WaitVisible("#citizen_id", chromedp.ByID),
		chromedp.SendKeys("#citizen_id", level1ID, chromedp.ByID),
		chromedp.SendKeys("#password", level1Password, chromedp.ByID),
		chromedp.Click("#submit", chromedp.ByID),
		chromedp.WaitVisible("#welcome", chromedp.ByID),
		chromedp.Text("#welcome", &welcome, chromedp.ByID),
	), "second login on the bound browser")
	require.Equal(t, "Trần Văn Minh "+level1ID+" LoA1", welcome)

	// Cancelling comes back to the relying party as access_denied.
	var refused string
	require.NoError(t, chromedp.Run(ctx,
		chromedp.Navigate(rpSrv.URL+"/start"),
		chromedp.WaitVisible("#cancel", chromedp.ByID),
		chromedp.Click("#cancel", chromedp.ByID),
		chromedp.WaitVisible("#refused", chromedp.ByID),
		chromedp.Text("#refused", &refused, chromedp.ByID),
	))
	require.Contains(t, refused, "login refused: access_denied")
}
