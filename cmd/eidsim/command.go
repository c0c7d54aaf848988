package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Exit codes shared by every subcommand.
const (
	exitOK        = 0
	exitFailure   = 1
	exitUsage     = 2
	exitThreshold = 99 // load-scenario thresholds failed (k6's convention)
)

// env is what a subcommand may touch of the outside world; tests pass their own.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// command is one subcommand. Each lives in its own file and registers itself in init.
type command struct {
	name    string
	summary string // one line for the command list
	usage   string // the argument synopsis after the name
	// run parses args (without the command name) and does the work. It returns an error made
	// with usageErr for bad usage (exit 2), exitErr for a chosen exit code, or any other error
	// (exit 1).
	run func(ctx context.Context, e *env, args []string) error
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("duplicate command " + c.name)
	}
	commands[c.name] = c
}

// usageError is bad usage: exit 2 with a one-line reason.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErr(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exitError carries a specific exit code and message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

func exitErr(code int, err error) error { return &exitError{code: code, err: err} }

// newFlagSet returns a flag set that reports errors instead of exiting, with a usage text
// that names the command.
func newFlagSet(c *command, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: eidsim %s %s\n\n%s\n\nflags:\n", c.name, c.usage, c.summary)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args with fs, turning flag errors into usage errors: a bad flag gets the
// one-line reason runEnv prints, and only --help prints the full usage. It returns errHelp when
// --help was asked for.
func parseFlags(fs *flag.FlagSet, args []string) error {
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	defer func() { fs.SetOutput(out); fs.Usage = usage }()
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(out)
			usage()
			return errHelp
		}
		return usageErr("%s", flagErrorText(fs, err))
	}
	return nil
}

var badValue = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-(\S+): (.*)$`)

// flagErrorText rewrites the flag package's "invalid value" errors in the user's words,
// naming the flag as it is typed (--name) and what it wants.
func flagErrorText(fs *flag.FlagSet, err error) string {
	m := badValue.FindStringSubmatch(err.Error())
	if m == nil {
		return strings.Replace(err.Error(), "flag provided but not defined: -", "unknown flag --", 1)
	}
	val, name := m[1], m[2]
	want := m[3]
	if f := fs.Lookup(name); f != nil {
		if g, ok := f.Value.(flag.Getter); ok {
			switch g.Get().(type) {
			case time.Duration:
				want = "want a duration with a unit, such as 30s, 5m or 1h"
				if _, err := strconv.ParseFloat(val, 64); err == nil {
					want += " (did you mean " + val + "s?)"
				}
			case int, int64:
				want = "want a whole number"
			case uint, uint64:
				want = "want a whole number, 0 or more"
			case float64:
				want = "want a number"
			case bool:
				want = "want true or false"
			}
		}
	}
	return fmt.Sprintf("--%s %q: %s", name, val, want)
}

var errHelp = errors.New("help requested")

// splitArgs separates positional arguments from flags so that "CMD FILE --flag" works as
// well as "CMD --flag FILE". Flags that take a value are listed in fs; boolean flags do not
// consume the next argument.
func splitArgs(fs *flag.FlagSet, args []string) (flags, positional []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue
		}
		if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
			continue
		}
		if i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	return flags, positional
}

// parseInterspersed parses flags and positionals in any order.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	flags, pos := splitArgs(fs, args)
	if err := parseFlags(fs, flags); err != nil {
		return nil, err
	}
	return append(pos, fs.Args()...), nil
}

func printCommands(w io.Writer) {
	fmt.Fprintln(w, "eidsim — simulation and load-testing harness for national electronic-identity systems")
	fmt.Fprintln(w, "\nusage: eidsim COMMAND [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'eidsim COMMAND --help' for a command's flags.")
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runEnv(ctx, e, args)
}

func runEnv(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		printCommands(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		printCommands(e.stdout)
		return exitOK
	case "-version", "--version":
		args = append([]string{"version"}, args[1:]...)
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "eidsim: unknown command %q (run 'eidsim --help' for the list)\n", args[0])
		return exitUsage
	}
	err := c.run(ctx, e, args[1:])
	if err == nil || errors.Is(err, errHelp) {
		return exitOK
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(e.stderr, "eidsim %s: %s\n", c.name, ue.msg)
		return exitUsage
	}
	var xe *exitError
	if errors.As(err, &xe) {
		if msg := xe.Error(); msg != "" {
			fmt.Fprintf(e.stderr, "eidsim %s: %s\n", c.name, msg)
		}
		return xe.code
	}
	fmt.Fprintf(e.stderr, "eidsim %s: %v\n", c.name, err)
	return exitFailure
}
