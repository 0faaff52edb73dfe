// Command envseal is the envelope-encryption CLI. All behaviour lives in
// internal/cli; see cli.Main.
package main

import (
	"os"

	"github.com/envseal/envseal/internal/cli"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	os.Exit(cli.Main(version))
}
