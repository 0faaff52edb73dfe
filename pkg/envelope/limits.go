package envelope

// Hard limits of format v1. A parser rejects anything past them before
// allocating for it, so no length field can make it allocate more than
// MaxHeaderSize in total.
const (
	MaxHeaderSize   = 1 << 20
	MaxStanzas      = 64
	MaxContextPairs = 64
	MaxContextKey   = 255
	MaxContextValue = 4096
	MaxStanzaType   = 32
	MaxKeyID        = 2048
	MaxStanzaBody   = 8192

	// MACSize is the size of the header MAC (HMAC-SHA256).
	MACSize = 32
)

const (
	// Magic opens every envelope file.
	Magic = "ENVSEAL"
	// Version is the only format version this package writes and reads.
	Version = 1
	// AlgChunkedAES256GCM is c2sp.org/chunked-encryption v1 with SHA-256
	// and AEAD_AES_256_GCM, 16 KiB chunks.
	AlgChunkedAES256GCM = 1
)
