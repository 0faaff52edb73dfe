package keyprovider

// Completion is what shell completion offers for a backend. Listing keys
// would take a network call or a PIN, so only fixed values are offered.
type Completion struct {
	// Prefixes start a key URI of this scheme ("awskms:///alias/"),
	// offered for --key and --add (and for keygen --key if the backend
	// has Keygen).
	Prefixes []string

	// Paths means the rest of the URI after "Scheme:" is a local path,
	// completed from the file system.
	Paths bool

	// Values are the values of keygen flags the backend reads, by flag
	// name: "spec" -> SYMMETRIC_DEFAULT, RSA_2048, ...
	Values map[string][]string
}

// Strings converts a backend's typed names (key types, specs) to the
// strings Completion.Values holds.
func Strings[T ~string](names []T) []string {
	s := make([]string, len(names))
	for i, n := range names {
		s[i] = string(n)
	}
	return s
}
