package keyprovider

// Setting is a backend option that comes from the command line rather than
// from the key URI, because it applies to every key of the backend (the
// AWS region and profile). The command line makes each one a global
// string flag named Name with help text Usage, and passes the value back
// in Options.Settings.
//
// Names share one namespace across backends; Register panics on a name
// taken twice.
type Setting struct {
	Name  string
	Usage string
}

// Settings lists the settings of every registered backend, by scheme.
func Settings() []Setting {
	var all []Setting
	for _, b := range Backends() {
		all = append(all, b.Settings...)
	}
	return all
}
