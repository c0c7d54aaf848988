// Package k6 holds the k6 load scenarios of eidsim (one script per scenario, sharing lib/)
// and embeds them, so that eidsim load can write the exact scripts it runs into each run
// directory and work from any current directory.
package k6

import "embed"

// Scripts is every scenario script (NAME.js) and the shared library (lib/*.js).
//
//go:embed *.js lib/*.js
var Scripts embed.FS
