package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/eidsim/eidsim/generators/profile"
)

func init() {
	register(&command{
		name:    "profiles",
		summary: "list the built-in province profiles, or print one (to copy and edit)",
		usage:   "[NAME]",
		run:     runProfiles,
	})
}

func runProfiles(_ context.Context, e *env, args []string) error {
	c := commands["profiles"]
	fs := newFlagSet(c, e)
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch len(rest) {
	case 0:
	case 1:
		b, ok := profile.Raw(rest[0])
		if !ok {
			return usageErr("no built-in profile %q (built-in: %s)", rest[0], strings.Join(profile.Builtin(), ", "))
		}
		_, err := e.stdout.Write(b)
		return err
	default:
		return usageErr("unexpected argument %q", rest[1])
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPROVINCE\tCODE\tPOPULATION\tYEAR\tSOURCES")
	for _, n := range profile.Builtin() {
		p, err := profile.Load(n)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\n", p.Name, p.Title, p.ProvinceCode, p.Population.Count, p.Population.Year, p.Summary)
	}
	return tw.Flush()
}
