package reference_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/eidsim/eidsim/reference"
)

func TestHashers(t *testing.T) {
	argon, err := reference.NewHasher(reference.HashArgon2id)
	require.NoError(t, err)
	fast, err := reference.NewHasher(reference.HashFast)
	require.NoError(t, err)
	def, err := reference.NewHasher("")
	require.NoError(t, err)
	assert.Equal(t, reference.HashArgon2id, def.Settings().Algorithm)
	_, err = reference.NewHasher("bcrypt")
	assert.ErrorContains(t, err, "bcrypt")

	tests := []struct {
		name   string
		h      reference.Hasher
		prefix string
	}{
		{"argon2id", argon, "$argon2id$v=19$m=19456,t=2,p=1$"},
		{"fast", fast, "$sha256$"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, err := tt.h.Hash("Matkhau@2024")
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(enc, tt.prefix), enc)
			enc2, err := tt.h.Hash("Matkhau@2024")
			require.NoError(t, err)
			assert.NotEqual(t, enc, enc2, "salted")
			for _, h := range []reference.Hasher{argon, fast} { // either verifies both kinds
				ok, err := h.Verify(enc, "Matkhau@2024")
				require.NoError(t, err)
				assert.True(t, ok)
				ok, err = h.Verify(enc, "Matkhau@2025")
				require.NoError(t, err)
				assert.False(t, ok)
			}
		})
	}
	assert.Equal(t, map[string]any{"memory_kib": 19456, "time": 2, "threads": 1, "salt_len": 16, "key_len": 32, "version": 19},
		argon.Settings().Params)

	bad := []string{"", "plain", "$sha256$!!$??", "$argon2id$v=18$m=19456,t=2,p=1$AAAA$AAAA",
		"$argon2id$v=19$m=999999999,t=2,p=1$AAAA$AAAA", "$argon2id$v=19$m=x$AAAA$AAAA", "$sha256$AAAA$AAAA"}
	for _, enc := range bad {
		_, err := fast.Verify(enc, "x")
		assert.Error(t, err, enc)
	}
}

func TestCarrierOf(t *testing.T) {
	tests := map[string]string{
		"0961234567": reference.CarrierViettel, "0321234567": reference.CarrierViettel, "0391234567": reference.CarrierViettel,
		"0861234567": reference.CarrierViettel,
		"0901234567": reference.CarrierMobiFone, "0701234567": reference.CarrierMobiFone, "0891234567": reference.CarrierMobiFone,
		"0911234567": reference.CarrierVinaPhone, "0811234567": reference.CarrierVinaPhone, "0851234567": reference.CarrierVinaPhone,
		"0921234567": reference.CarrierVietnamobile, "0521234567": reference.CarrierVietnamobile,
		"0991234567": reference.CarrierGmobile, "0591234567": reference.CarrierGmobile,
		"0871234567": reference.CarrierItelecom, "0551234567": reference.CarrierReddi,
		"0311234567": "", "0801234567": "", "091123456": "", "09112345678": "", "09a1234567": "", "": "",
	}
	for phone, want := range tests {
		assert.Equal(t, want, reference.CarrierOf(phone), phone)
	}
	assert.ElementsMatch(t, []string{"087"}, reference.CarrierPrefixes(reference.CarrierItelecom))
	assert.Len(t, reference.CarrierPrefixes(reference.CarrierViettel), 12)
}
