package backendtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/envseal/envseal/"

// TestImportDirection keeps the layout's one rule about backends: outside
// pkg/keyprovider/, only the command layer's registration file (and
// datakey, AWS KMS's own command) names a backend package, and the
// envelope, the stream and the public API name none.
func TestImportDirection(t *testing.T) {
	allowed := map[string]bool{
		"internal/cli/backends.go": true,
		"internal/cli/datakey.go":  true,
	}
	root := filepath.Join("..", "..")
	var found []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && (rel == "pkg/keyprovider" || strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(p, module+"pkg/keyprovider/") {
				found = append(found, rel)
				if !allowed[rel] {
					t.Errorf("%s imports backend %s: ask the keyprovider registry instead", rel, p)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) == 0 {
		t.Fatal("found no backend import at all: is the walk looking at the repository?")
	}
}
