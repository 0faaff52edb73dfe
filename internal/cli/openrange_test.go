package cli

import "testing"

func TestPlaintextRange(t *testing.T) {
	tests := []struct {
		size, offset, length int64
		off, n               int64
		err                  bool
	}{
		{100, 0, -1, 0, 100, false},
		{100, 10, 20, 10, 20, false},
		{100, 90, 20, 90, 10, false},   // head -c stops at the end
		{100, 100, -1, 100, 0, false},  // at the end: nothing
		{100, 101, -1, 0, 0, true},     // past it: an error
		{100, -10, -1, 90, 10, false},  // tail -c 10
		{100, -10, 5, 90, 5, false},    //
		{100, -200, -1, 0, 100, false}, // tail -c 200 of 100 bytes: all
		{0, 0, -1, 0, 0, false},
		{100, 5, 0, 5, 0, false},
		{1 << 40, -(1 << 20), -1, 1<<40 - 1<<20, 1 << 20, false},
	}
	for _, tt := range tests {
		off, n, err := plaintextRange(tt.size, tt.offset, tt.length)
		if (err != nil) != tt.err || !tt.err && (off != tt.off || n != tt.n) {
			t.Errorf("plaintextRange(%d, %d, %d) = %d, %d, %v; want %d, %d, error %v",
				tt.size, tt.offset, tt.length, off, n, err, tt.off, tt.n, tt.err)
		}
	}
}
