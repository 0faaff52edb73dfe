package cli

// Every key backend registers its URI scheme in init. Adding a backend is
// one package plus one line here.
import (
	_ "github.com/envseal/envseal/pkg/keyprovider/localkey"
)
