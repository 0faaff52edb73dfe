package checksum

import (
	"hash"
	"io"
	"sync"
)

// bufSize is the read size. Large reads keep the per-syscall cost far below
// the cost of hashing the bytes, which is what lets a SHA-NI SHA-256 run at
// memory speed; 1 MiB is past the point where larger stops helping.
const bufSize = 1 << 20

var bufPool = sync.Pool{New: func() any { b := make([]byte, bufSize); return &b }}

// Sum streams r through h and returns the digest. Memory use is one
// buffer, whatever the size of r.
func Sum(h hash.Hash, r io.Reader) ([]byte, error) {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	for {
		// Read directly rather than io.CopyBuffer: *os.File implements
		// WriterTo, and io.CopyBuffer would then ignore buf and copy in
		// 32 KiB pieces.
		n, err := r.Read(buf)
		h.Write(buf[:n])
		if err == io.EOF {
			return h.Sum(nil), nil
		}
		if err != nil {
			return nil, err
		}
	}
}
