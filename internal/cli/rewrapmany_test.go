package cli

import (
	"errors"
	"reflect"
	"testing"

	"github.com/envseal/envseal/pkg/envseal"
	"github.com/envseal/envseal/pkg/keyprovider"
)

// The target of a bulk rewrap: every --add key, no --remove id, the rest
// kept; a file at it needs nothing; a --remove id missing from a file not
// at the target is an error, as with one file.
func TestRewrapPlanRecipients(t *testing.T) {
	b, c := keyprovider.Wrapper(nil), keyprovider.Wrapper(nil)
	plan := &rewrapPlan{adders: []keyprovider.Wrapper{b, c}, addIDs: []string{"B", "C"}, remove: []string{"A"}}
	for _, tt := range []struct {
		before, after []string
		adds          int // adders returned; -1: none (nil)
		err           error
	}{
		{[]string{"A"}, []string{"B", "C"}, 2, nil},
		{[]string{"A", "X"}, []string{"X", "B", "C"}, 2, nil},
		{[]string{"B", "C"}, []string{"B", "C"}, -1, nil},           // at the target: skip
		{[]string{"X", "C", "B"}, []string{"X", "C", "B"}, -1, nil}, // order kept
		{[]string{"A", "B"}, []string{"B", "C"}, 1, nil},            // half done: only C added
		{[]string{"A", "B", "C"}, []string{"B", "C"}, -1, nil},      // only the removal left
		{[]string{"X"}, nil, 0, &envseal.UnknownKeyIDError{}},       // not this rotation's file
	} {
		after, adders, err := plan.recipients(tt.before)
		var unknown *envseal.UnknownKeyIDError
		switch {
		case tt.err != nil:
			if !errors.As(err, &unknown) {
				t.Errorf("%v: err %v, want an unknown key id", tt.before, err)
			}
			continue
		case err != nil:
			t.Errorf("%v: %v", tt.before, err)
			continue
		}
		if !reflect.DeepEqual(after, tt.after) {
			t.Errorf("%v: after %v, want %v", tt.before, after, tt.after)
		}
		if (tt.adds == -1) != (adders == nil) || (tt.adds >= 0 && len(adders) != tt.adds) {
			t.Errorf("%v: %d adders, want %d", tt.before, len(adders), tt.adds)
		}
	}
	only := &rewrapPlan{remove: []string{"A"}}
	if _, _, err := only.recipients([]string{"A"}); !errors.Is(err, envseal.ErrNoRecipients) {
		t.Errorf("removing the last recipient: %v", err)
	}
}
