package dotenv

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	in := "\xef\xbb\xbf# database\n" +
		"DB_HOST=db.internal\r\n" +
		"\n" +
		"  export DB_PASSWORD=pa$$word#1\n" +
		"EMPTY=\n" +
		"GREETING='hello # world'\n" +
		"MULTI=\"line1\\nline2\\t\\\"q\\\" \\\\\"\n" +
		"URL=postgres://u@h:5432/db?x=1\n" +
		"   # indented comment\n" +
		"_under_score9=a b c\n"
	got, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Var{
		{"DB_HOST", "db.internal"},
		{"DB_PASSWORD", "pa$$word#1"},
		{"EMPTY", ""},
		{"GREETING", "hello # world"},
		{"MULTI", "line1\nline2\t\"q\" \\"},
		{"URL", "postgres://u@h:5432/db?x=1"},
		{"_under_score9", "a b c"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestParseRefuses(t *testing.T) {
	const secret = "s3cr3t"
	for _, line := range []string{
		"KEY = " + secret,
		"KEY =" + secret,
		"KEY= " + secret,
		"KEY=" + secret + " ",
		"KEY=" + secret + " # comment",
		"1KEY=" + secret,
		"K-EY=" + secret,
		"=" + secret,
		secret,
		"KEY='" + secret,
		"KEY='" + secret + "'x",
		"KEY='" + secret + "'" + secret + "'",
		`KEY="` + secret,
		`KEY="` + secret + `"x`,
		`KEY="` + secret + `\q"`,
		"KEY=`" + secret + "`",
		"KEY=" + secret + "\x00",
		"KEY=a\nKEY=" + secret,
	} {
		_, err := Parse([]byte(line))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: got %v, want a SyntaxError", line, err)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%q: the error shows the value: %v", line, err)
		}
	}
}

func TestParseLineNumbers(t *testing.T) {
	_, err := Parse([]byte("A=1\n# c\n\nB=2\nA=3\n"))
	if err == nil || err.Error() != "line 5: A: set twice (first on line 1)" {
		t.Fatalf("got %v", err)
	}
}
