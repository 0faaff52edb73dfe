package cli

import (
	"github.com/envseal/envseal/pkg/keyprovider"
	"github.com/spf13/cobra"
)

// addSettingFlags makes each backend setting (keyprovider.Setting) a
// global flag whose value lands in ios.Backend.Settings, where the
// backend reads it.
func addSettingFlags(root *cobra.Command, ios *IOStreams) {
	if ios.Backend.Settings == nil {
		ios.Backend.Settings = map[string]string{}
	}
	for _, s := range keyprovider.Settings() {
		root.PersistentFlags().Var(&settingValue{ios.Backend.Settings, s.Name}, s.Name, s.Usage)
	}
}

// settingValue is a string flag stored in a settings map. An unset flag
// leaves no entry, so Options.Setting returns "" as for a flag never given.
type settingValue struct {
	m    map[string]string
	name string
}

func (v *settingValue) String() string { return v.m[v.name] }

func (v *settingValue) Set(s string) error {
	v.m[v.name] = s
	return nil
}

func (v *settingValue) Type() string { return "string" }
