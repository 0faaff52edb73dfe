package cli

import "testing"

func TestSecretDirPID(t *testing.T) {
	tests := []struct {
		name string
		pid  int
		ok   bool
	}{
		{"envseal-exec-4026531836-123-987654", 123, true},
		{"envseal-exec-4026531836-1-2", 1, true},
		{"envseal-exec-4026531837-123-987654", 0, false}, // another namespace
		{"envseal-exec-4026531836-123", 0, false},        // no random part
		{"envseal-exec-4026531836-123-", 0, false},
		{"envseal-exec-4026531836-0123-9", 0, false}, // not how a pid prints
		{"envseal-exec-4026531836-0-9", 0, false},
		{"envseal-exec-4026531836--5-9", 0, false},
		{"envseal-exec-4026531836-x-9", 0, false},
		{"envseal-exec-987654", 0, false}, // the pre-pid name
		{"other-4026531836-123-9", 0, false},
	}
	for _, tt := range tests {
		pid, ok := secretDirPID(tt.name, "4026531836")
		if pid != tt.pid && tt.ok || ok != tt.ok {
			t.Errorf("secretDirPID(%q) = %d, %v; want %d, %v", tt.name, pid, ok, tt.pid, tt.ok)
		}
	}
}
