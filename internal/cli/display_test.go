package cli

import "testing"

func TestDisplayString(t *testing.T) {
	for in, want := range map[string]string{
		"billing-prod 2027":      "billing-prod 2027",
		"é ü 日本":                 "é ü 日本",
		"a\u202eb":               `a\u202eb`,
		"zero\u200bwidth\ufeff":  `zero\u200bwidth\ufeff`,
		"tab\there":              `tab\u0009here`,
		"nb\u00a0sp\u3000":       `nb\u00a0sp\u3000`,
		"tag\U000e0041":          `tag\U000e0041`,
		`back\slash`:             `back\\slash`,
		"bad\xffutf8":            `bad\xffutf8`,
		"line\u2028para\u2029":   `line\u2028para\u2029`,
		"fill\u3164\u2800\u115f": `fill\u3164\u2800\u115f`,
		"vs\ufe0f\U000e0100":     `vs\ufe0f\U000e0100`,
		"mark\u034f\u0336":       `mark\u034f\u0336`,
		"ok-é_€:/=+":             "ok-é_€:/=+",
	} {
		if got := displayString(in); got != want {
			t.Errorf("displayString(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDisplayQuoted(t *testing.T) {
	for in, want := range map[string]string{
		"prod":          `"prod"`,
		"pr\u3164od":    `"pr\u3164od"`,
		"a\u0301":       `"a\u0301"`,
		"rlo\u202e":     `"rlo\u202e"`,
		`q"uote\`:       `"q\"uote\\"`,
		"日本":            `"日本"`,
		"tag\U000e0100": `"tag\U000e0100"`,
	} {
		if got := displayQuoted(in); got != want {
			t.Errorf("displayQuoted(%q) = %s, want %s", in, got, want)
		}
	}
}
