// compose-check loads a Compose file the way `docker compose config` does (the Compose
// Specification's schema, interpolation, merge keys, profiles, dependency checks) and prints the
// resolved project as JSON, or the error and exit code 1. It exists because this project's CI
// machines have no Docker: compose-go is the library docker compose itself uses to read files.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check <compose-file> [profile...]")
		os.Exit(2)
	}
	options, err := cli.NewProjectOptions(
		[]string{os.Args[1]},
		cli.WithName("eventide"),
		cli.WithOsEnv,
		cli.WithProfiles(os.Args[2:]),
		cli.WithConsistency(true),
	)
	if err == nil {
		var project any
		project, err = options.LoadProject(context.Background())
		if err == nil {
			var out []byte
			out, err = json.MarshalIndent(project, "", "  ")
			if err == nil {
				fmt.Println(string(out))
				return
			}
		}
	}
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
