package secretdir

import "testing"

func TestSecretDirPID(t *testing.T) {
	const origin = "5f1e3c9a0b7d4e2f8a6c1b3d5e7f9a0c-4026531836"
	tests := []struct {
		name string
		pid  int
		ok   bool
	}{
		{"envseal-exec-" + origin + "-123-987654", 123, true},
		{"envseal-exec-" + origin + "-1-2", 1, true},
		{"envseal-edit-" + origin + "-77-abc", 77, true},
		{"envseal-other-" + origin + "-77-abc", 0, false},
		{"envseal-exec-5f1e3c9a0b7d4e2f8a6c1b3d5e7f9a0c-4026531837-123-9", 0, false}, // another namespace
		{"envseal-exec-00000000000000000000000000000000-4026531836-123-9", 0, false}, // another boot or host
		{"envseal-exec-4026531836-123-987654", 0, false},                             // no boot id
		{"envseal-exec-" + origin + "-123", 0, false},                                // no random part
		{"envseal-exec-" + origin + "-123-", 0, false},
		{"envseal-exec-" + origin + "-0123-9", 0, false}, // not how a pid prints
		{"envseal-exec-" + origin + "-0-9", 0, false},
		{"envseal-exec-" + origin + "--5-9", 0, false},
		{"envseal-exec-" + origin + "-x-9", 0, false},
		{"envseal-exec-987654", 0, false}, // without an origin
		{"other-" + origin + "-123-9", 0, false},
	}
	for _, tt := range tests {
		pid, ok := dirPID(tt.name, origin)
		if pid != tt.pid && tt.ok || ok != tt.ok {
			t.Errorf("dirPID(%q) = %d, %v; want %d, %v", tt.name, pid, ok, tt.pid, tt.ok)
		}
	}
}
